"""The log as the contexts write it: one leaf per public record, in the business transaction; a signed head per
commit; append-only tables; proofs from the stored subtree hashes."""

import itertools
import json
import random

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from consult.disclosure import operations
from consult.transparency import keys
from consult.transparency import merkle
from consult.transparency import queries
from consult.transparency.canonical import digest
from consult.transparency.models import LogHead
from consult.transparency.models import LogLeaf
from consult.transparency.records import kinds
from consult.transparency.verify import verify_log
from tests.disclosure.conftest import OBJECTION
from tests.transparency.conftest import run


def _leaves():
    from consult.db import db

    return db.session.scalars(sa.select(LogLeaf).order_by(LogLeaf.idx)).all()


def test_each_public_record_is_a_leaf_of_its_topic(db, logged):
    leaves = _leaves()
    assert [leaf.idx for leaf in leaves] == list(range(len(leaves)))
    names = [leaf.kind for leaf in leaves]
    assert {'topic_step', 'published_result', 'objection', 'objection_answer'} <= set(names)
    assert names.index('published_result') < names.index('objection') < names.index('objection_answer')
    assert {leaf.topic_id for leaf in leaves} == {logged.id}
    known = kinds()
    for leaf in leaves:
        payload = json.loads(leaf.payload)
        assert payload['seq'] == leaf.idx
        assert payload['v'] == 1
        assert payload['at'].endswith('Z')
        assert bytes(leaf.leaf_hash) == merkle.leaf_hash(leaf.payload.encode())
        record = known[leaf.kind].load([leaf.record_id])[leaf.record_id]
        assert payload['digest'] == digest(record)
    objection = next(leaf for leaf in leaves if leaf.kind == 'objection')
    record = known['objection'].load([objection.record_id])[objection.record_id]
    assert record['reasons'] == OBJECTION
    assert 'author_id' not in record


def test_every_commit_that_appended_signs_a_head_of_the_whole_log(db, logged):
    heads = db.session.scalars(sa.select(LogHead).order_by(LogHead.seq)).all()
    assert [h.seq for h in heads] == list(range(1, len(heads) + 1))
    assert heads[-1].tree_size == queries.size()
    assert all(a.tree_size < b.tree_size for a, b in itertools.pairwise(heads))
    for head in heads:
        assert bytes(head.root_hash) == queries.root_hash(head.tree_size)
        message = keys.head_message(head.tree_size, bytes(head.root_hash), head.timestamp)
        assert keys.verify(keys.public_key(), bytes(head.signature), message)
    assert verify_log().ok


def test_a_rolled_back_step_leaves_no_leaf_and_no_head(db, cast, published):
    before, heads = queries.size(), db.session.scalar(sa.select(sa.func.count()).select_from(LogHead))
    operations.file_objection(cast.neighbour, published, OBJECTION)
    assert queries.size() == before + 1
    db.session.rollback()
    assert queries.size() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogHead)) == heads
    assert verify_log().ok


@pytest.mark.parametrize('table', ['log_leaves', 'log_nodes', 'log_heads'])
@pytest.mark.parametrize('verb', ['UPDATE', 'DELETE'])
def test_the_log_tables_refuse_update_and_delete(db, logged, table, verb):
    column = {'log_leaves': 'kind', 'log_nodes': 'hash', 'log_heads': 'key_id'}[table]
    statement = f'UPDATE {table} SET {column} = {column}' if verb == 'UPDATE' else f'DELETE FROM {table}'  # noqa: S608
    with pytest.raises(DatabaseError, match='append-only'):
        with db.session.begin_nested():
            run(statement)


def test_inclusion_and_consistency_proofs_from_the_database_verify_against_signed_heads(db, logged):
    heads = db.session.scalars(sa.select(LogHead).order_by(LogHead.seq)).all()
    last = heads[-1]
    for leaf in _leaves():
        path = queries.inclusion_proof(leaf.idx, last.tree_size)
        assert merkle.root_from_inclusion(leaf.idx, last.tree_size, bytes(leaf.leaf_hash), path) == bytes(
            last.root_hash
        )
    rng = random.Random(4)
    for _ in range(30):
        a, b = sorted(rng.sample(heads, 2), key=lambda h: h.tree_size)
        proof = queries.consistency_proof(a.tree_size, b.tree_size)
        assert merkle.verify_consistency(a.tree_size, b.tree_size, bytes(a.root_hash), bytes(b.root_hash), proof)


def test_a_proof_reads_a_fixed_number_of_statements(app, db, logged):
    from tests.support import QueryCounter

    size = queries.size()
    counter = QueryCounter()
    sa.event.listen(db.engines[None], 'before_cursor_execute', counter)
    try:
        queries.inclusion_proof(size // 2, size)
        queries.consistency_proof(3, size)
    finally:
        sa.event.remove(db.engines[None], 'before_cursor_execute', counter)
    assert counter.count <= 4
