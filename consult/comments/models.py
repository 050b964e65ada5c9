"""Comment periods of a topic and their comments. Nothing is deleted: hiding keeps the text."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db

BODY_MAX = 2000
SUMMARY_MAX = 20000
DAYS_MIN, DAYS_MAX = 1, 60


class Stance(enum.StrEnum):
    FOR = 'for'
    AGAINST = 'against'
    NEUTRAL = 'neutral'


STANCE_LABELS = {
    Stance.FOR: _l('For'),
    Stance.AGAINST: _l('Against'),
    Stance.NEUTRAL: _l('Neutral'),
}


class Badge(enum.StrEnum):
    """The capacity an author comments in, shown next to the display name."""

    STAFF = 'staff'
    REPRESENTATIVE = 'representative'
    OBSERVER = 'observer'
    EXPERT = 'expert'
    RESIDENT = 'resident'


BADGE_LABELS = {
    Badge.STAFF: _l('Committee staff'),
    Badge.REPRESENTATIVE: _l("Residents' representative"),
    Badge.OBSERVER: _l('Observer (NPC deputy)'),
    Badge.EXPERT: _l('Expert'),
    Badge.RESIDENT: _l('Resident'),
}


class PeriodStatus(enum.StrEnum):
    """A comment period's steps (``consult.comments.states``); an open period also ends when ``closes_at`` passes."""

    OPEN = 'open'
    #: Closed by the committee before ``closes_at``.
    CLOSED = 'closed'
    #: Ended, with the committee's summary (rewritable until the consultation concludes).
    SUMMARISED = 'summarised'


class CommentPeriod(db.Model):
    __tablename__ = 'comment_periods'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    opened_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    opened_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    days: so.Mapped[int] = so.mapped_column()
    #: ``opened_at + days``: comments are accepted strictly before this instant.
    closes_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: A ``PeriodStatus``, moved only by ``consult.comments.states``.
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=PeriodStatus.OPEN)
    #: Set when the committee closes the period before ``closes_at``.
    closed_early_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    close_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The committee's summary (Markdown source), the consultation opinion of this period.
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: ``summary`` rendered by the topics renderer (no raw HTML, nh3 allowlist); safe to output.
    summary_html: so.Mapped[str | None] = so.mapped_column(sa.Text)
    summary_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    summary_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    topic = so.relationship('Topic')

    __table_args__ = (sa.Index('ix_comment_periods_topic_opened', 'topic_id', 'opened_at', 'id'),)

    @property
    def ends_at(self) -> datetime:
        """When the period ended or will end: early closure, else ``closes_at``."""
        return self.closed_early_at or self.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.closed_early_at is None and now < self.closes_at

    def __repr__(self):
        return f'<CommentPeriod {self.id} topic={self.topic_id} closes={self.closes_at:%Y-%m-%d %H:%M}>'


class Comment(db.Model):
    __tablename__ = 'comments'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('comment_periods.id', ondelete='CASCADE'))
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The root comment this replies to (one level: replies to replies attach to the root).
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('comments.id'))
    #: A ``Stance`` code; required on root comments, optional on replies.
    stance: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    #: Plain text (``clean_text``); kept when hidden.
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The author's ``Badge`` when posting.
    badge: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    hidden_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    hidden_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    author = so.relationship('User', foreign_keys=[author_id])
    period = so.relationship('CommentPeriod')
    replies = so.relationship('Comment', order_by='Comment.id', viewonly=True, back_populates='parent')
    parent = so.relationship('Comment', remote_side=[id], viewonly=True, back_populates='replies')

    __table_args__ = (
        sa.Index('ix_comments_topic_root_created', 'topic_id', 'parent_id', 'created_at', 'id'),
        sa.Index('ix_comments_parent', 'parent_id'),
        sa.Index('ix_comments_author_created', 'author_id', 'created_at'),
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self):
        return f'<Comment {self.id} topic={self.topic_id} parent={self.parent_id}>'
