"""Dispatch tickets (吹哨/派单) and their append-only event list (domain.md rule 28).

A ticket is proposed by committee staff and signed off by the committee director (the community's principal
leader); at sign-off the topic moves SUBMITTED -> REDIRECTED through :mod:`consult.topics.states` and the
ticket is dispatched with its deadline. The department then reports (报到), handles (办理中) and closes (办结)
it with a reply. Status moves are conditional UPDATEs in :mod:`consult.dispatch.operations`.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class TicketStatus(enum.StrEnum):
    #: Proposed by committee staff, awaiting the director's sign-off.
    PROPOSED = 'proposed'
    #: The director did not sign off; the topic stays in admissibility review.
    DECLINED = 'declined'
    #: 派单: signed off and sent to the department; the deadline runs.
    DISPATCHED = 'dispatched'
    #: 报到: the department acknowledged it.
    REPORTED = 'reported'
    #: 办理中: the department posted progress.
    HANDLING = 'handling'
    #: 办结: closed with the department's reply.
    CLOSED = 'closed'


class TicketKind(enum.StrEnum):
    SIMPLE = 'simple'
    COMPLEX = 'complex'


STATUS_LABELS = {
    TicketStatus.PROPOSED: _l('Proposed, awaiting the director’s sign-off'),
    TicketStatus.DECLINED: _l('Not signed off'),
    TicketStatus.DISPATCHED: _l('Dispatched'),
    TicketStatus.REPORTED: _l('Acknowledged by the department'),
    TicketStatus.HANDLING: _l('Being handled'),
    TicketStatus.CLOSED: _l('Closed'),
}

KIND_LABELS = {
    TicketKind.SIMPLE: _l('Simple item'),
    TicketKind.COMPLEX: _l('Complex item'),
}

EVENT_LABELS = {
    'propose': _l('Proposed by committee staff'),
    'decline': _l('Not signed off by the director'),
    'dispatch': _l('Signed off and dispatched'),
    'report': _l('Acknowledged by the department'),
    'progress': _l('Progress from the department'),
    'note': _l('Follow-up from the committee'),
    'close': _l('Closed with the department’s reply'),
}

#: Tickets the department still has to answer.
OPEN = (TicketStatus.DISPATCHED, TicketStatus.REPORTED, TicketStatus.HANDLING)


class DispatchTicket(db.Model):
    __tablename__ = 'dispatch_tickets'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('departments.id'))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: Why the matter is the department's (shown to the department and on the topic).
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=TicketStatus.PROPOSED)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The committee director who signed the whistle off (the proposer when the director proposed it).
    signed_off_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The rule set whose ``whistle_*`` numbers set the deadline.
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Overdue when the time is strictly past this and the ticket is not closed.
    deadline_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The deadline the department was reminded of the day before (``flask dispatch remind``): once per deadline.
    due_reminded_for: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reported_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    handling_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    declined_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The department's reply (办结), shown on the topic's public page.
    reply: so.Mapped[str | None] = so.mapped_column(sa.Text)
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: ``whistle`` (a topic redirected at admissibility review) or ``implementation`` (a task of an adopted result
    #: owned by the department, domain.md rule 28); a topic has one live whistle but may have several tasks.
    purpose: so.Mapped[str] = so.mapped_column(sa.String(16), default='whistle', server_default='whistle')

    topic = so.relationship('Topic')
    community = so.relationship('Community')
    department = so.relationship('Department')
    created_by = so.relationship('User', foreign_keys=[created_by_id])
    signed_off_by = so.relationship('User', foreign_keys=[signed_off_by_id])
    closed_by = so.relationship('User', foreign_keys=[closed_by_id])

    __table_args__ = (
        sa.Index('ix_dispatch_tickets_department', 'department_id', 'status', 'deadline_at'),
        sa.Index('ix_dispatch_tickets_community', 'community_id', 'status', 'deadline_at'),
        # One live whistle per topic, even under concurrent proposals (a declined one may be followed by another);
        # implementation tasks' items are not whistles of the topic.
        sa.Index(
            'uq_dispatch_tickets_one_live',
            'topic_id',
            unique=True,
            sqlite_where=sa.text("status != 'declined' AND purpose = 'whistle'"),
            postgresql_where=sa.text("status != 'declined' AND purpose = 'whistle'"),
        ),
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[TicketStatus(self.status)])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[TicketKind(self.kind)])

    def is_overdue(self, now: datetime) -> bool:
        """Strictly past the deadline and not closed (exactly at the deadline is still in time)."""
        return self.deadline_at is not None and self.status in OPEN and now > self.deadline_at

    def __repr__(self):
        return f'<DispatchTicket {self.id} {self.status} topic={self.topic_id} department={self.department_id}>'


class DispatchEvent(db.Model):
    """A ticket's history: append-only, one row per step or progress note."""

    __tablename__ = 'dispatch_events'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ticket_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('dispatch_tickets.id', ondelete='CASCADE'))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: ``propose``, ``decline``, ``dispatch``, ``report``, ``progress``, ``note`` or ``close``.
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    from_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    actor = so.relationship('User')

    __table_args__ = (sa.Index('ix_dispatch_events_ticket_at', 'ticket_id', 'at', 'id'),)

    def __repr__(self):
        return f'<DispatchEvent {self.id} {self.action} {self.from_status}->{self.to_status}>'


@sa.event.listens_for(DispatchEvent, 'before_update')
@sa.event.listens_for(DispatchEvent, 'before_delete')
def _events_are_append_only(mapper, connection, target):
    raise ValueError('the dispatch event list is append-only')
