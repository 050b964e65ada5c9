"""``flask archive verify`` against an attacker with the database owner's rights: each change is found, and the
first entry that does not match is named."""

import json
import re

import pytest
import sqlalchemy as sa

from consult.transparency import merkle
from consult.transparency import queries
from consult.transparency.models import LogLeaf
from tests.transparency.conftest import run


def verify(runner):
    result = runner.invoke(args=['archive', 'verify', '--batch', '7'])
    failed = re.search(r'FAILED at entry (\d+): (.*)', result.output)
    return result.exit_code, (int(failed.group(1)) if failed else None), result.output


def _leaf(db, kind):
    return db.session.scalars(sa.select(LogLeaf).where(LogLeaf.kind == kind).order_by(LogLeaf.idx)).first()


def test_an_untouched_log_passes(runner, db, logged):
    code, _entry, output = verify(runner)
    assert code == 0, output
    assert 'The log is intact.' in output


def test_an_edited_record_is_named(runner, attacker, logged):
    leaf = _leaf(attacker, 'objection')
    run(
        'UPDATE objections SET reasons = :text WHERE id = :id', text='改过的异议理由，不是居民写的。', id=leaf.record_id
    )
    code, entry, output = verify(runner)
    assert (code, entry) == (1, leaf.idx), output
    assert 'was changed' in output


def test_an_edited_timeline_row_is_named(runner, attacker, logged):
    leaf = _leaf(attacker, 'topic_step')
    run('UPDATE topic_events SET to_status = :s WHERE id = :id', s='rejected', id=leaf.record_id)
    assert verify(runner)[:2] == (1, leaf.idx)


def test_a_deleted_record_is_named(runner, attacker, logged):
    leaf = _leaf(attacker, 'published_result')
    run('DELETE FROM objections WHERE topic_id = :t', t=logged.id)
    run('DELETE FROM publications WHERE id = :id', id=leaf.record_id)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, leaf.idx)
    assert 'is missing' in output


def test_an_edited_leaf_is_named(runner, attacker, logged):
    leaf = _leaf(attacker, 'objection')
    payload = json.loads(leaf.payload)
    payload['digest'] = '0' * 64
    forged = json.dumps(payload, sort_keys=True, separators=(',', ':'))
    run('UPDATE log_leaves SET payload = :p WHERE idx = :i', p=forged, i=leaf.idx)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, leaf.idx)
    assert 'leaf hash' in output


def test_an_edited_leaf_with_its_hash_rewritten_is_caught_by_the_tree(runner, attacker, logged):
    leaf = _leaf(attacker, 'objection')
    forged = leaf.payload.replace(leaf.payload[-66:-2], '1' * 64)
    run(
        'UPDATE log_leaves SET payload = :p, leaf_hash = :h WHERE idx = :i',
        p=forged,
        h=merkle.leaf_hash(forged.encode()),
        i=leaf.idx,
    )
    code, entry, output = verify(runner)
    assert code == 1
    assert entry is not None, output
    assert entry <= leaf.idx, output
    assert leaf.idx - entry < 2  # the pair of leaves whose stored hash differs


def test_a_deleted_leaf_is_named(runner, attacker, logged):
    run('DELETE FROM log_leaves WHERE idx = 5')
    code, entry, output = verify(runner)
    assert (code, entry) == (1, 5)
    assert 'entry 5 is missing' in output


def test_a_leaf_deleted_and_the_rest_moved_down_is_named(runner, attacker, logged):
    size = queries.size()
    run('DELETE FROM log_leaves WHERE idx = 4')
    run('UPDATE log_leaves SET idx = idx + 1000000 WHERE idx > 4')
    run('UPDATE log_leaves SET idx = idx - 1000001 WHERE idx > 1000000')
    assert queries.size() == size - 1
    code, entry, output = verify(runner)
    assert (code, entry) == (1, 4), output


