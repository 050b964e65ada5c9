"""Writing the log: a leaf appended in the business transaction, and a signed head when that transaction commits.

Appending is serialised: on PostgreSQL under a transaction-level advisory lock, held until the commit (SQLite
serialises writers itself), so indexes are allocated without gaps and a rollback leaves no leaf and no head.
"""

import logging
import time

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from consult.db import db
from consult.kernel.clock import utcnow

from . import keys
from . import merkle
from . import queries
from .canonical import canonical
from .canonical import digest
from .canonical import iso
from .models import LEAF_VERSION
from .models import LogHead
from .models import LogLeaf
from .models import LogNode

logger = logging.getLogger(__name__)

#: The advisory lock's key (any constant of the app's own).
LOCK_KEY = 0x7C0_1065
_GROWN = 'consult_log_grown'


def lock(session=None) -> None:
    """Take the log's lock until the end of the transaction (PostgreSQL; SQLite serialises writers anyway)."""
    session = session or db.session
    if session.get_bind().dialect.name == 'postgresql':
        session.execute(sa.text('SELECT pg_advisory_xact_lock(:key)'), {'key': LOCK_KEY})


def leaf_payload(seq: int, kind: str, record_id: int, topic_id: int | None, at: str, record_digest: str) -> bytes:
    """The canonical JSON leaf (schema version ``v``)."""
    return canonical(
        {
            'v': LEAF_VERSION,
            'seq': seq,
            'kind': kind,
            'record_id': record_id,
            'topic_id': topic_id,
            'at': at,
            'digest': record_digest,
        }
    )


def new_nodes(index: int, leaf: bytes, lefts: dict[tuple[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The complete subtrees leaf ``index`` completes: ``(level, index, hash)`` (none for an even index)."""
    out, current, level = [], leaf, 0
    while (index >> level) & 1:
        current = merkle.node_hash(lefts[(level, (index >> level) - 1)], current)
        level += 1
        out.append((level, index >> level, current))
    return out


def left_keys(index: int) -> list[tuple[int, int]]:
    keys, level = [], 0
    while (index >> level) & 1:
        keys.append((level, (index >> level) - 1))
        level += 1
    return keys


def append(kind: str, record_id: int, topic_id: int | None, record: dict) -> int:
    """Append the leaf of one public record; flush, never commit.

    :return: the leaf's index.
    """
    session = db.session
    session.flush()
    lock(session)
    index = queries.size(session)
    payload = leaf_payload(index, kind, record_id, topic_id, iso(utcnow()), digest(record))
    value = merkle.leaf_hash(payload)
    lefts = queries.hashes(left_keys(index), session)
    session.execute(
        sa.insert(LogLeaf).values(
            idx=index, kind=kind, record_id=record_id, topic_id=topic_id, payload=payload.decode(), leaf_hash=value
        )
    )
    nodes = new_nodes(index, value, lefts)
    if nodes:
        session.execute(sa.insert(LogNode), [{'level': lv, 'index': ix, 'hash': h} for lv, ix, h in nodes])
    session.info[_GROWN] = True
    logger.info('log: leaf %s is %s/%s', index, kind, record_id)
    return index


def sign_head(session=None) -> LogHead | None:
    """Sign the tree head at the log's size when it grew since the last head; ``None`` when it did not."""
    session = session or db.session
    lock(session)
    tree_size = queries.size(session)
    last = queries.latest_head(session)
    if tree_size == 0 or (last is not None and last.tree_size >= tree_size):
        return None
    root = queries.root_hash(tree_size, session)
    timestamp = max(int(time.time() * 1000), last.timestamp if last is not None else 0)
    head = LogHead(
        seq=(last.seq if last is not None else 0) + 1,
        tree_size=tree_size,
        root_hash=root,
        timestamp=timestamp,
        key_id=keys.key_id(),
        signature=keys.sign(keys.head_message(tree_size, root, timestamp)),
    )
    session.add(head)
    session.flush()
    return head


@sa_event.listens_for(Session, 'before_commit')
def _sign_on_commit(session):
    """Every transaction that appended ends with a signed head of the log it leaves (none on a rollback)."""
    if session.info.pop(_GROWN, False):
        sign_head(session)


@sa_event.listens_for(Session, 'after_soft_rollback')
def _forget(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_GROWN, None)
