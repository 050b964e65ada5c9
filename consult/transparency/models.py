"""The log's three append-only tables: leaves, the hashes of complete subtrees, and the signed tree heads.

A trigger (the migration's) refuses UPDATE and DELETE on each of them, on PostgreSQL and SQLite alike.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db

#: The schema version written into every leaf (``v``).
LEAF_VERSION = 1
TABLES = ('log_leaves', 'log_nodes', 'log_heads')


class LogLeaf(db.Model):
    """One public record event: its canonical JSON leaf (RFC 8785) and the leaf's hash (RFC 9162 2.1.1)."""

    __tablename__ = 'log_leaves'

    #: The leaf's index in the tree, from 0; also its payload's ``seq``.
    idx: so.Mapped[int] = so.mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    record_id: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.Integer, index=True)
    #: The leaf itself: ``{"v", "seq", "kind", "record_id", "topic_id", "at", "digest"}``, canonical JSON.
    payload: so.Mapped[str] = so.mapped_column(sa.Text)
    #: SHA-256(0x00 || payload).
    leaf_hash: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(32), index=True)

    __table_args__ = (sa.Index('ix_log_leaves_kind_record', 'kind', 'record_id'),)

    def __repr__(self):
        return f'<LogLeaf {self.idx} {self.kind}/{self.record_id}>'


class LogNode(db.Model):
    """The hash of the complete subtree of ``2**level`` leaves starting at leaf ``index << level`` (level >= 1)."""

    __tablename__ = 'log_nodes'

    level: so.Mapped[int] = so.mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    index: so.Mapped[int] = so.mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hash: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(32))

    def __repr__(self):
        return f'<LogNode {self.level}/{self.index}>'


class LogHead(db.Model):
    """A signed tree head (RFC 9162 4.10): one per transaction that appended leaves, numbered without gaps."""

    __tablename__ = 'log_heads'

    #: 1, 2, 3 ... allocated under the log's lock: a missing number is a deleted head.
    seq: so.Mapped[int] = so.mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    tree_size: so.Mapped[int] = so.mapped_column(sa.BigInteger, unique=True)
    root_hash: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(32))
    #: Milliseconds since the epoch, UTC (as RFC 9162 counts them).
    timestamp: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: The SHA-256 of the raw Ed25519 public key (hex): which key signed.
    key_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    signature: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(64))

    def __repr__(self):
        return f'<LogHead {self.seq} size={self.tree_size}>'