def test_a_leaf_inserted_in_the_middle_is_named(runner, attacker, logged):
    leaf = attacker.session.get(LogLeaf, 6)
    run('UPDATE log_leaves SET idx = idx + 1000000 WHERE idx >= 6')
    run('UPDATE log_leaves SET idx = idx - 999999 WHERE idx >= 1000000')
    forged = leaf.payload.replace('"seq":6', '"seq":6').replace(leaf.payload[-66:-2], '2' * 64)
    run(
        'INSERT INTO log_leaves (idx, kind, record_id, topic_id, payload, leaf_hash) VALUES (6, :k, :r, :t, :p, :h)',
        k=leaf.kind,
        r=leaf.record_id,
        t=leaf.topic_id,
        p=forged,
        h=merkle.leaf_hash(forged.encode()),
    )
    code, entry, output = verify(runner)
    assert (code, entry) == (1, 6), output


def test_a_leaf_appended_without_a_head_is_named(runner, attacker, logged):
    last = attacker.session.get(LogLeaf, queries.size() - 1)
    size = queries.size()
    forged = last.payload.replace(f'"seq":{size - 1}', f'"seq":{size}')
    run(
        'INSERT INTO log_leaves (idx, kind, record_id, topic_id, payload, leaf_hash) VALUES (:i, :k, :r, :t, :p, :h)',
        i=size,
        k=last.kind,
        r=last.record_id,
        t=last.topic_id,
        p=forged,
        h=merkle.leaf_hash(forged.encode()),
    )
    code, entry, output = verify(runner)
    assert (code, entry) == (1, size)
    assert 'not signed' in output


def test_two_swapped_leaves_are_named(runner, attacker, logged):
    a, b = attacker.session.get(LogLeaf, 3), attacker.session.get(LogLeaf, 8)
    swap = 'UPDATE log_leaves SET payload = :p, leaf_hash = :h, kind = :k, record_id = :r WHERE idx = :i'
    run(swap, p=b.payload, h=bytes(b.leaf_hash), k=b.kind, r=b.record_id, i=3)
    run(swap, p=a.payload, h=bytes(a.leaf_hash), k=a.kind, r=a.record_id, i=8)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, 3)
    assert 'moved' in output


def test_a_rolled_back_log_is_named(runner, attacker, logged):
    size = queries.size()
    cut = size - 3
    run('DELETE FROM log_leaves WHERE idx >= :n', n=cut)
    for level in range(1, size.bit_length() + 1):
        run('DELETE FROM log_nodes WHERE level = :l AND "index" >= :i', l=level, i=cut >> level)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, cut)
    assert 'rolled back' in output


def test_a_deleted_head_is_named(runner, attacker, logged):
    heads = run('SELECT seq, tree_size FROM log_heads ORDER BY seq').all()
    middle = heads[len(heads) // 2]
    run('DELETE FROM log_heads WHERE seq = :s', s=middle.seq)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, heads[len(heads) // 2 - 1].tree_size), output
    assert f'head #{middle.seq} is missing' in output


def test_the_newest_head_deleted_leaves_entries_unsigned(runner, attacker, logged):
    heads = run('SELECT seq, tree_size FROM log_heads ORDER BY seq').all()
    run('DELETE FROM log_heads WHERE seq = :s', s=heads[-1].seq)
    code, entry, output = verify(runner)
    assert (code, entry) == (1, heads[-2].tree_size)
    assert 'not signed' in output


@pytest.mark.parametrize('column', ['root_hash', 'signature'])
def test_a_forged_head_is_named(runner, attacker, logged, column):
    head = run('SELECT seq, tree_size FROM log_heads ORDER BY seq').all()[2]
    run(
        f'UPDATE log_heads SET {column} = :v WHERE seq = :s',  # noqa: S608
        v=bytes(64 if column == 'signature' else 32),
        s=head.seq,
    )
    code, entry, output = verify(runner)
    assert (code, entry) == (1, head.tree_size - 1), output


def test_a_proof_over_a_damaged_log_is_refused_in_json(attacker, client, logged):
    size = queries.size()
    run('DELETE FROM log_nodes')
    response = client.get(f'/api/v1/log/proof/inclusion?tree_size={size}&leaf_index=0')
    assert response.status_code == 404
    assert response.get_json()['error']['message']
