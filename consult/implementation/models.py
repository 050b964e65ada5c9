"""Implementation tasks and their updates, the department's reply, the published result, ratings, corrections."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

TITLE_MAX = 120
TEXT_MAX = 5000
COMMENT_MAX = 500
LAW_MAX = 200


class Decision(enum.StrEnum):
    """The entrusting department's reply (domain.md rule 27 (ii))."""

    ADOPTED = 'adopted'
    PARTLY = 'partly'
    NOT_ADOPTED = 'not_adopted'


DECISION_LABELS = {
    Decision.ADOPTED: _l('Adopted'),
    Decision.PARTLY: _l('Partly adopted'),
    Decision.NOT_ADOPTED: _l('Not adopted'),
}


class Owner(enum.StrEnum):
    COMMITTEE = 'committee'
    GRID = 'grid'
    DEPARTMENT = 'department'


OWNER_LABELS = {
    Owner.COMMITTEE: _l("The residents' committee"),
    Owner.GRID: _l('A grid'),
    Owner.DEPARTMENT: _l('A city department (dispatched item)'),
}


class FeedbackKind(enum.StrEnum):
    COMPLETED = 'completed'
    CANNOT = 'cannot'
    NOT_ADOPTED = 'not_adopted'


FEEDBACK_LABELS = {
    FeedbackKind.COMPLETED: _l('Implemented'),
    FeedbackKind.CANNOT: _l('Cannot be carried out'),
    FeedbackKind.NOT_ADOPTED: _l('Not adopted by the entrusting department'),
}

update_files = sa.Table(
    'implementation_update_files',
    db.metadata,
    sa.Column('update_id', sa.ForeignKey('implementation_updates.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('attachment_id', sa.ForeignKey('topic_attachments.id', ondelete='CASCADE'), primary_key=True),
)


class Task(db.Model):
    """One piece of work carrying out an adopted result."""

    __tablename__ = 'implementation_tasks'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    #: An ``Owner``.
    owner: so.Mapped[str] = so.mapped_column(sa.String(16))
    grid_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('grids.id'))
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('departments.id'))
    #: The dispatched item (吹哨) of a department's task; the task is done when the department closes it.
    ticket_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('dispatch_tickets.id'))
    #: Overdue when the time is strictly past it and the task is not done.
    due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: The next progress report is due by then (the first within the rule set's days, then every interval).
    report_due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))

    topic = so.relationship('Topic')
    grid = so.relationship('Grid')
    department = so.relationship('Department')
    ticket = so.relationship('DispatchTicket')
    updates = so.relationship('TaskUpdate', order_by='TaskUpdate.id', viewonly=True)

    __table_args__ = (sa.Index('ix_implementation_tasks_topic', 'topic_id', 'id'),)

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def past_deadline(self, now: datetime) -> bool:
        return not self.done and now > self.due_at

    def report_overdue(self, now: datetime) -> bool:
        return not self.done and now > self.report_due_at

    def overdue(self, now: datetime) -> bool:
        return self.past_deadline(now) or self.report_overdue(now)

    @property
    def owner_label(self) -> str:
        if self.owner == Owner.GRID and self.grid is not None:
            return self.grid.name
        if self.owner == Owner.DEPARTMENT and self.department is not None:
            return self.department.name
        return str(OWNER_LABELS[Owner(self.owner)])

    def __repr__(self):
        return f'<Task {self.id} topic={self.topic_id} {self.owner}>'


class TaskUpdate(db.Model):
    """A progress report on a task, with its evidence files (append-only)."""

    __tablename__ = 'implementation_updates'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    task_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('implementation_tasks.id', ondelete='CASCADE'))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The capacity the author reported in (``committee_staff``, ``grid_worker`` ...), shown instead of a name.
    author_role: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: Plain text (``clean_text``).
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    files = so.relationship('TopicAttachment', secondary=update_files, order_by='TopicAttachment.id', viewonly=True)

    __table_args__ = (sa.Index('ix_implementation_updates_task', 'task_id', 'id'),)

    def __repr__(self):
        return f'<TaskUpdate {self.id} task={self.task_id}>'


class GovReply(db.Model):
    """The entrusting department's reply to a reported result (one per topic)."""

    __tablename__ = 'implementation_gov_replies'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), unique=True)
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('departments.id'))
    #: A ``Decision``.
    decision: so.Mapped[str] = so.mapped_column(sa.String(16))
    reasons: so.Mapped[str] = so.mapped_column(sa.Text)
    due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    replied_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    replied_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    department = so.relationship('Department')

    @property
    def late(self) -> bool:
        return self.replied_at > self.due_at

    @property
    def decision_label(self) -> str:
        return str(DECISION_LABELS[Decision(self.decision)])


class Feedback(db.Model):
    """The implementation result published to residents: the second disclosure (两公开), one per topic."""

    __tablename__ = 'implementation_feedback'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), unique=True)
    #: A ``FeedbackKind``.
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: The result of the implementation, or the explanation why it cannot be carried out (plain text).
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Ratings are taken until then (inclusive: a rating exactly at this second counts).
    rating_ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    @property
    def kind_label(self) -> str:
        return str(FEEDBACK_LABELS[FeedbackKind(self.kind)])

    def rating_open(self, now: datetime) -> bool:
        return now <= self.rating_ends_at


class Rating(db.Model):
    """A resident's satisfaction with the implementation (domain.md rule 32): one per resident and topic."""

    __tablename__ = 'implementation_ratings'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    score: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    #: Plain text (``clean_text``), shown without the rater's name.
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint('topic_id', 'user_id'),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name='score_range'),
        sa.Index('ix_implementation_ratings_topic', 'topic_id', 'updated_at', 'id'),
    )


class ResultCorrection(db.Model):
    """A result corrected by the government as unlawful (domain.md rule 27 (iii)): public, append-only."""

    __tablename__ = 'implementation_corrections'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('departments.id'))
    law: so.Mapped[str] = so.mapped_column(sa.String(LAW_MAX))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    department = so.relationship('Department')


@sa.event.listens_for(TaskUpdate, 'before_update')
@sa.event.listens_for(TaskUpdate, 'before_delete')
@sa.event.listens_for(GovReply, 'before_update')
@sa.event.listens_for(GovReply, 'before_delete')
@sa.event.listens_for(Feedback, 'before_update')
@sa.event.listens_for(Feedback, 'before_delete')
@sa.event.listens_for(ResultCorrection, 'before_update')
@sa.event.listens_for(ResultCorrection, 'before_delete')
def _append_only(mapper, connection, target):
    raise ValueError('implementation records are append-only')
