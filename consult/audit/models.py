"""Append-only audit entries."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class AuditEntry(db.Model):
    __tablename__ = 'audit_entries'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    #: None for the system itself (e.g. an automatic verification from the roster).
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: A dotted action name, e.g. ``role.grant``; see ``consult.audit.operations.ACTIONS``.
    action: so.Mapped[str] = so.mapped_column(sa.String(50), index=True)
    community_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('communities.id'), index=True)
    subject_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    #: Structured facts about the action (role, scope, counts); never personal data beyond ids.
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    actor = so.relationship('User', foreign_keys=[actor_id])
    subject = so.relationship('User', foreign_keys=[subject_id])
    community = so.relationship('Community')

    def __repr__(self):
        return f'<AuditEntry {self.id} {self.action}>'
