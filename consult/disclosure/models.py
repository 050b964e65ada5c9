"""Publications of a topic's result, objections with their answers, irregularity flags. Nothing is deleted."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

NOTE_MAX = 2000
#: An objection's reasons, an answer's reasons, an irregularity's reason: at least / at most characters.
REASON_MIN = 5
REASON_MAX = 2000


class Answer(enum.StrEnum):
    UPHELD = 'upheld'
    NOT_UPHELD = 'not_upheld'


ANSWER_LABELS = {
    Answer.UPHELD: _l('Upheld: the matter is consulted again'),
    Answer.NOT_UPHELD: _l('Not upheld'),
}


class Publication(db.Model):
    """One publication of a topic's result: prepared by staff, signed off by the director (the ``publish`` step)."""

    __tablename__ = 'publications'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    #: 1 for the first publication; one more after an upheld objection sent the topic back to consultation.
    round: so.Mapped[int] = so.mapped_column()
    #: The notice's text (plain, ``clean_text``): what the committee says with the result.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    prepared_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    prepared_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The director's sign-off, which is the ``publish`` step.
    signed_off_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The result was adopted (published from LEGALITY_REVIEWED) or not (from CLOSED_NOT_ADOPTED).
    adopted: so.Mapped[bool | None] = so.mapped_column()
    publicity_ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    objection_ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Days the committee has to answer each objection (the rule set's number when it was published).
    reply_days: so.Mapped[int | None] = so.mapped_column()
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    #: The window closed (publicity over, every objection answered); for a result not adopted, nothing moves.
    window_closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: An upheld objection sent the topic back to consultation: this publication's result is superseded.
    superseded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    topic = so.relationship('Topic')
    prepared_by = so.relationship('User', foreign_keys=[prepared_by_id])
    signed_off_by = so.relationship('User', foreign_keys=[signed_off_by_id])

    __table_args__ = (
        sa.UniqueConstraint('topic_id', 'round'),
        # At most one publication waiting for the director's sign-off per topic, even when two staff approve at
        # once: the second insert fails whichever round it computed.
        sa.Index(
            'uq_publications_one_pending',
            'topic_id',
            unique=True,
            sqlite_where=sa.text('published_at IS NULL'),
            postgresql_where=sa.text('published_at IS NULL'),
        ),
    )

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def window_ends_at(self) -> datetime | None:
        """The later of the publicity period's end and the objection window's end."""
        ends = [moment for moment in (self.publicity_ends_at, self.objection_ends_at) if moment is not None]
        return max(ends) if ends else None

    def objections_open(self, now: datetime) -> bool:
        return self.published and self.superseded_at is None and now < self.objection_ends_at

    def __repr__(self):
        return f'<Publication {self.id} topic={self.topic_id} round={self.round}>'


class Objection(db.Model):
    """A resident's objection (异议) to a published result, and the committee's answer (public)."""

    __tablename__ = 'objections'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    publication_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('publications.id', ondelete='CASCADE'))
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    #: Never shown publicly: the public record says "a resident".
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: Plain text (``clean_text``).
    reasons: so.Mapped[str] = so.mapped_column(sa.Text)
    filed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: ``filed_at`` plus the rule set's reply days.
    answer_due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: An ``Answer``; ``None`` while open.
    answer: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    answer_reasons: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: When the sweep told the committee and the supervisory committee that the answer is overdue.
    overdue_flagged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    author = so.relationship('User', foreign_keys=[author_id])
    topic = so.relationship('Topic')

    __table_args__ = (
        # One open objection per resident per topic (two sent at once: one is kept).
        sa.Index(
            'uq_objections_one_open',
            'topic_id',
            'author_id',
            unique=True,
            sqlite_where=sa.text('answered_at IS NULL'),
            postgresql_where=sa.text('answered_at IS NULL'),
        ),
        sa.Index('ix_objections_due', 'answered_at', 'answer_due_at'),
    )

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def overdue(self, now: datetime) -> bool:
        return not self.answered and now >= self.answer_due_at

    @property
    def answer_label(self) -> str:
        return str(ANSWER_LABELS[Answer(self.answer)]) if self.answer else ''

    def __repr__(self):
        return f'<Objection {self.id} topic={self.topic_id} {self.answer or "open"}>'


class Irregularity(db.Model):
    """The supervisory committee's flag of an irregularity on a published result (public), and the answer."""

    __tablename__ = 'irregularities'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    flagged_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    flagged_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    answer: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self):
        return f'<Irregularity {self.id} topic={self.topic_id}>'
