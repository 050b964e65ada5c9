"""Reading the log: stored subtree hashes, roots, proofs and pages, each in a fixed number of statements."""

import hashlib

import sqlalchemy as sa

from consult.db import db

from . import merkle
from .models import LogHead
from .models import LogLeaf
from .models import LogNode

EMPTY_ROOT = hashlib.sha256(b'').digest()


def size(session=None) -> int:
    """How many leaves the log holds."""
    session = session or db.session
    return session.execute(sa.select(sa.func.coalesce(sa.func.max(LogLeaf.idx) + 1, 0))).scalar_one()


def hashes(keys, session=None) -> dict[tuple[int, int], bytes]:
    """The stored hashes of complete subtrees ``(level, index)``: level 0 is a leaf, others ``log_nodes``."""
    session = session or db.session
    keys = set(keys)
    if keys and session.get_bind().dialect.name == 'postgresql':
        return _hashes_pg(keys, session)
    found: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    if leaves:
        rows = session.execute(sa.select(LogLeaf.idx, LogLeaf.leaf_hash).where(LogLeaf.idx.in_(leaves)))
        found.update(((0, idx), bytes(value)) for idx, value in rows)
    nodes = [key for key in keys if key[0] > 0]
    if nodes:
        where = sa.or_(*(sa.and_(LogNode.level == level, LogNode.index == index) for level, index in nodes))
        rows = session.execute(sa.select(LogNode.level, LogNode.index, LogNode.hash).where(where))
        found.update(((level, index), bytes(value)) for level, index, value in rows)
    return found


#: One statement for every key, whatever their number; a fixed text, so it is prepared and planned once.
_PG_HASHES = sa.text(
    'SELECT 0, idx, leaf_hash FROM log_leaves WHERE idx = ANY(CAST(:leaves AS bigint[])) '
    'UNION ALL '
    'SELECT n.level, n."index", n.hash FROM log_nodes n '
    'JOIN unnest(CAST(:levels AS smallint[]), CAST(:indexes AS bigint[])) AS k(level, idx) '
    'ON n.level = k.level AND n."index" = k.idx'
)


def _hashes_pg(keys, session) -> dict[tuple[int, int], bytes]:
    nodes = [key for key in keys if key[0] > 0]
    rows = session.execute(
        _PG_HASHES,
        {
            'leaves': [index for level, index in keys if level == 0],
            'levels': [level for level, _ in nodes],
            'indexes': [index for _, index in nodes],
        },
    )
    return {(level, index): bytes(value) for level, index, value in rows}


class Missing(LookupError):
    """A subtree hash the log should hold is not stored (a deleted row)."""


def range_hashes(ranges, session=None) -> list[bytes]:
    """The hash of each leaf range ``[a, b)`` (aligned ``a``), read in at most two statements in all."""
    parts = [merkle.subtrees(a, b) for a, b in ranges]
    found = hashes({key for part in parts for key in part}, session)
    try:
        return [merkle.fold([found[key] for key in part]) for part in parts]
    except KeyError as missing:
        raise Missing(missing.args[0]) from None


def root_hash(tree_size: int, session=None) -> bytes:
    if tree_size == 0:
        return EMPTY_ROOT
    return range_hashes([(0, tree_size)], session)[0]


def inclusion_proof(index: int, tree_size: int, session=None) -> list[bytes]:
    return range_hashes(merkle.inclusion_ranges(index, tree_size), session)


def consistency_proof(old: int, new: int, session=None) -> list[bytes]:
    if old == 0 or old == new:
        return []
    return range_hashes(merkle.consistency_ranges(old, new), session)


def latest_head(session=None) -> LogHead | None:
    session = session or db.session
    return session.execute(sa.select(LogHead).order_by(LogHead.seq.desc()).limit(1)).scalar_one_or_none()


def head_at(tree_size: int) -> LogHead | None:
    return db.session.execute(sa.select(LogHead).where(LogHead.tree_size == tree_size)).scalar_one_or_none()


def leaves(start: int, limit: int) -> list[LogLeaf]:
    """Leaves from index ``start``, in order."""
    query = sa.select(LogLeaf).where(LogLeaf.idx >= start).order_by(LogLeaf.idx).limit(limit)
    return db.session.scalars(query).all()


def leaf_by_hash(value: bytes) -> LogLeaf | None:
    query = sa.select(LogLeaf).where(LogLeaf.leaf_hash == value).order_by(LogLeaf.idx).limit(1)
    return db.session.scalars(query).first()


def leaves_of_topic(topic_id: int) -> list[LogLeaf]:
    return db.session.scalars(sa.select(LogLeaf).where(LogLeaf.topic_id == topic_id).order_by(LogLeaf.idx)).all()


def heads_after(seq: int, limit: int) -> list[LogHead]:
    """Signed heads numbered after ``seq``, oldest first."""
    return db.session.scalars(sa.select(LogHead).where(LogHead.seq > seq).order_by(LogHead.seq).limit(limit)).all()
