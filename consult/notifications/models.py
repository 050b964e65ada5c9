"""A notification: one person told of one step on a topic or a petition."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class Notification(db.Model):
    __tablename__ = 'notifications'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The topic the step was taken on (relationships are named by string: this context imports neither).
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    #: Set instead of ``topic_id`` for a petition's steps.
    petition_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('petitions.id', ondelete='CASCADE'))
    #: The step that caused it (``accept``, ``merge``... or ``petition_met``...), shown through its label.
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    topic = so.relationship('Topic')
    petition = so.relationship('Petition')

    __table_args__ = (sa.Index('ix_notifications_user_unread', 'user_id', 'read_at', 'created_at'),)

    def __repr__(self):
        return f'<Notification {self.id} user={self.user_id} {self.kind}>'
