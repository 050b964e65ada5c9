"""Checking the whole log against itself, its signed heads and the records behind its leaves.

One pass over the leaves in index order, a batch at a time: each leaf's payload and hash; the tree recomputed
from the leaves and compared with every stored subtree hash; every signed head's root (from the recomputed tree,
when the pass reaches its size) and signature; and every record reloaded through its kind's ``load`` and
compared with the leaf's digest. The first entry that does not match is named.
"""

import json
from collections import deque
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

from consult.db import db

from . import keys
from . import merkle
from .canonical import digest
from .models import LEAF_VERSION
from .models import LogHead
from .models import LogLeaf
from .models import LogNode
from .records import kinds as record_kinds

LEAF_COLUMNS = (LogLeaf.idx, LogLeaf.kind, LogLeaf.record_id, LogLeaf.topic_id, LogLeaf.payload, LogLeaf.leaf_hash)
FIELDS = {'v', 'seq', 'kind', 'record_id', 'topic_id', 'at', 'digest'}


@dataclass(order=True)
class Problem:
    #: The first entry (leaf index) that does not match.
    entry: int
    message: str = field(compare=False)


@dataclass
class Report:
    leaves: int = 0
    nodes: int = 0
    heads: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def first(self) -> Problem | None:
        return min(self.problems) if self.problems else None

    @property
    def ok(self) -> bool:
        return not self.problems


def _leaf_problem(row, expected: int) -> str | None:
    if row.idx != expected:
        return f'entry {expected} is missing (the next stored entry is {row.idx})'
    try:
        leaf = json.loads(row.payload)
    except ValueError:
        return f'entry {expected}: its leaf is not JSON'
    # A leaf holds ASCII keys, integers, ASCII strings and null: sorted compact JSON is its RFC 8785 form.
    if not isinstance(leaf, dict) or set(leaf) != FIELDS or leaf['v'] != LEAF_VERSION:
        return f'entry {expected}: its leaf does not have the leaf fields'
    if json.dumps(leaf, sort_keys=True, separators=(',', ':'), ensure_ascii=False) != row.payload:
        return f'entry {expected}: its leaf is not canonical JSON'
    if leaf['seq'] != expected:
        return f'entry {expected}: its leaf says it is entry {leaf["seq"]} (entries moved)'
    if (leaf['kind'], leaf['record_id'], leaf['topic_id']) != (row.kind, row.record_id, row.topic_id):
        return f'entry {expected}: its columns differ from its leaf'
    if merkle.leaf_hash(row.payload.encode()) != bytes(row.leaf_hash):
        return f'entry {expected}: its leaf hash does not match its leaf'
    return None


class _Tree:
    """The tree recomputed from the leaf hashes: the newest complete subtree at each level."""

    def __init__(self):
        self.last: dict[int, bytes] = {}
        self.size = 0

    def push(self, value: bytes) -> list[tuple[int, int, bytes]]:
        index, made, current, level = self.size, [], value, 0
        while (index >> level) & 1:
            current = merkle.node_hash(self.last[level], current)
            level += 1
            made.append((level, index >> level, current))
        self.last[level] = current  # the newest complete subtree at its level; those below are merged into it
        self.size += 1
        return made

    def root(self) -> bytes:
        parts = [self.last[level] for level in range(self.size.bit_length() - 1, -1, -1) if (self.size >> level) & 1]
        return merkle.fold(parts)


def _stored_nodes(made) -> dict[tuple[int, int], bytes]:
    if not made:
        return {}
    ranges: dict[int, list[int]] = {}
    for level, index, _ in made:
        ranges.setdefault(level, []).append(index)
    where = sa.or_(
        *(sa.and_(LogNode.level == level, LogNode.index.between(min(ixs), max(ixs))) for level, ixs in ranges.items())
    )
    rows = db.session.execute(sa.select(LogNode.level, LogNode.index, LogNode.hash).where(where))
    return {(level, index): bytes(value) for level, index, value in rows}


