"""One row per file attached to a topic; the file itself is in storage under its sha256."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class TopicAttachment(db.Model):
    __tablename__ = 'topic_attachments'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The uploader's file name, cleaned for display (``filetypes.clean_filename``).
    filename: so.Mapped[str] = so.mapped_column(sa.String(160))
    #: From the file's content (``filetypes.sniff``), never the client's claim; served as is.
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int]
    #: Names the file in storage (content-addressed; topics may share a file).
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    topic = so.relationship(
        'Topic',
        backref=so.backref(
            'attachments', order_by='TopicAttachment.id', cascade='all, delete-orphan', passive_deletes=True
        ),
    )
    uploaded_by = so.relationship('User')

    __table_args__ = (sa.Index('ix_topic_attachments_topic', 'topic_id', 'id'),)

    @property
    def kind(self):
        from consult.topics.attachments.filetypes import KINDS

        base = self.content_type.split(';', 1)[0]
        return next((kind for kind in KINDS.values() if kind.content_type == base), None)

    def __repr__(self):
        return f'<TopicAttachment {self.id} topic={self.topic_id} {self.content_type} {self.size}>'
