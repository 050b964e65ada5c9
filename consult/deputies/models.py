"""Observation notes, formal suggestions and observed meetings of NPC deputies (domain.md rules 38-41)."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

NOTE_MAX = 4000
TITLE_MAX = 120
TEXT_MAX = 8000


class SuggestionStatus(enum.StrEnum):
    #: Sent to the responsible body; the reply timer runs.
    SENT = 'sent'
    #: The body replied; the deputy assesses the reply.
    REPLIED = 'replied'
    #: The deputy assessed the reply.
    ASSESSED = 'assessed'


class Assessment(enum.StrEnum):
    SATISFIED = 'satisfied'
    PARTLY = 'partly'
    NOT_SATISFIED = 'not_satisfied'


STATUS_LABELS = {
    SuggestionStatus.SENT: _l('Awaiting the reply'),
    SuggestionStatus.REPLIED: _l('Replied, awaiting the deputy’s assessment'),
    SuggestionStatus.ASSESSED: _l('Reply assessed'),
}

ASSESSMENT_LABELS = {
    Assessment.SATISFIED: _l('Satisfied'),
    Assessment.PARTLY: _l('Partly satisfied'),
    Assessment.NOT_SATISFIED: _l('Not satisfied'),
}


class DeputyNote(db.Model):
    """An observation note a deputy filed on a topic; public with the topic's record, never edited."""

    __tablename__ = 'deputy_notes'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    #: The meeting observed when the note was written, if any.
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='SET NULL'))
    deputy_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    deputy = so.relationship('User')
    topic = so.relationship('Topic')

    def __repr__(self):
        return f'<DeputyNote {self.id} topic={self.topic_id}>'


class DeputySuggestion(db.Model):
    """A formal suggestion (rule 39) to a city department or the community committee, with its reply timer."""

    __tablename__ = 'deputy_suggestions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    deputy_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='SET NULL'))
    #: The responsible body: this department, or (``None``) the community committee.
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('departments.id'))
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: Marked wide-ranging or complex: the longer reply period applies.
    complex: so.Mapped[bool] = so.mapped_column(default=False)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=SuggestionStatus.SENT)
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The end of the reply period's last day in Longgang (a reply at that second is in time).
    due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: Set by the sweep once the reply is late (the body and the deputy were told).
    overdue_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reply: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Who replied for the body (never published: the body replies).
    replied_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    replied_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    assessment: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    assessment_comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    assessed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    deputy = so.relationship('User', foreign_keys=[deputy_id])
    community = so.relationship('Community')
    department = so.relationship('Department')
    topic = so.relationship('Topic')

    __table_args__ = (sa.Index('ix_deputy_suggestions_status_due', 'status', 'due_at'),)

    def __repr__(self):
        return f'<DeputySuggestion {self.id} {self.status}>'

    def overdue(self, now: datetime) -> bool:
        """No reply by the deadline, or a reply after it."""
        if self.replied_at is not None:
            return self.replied_at > self.due_at
        return now > self.due_at

    @property
    def awaiting_reply(self) -> bool:
        return self.status == SuggestionStatus.SENT

    def unanswered_late(self, now: datetime) -> bool:
        """Still awaiting its reply past the deadline: it stands out on every page."""
        return self.awaiting_reply and now > self.due_at

    @property
    def late_reply(self) -> bool:
        return self.replied_at is not None and self.replied_at > self.due_at


class DeputyObservation(db.Model):
    """A deputy entered a meeting's live room as an observer (列席), through the dashboard: their work record."""

    __tablename__ = 'deputy_observations'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    deputy_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint('deputy_id', 'meeting_id'),)

    def __repr__(self):
        return f'<DeputyObservation deputy={self.deputy_id} meeting={self.meeting_id}>'