def _check_heads(heads: list, size: int, report: Report) -> None:
    public = keys.public_key()
    key_id = keys.key_id(public)
    previous = None
    for head in heads:
        after = previous.tree_size if previous is not None else 0
        expected_seq = previous.seq + 1 if previous is not None else 1
        if head.seq != expected_seq:
            report.problems.append(Problem(after, f'signed head #{expected_seq} is missing (deleted)'))
        elif previous is not None and (head.tree_size <= previous.tree_size or head.timestamp < previous.timestamp):
            report.problems.append(Problem(after, f'signed head #{head.seq} does not follow head #{previous.seq}'))
        message = keys.head_message(head.tree_size, bytes(head.root_hash), head.timestamp)
        if head.key_id != key_id or not keys.verify(public, bytes(head.signature), message):
            report.problems.append(Problem(max(head.tree_size - 1, 0), f'signed head #{head.seq}: bad signature'))
        previous = head
    if previous is not None and previous.tree_size > size:
        report.problems.append(
            Problem(
                size, f'the log has {size} entries but head #{previous.seq} signed {previous.tree_size}: rolled back'
            )
        )
    elif previous is not None and size > previous.tree_size:
        report.problems.append(Problem(previous.tree_size, 'entries after the last signed head are not signed'))
    elif previous is None and size:
        report.problems.append(Problem(0, 'no signed head covers the log'))


def _check_records(batch, report: Report) -> None:
    known = record_kinds()
    by_kind: dict[str, list] = {}
    for idx, kind, record_id, leaf_digest in batch:
        by_kind.setdefault(kind, []).append((idx, record_id, leaf_digest))
    for name, entries in by_kind.items():
        kind = known.get(name)
        if kind is None:
            report.problems.append(Problem(entries[0][0], f'entry {entries[0][0]}: unknown record kind {name!r}'))
            continue
        loaded = kind.load(sorted({record_id for _, record_id, _ in entries}))
        for idx, record_id, leaf_digest in entries:
            record = loaded.get(record_id)
            report.records += 1
            if record is None:
                report.problems.append(Problem(idx, f'entry {idx}: record {name}/{record_id} is missing'))
            elif digest(record) != leaf_digest:
                report.problems.append(Problem(idx, f'entry {idx}: record {name}/{record_id} was changed'))


def verify_log(batch_size: int = 5000, records: bool = True) -> Report:
    """Check everything; stop the pass at the first batch with a problem (problems name their entry)."""
    report = Report()
    # Columns, not entities: rows already in the session's identity map would hide a change made behind it.
    h = LogHead
    columns = (h.seq, h.tree_size, h.root_hash, h.timestamp, h.key_id, h.signature)
    heads = db.session.execute(sa.select(*columns).order_by(h.tree_size, h.seq)).all()
    pending = deque(heads)
    tree, expected = _Tree(), 0
    while True:
        query = sa.select(*LEAF_COLUMNS).where(LogLeaf.idx >= expected).order_by(LogLeaf.idx).limit(batch_size)
        rows = db.session.execute(query).all()
        if not rows:
            break
        made, refs, before = [], [], len(report.problems)
        for row in rows:
            problem = _leaf_problem(row, expected)
            if problem is not None:
                report.problems.append(Problem(expected, problem))
                break
            made.extend(tree.push(bytes(row.leaf_hash)))
            leaf = json.loads(row.payload)
            refs.append((expected, leaf['kind'], leaf['record_id'], leaf['digest']))
            expected += 1
            while pending and pending[0].tree_size == tree.size:
                head = pending.popleft()
                if tree.root() != bytes(head.root_hash):
                    report.problems.append(
                        Problem(head.tree_size - 1, f"signed head #{head.seq}: its root is not the log's root")
                    )
        stored = _stored_nodes(made)
        for level, index, value in made:
            found = stored.get((level, index))
            if found != value:
                first = index << level
                last = first + (1 << level) - 1
                if found is None:  # stored by the append of its last leaf: that append did not go through the log
                    report.problems.append(Problem(last, f'entry {last}: the subtree hash it completes is missing'))
                else:
                    report.problems.append(Problem(first, f'entries {first}-{last}: their stored subtree hash differs'))
                break
        report.nodes += len(made)
        if records:
            _check_records(refs, report)
        report.leaves = expected
        if len(report.problems) > before:
            break
    size = db.session.execute(sa.select(sa.func.coalesce(sa.func.max(LogLeaf.idx) + 1, 0))).scalar_one()
    if report.ok:
        _check_extra_nodes(size, report)
    _check_heads(heads, size, report)
    report.heads = len(heads)
    return report


def _check_extra_nodes(size: int, report: Report) -> None:
    levels = range(1, max(size, 1).bit_length() + 1)
    where = sa.or_(
        LogNode.level > max(levels),
        *(sa.and_(LogNode.level == level, LogNode.index >= size >> level) for level in levels),
    )
    extra = db.session.execute(sa.select(LogNode.level, LogNode.index).where(where).limit(1)).first()
    if extra is not None:
        report.problems.append(Problem(size, f'a subtree hash beyond the log is stored ({extra[0]}/{extra[1]})'))
