"""Who may do what with a dispatch ticket. Predicates take the user explicitly."""

from consult.dispatch.models import OPEN as OPEN_STATUSES
from consult.dispatch.models import TicketStatus
from consult.roles.models import Role
from consult.roles.permissions import active_grants
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import has_role
from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import topic_writable

#: Statuses a department sees: only what the director signed off.
DEPARTMENT_VISIBLE = (TicketStatus.DISPATCHED, TicketStatus.REPORTED, TicketStatus.HANDLING, TicketStatus.CLOSED)
#: Statuses in which the department posts progress or closes the ticket (after acknowledging it).
ACKNOWLEDGED = (TicketStatus.REPORTED, TicketStatus.HANDLING)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def department_ids(user) -> set[int]:
    """Departments ``user`` acts for (role ``department``)."""
    return {grant.department_id for grant in active_grants(user) if grant.role == Role.DEPARTMENT}


def committee_community_ids(user) -> set[int]:
    return community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)


def can_use_queue(user) -> bool:
    return _authenticated(user) and bool(department_ids(user) or committee_community_ids(user))


def is_principal(user, community) -> bool:
    """The community's principal leader: the committee director (domain.md rule 28)."""
    return _authenticated(user) and has_role(user, Role.COMMITTEE_DIRECTOR, community)


def is_ticket_principal(user, ticket) -> bool:
    """The director of the ticket's community signs it off or declines it."""
    return is_principal(user, ticket.community)


def can_propose(user, topic) -> bool:
    """Committee staff or director, on a topic in the admissibility review queue."""
    if not topic_writable(topic):
        return False
    return (
        _authenticated(user)
        and topic.status == TopicStatus.SUBMITTED
        and topic.queued_at is not None
        and can_review(user, topic.community)
    )


def can_view_ticket(user, ticket) -> bool:
    """The community's committee; the department once the ticket is dispatched."""
    if not _authenticated(user):
        return False
    if ticket.community_id in committee_community_ids(user):
        return True
    return ticket.department_id in department_ids(user) and ticket.status in DEPARTMENT_VISIBLE


def can_sign_off(user, ticket) -> bool:
    if not topic_writable(ticket.topic):
        return False
    return ticket.status == TicketStatus.PROPOSED and is_principal(user, ticket.community)


def can_handle(user, ticket) -> bool:
    """The department the ticket was dispatched to (report, progress, close)."""
    if not topic_writable(ticket.topic):
        return False
    return _authenticated(user) and ticket.department_id in department_ids(user)


def can_note(user, ticket) -> bool:
    """The committee follows up (跟踪督办) with notes on an open ticket."""
    if not topic_writable(ticket.topic):
        return False
    return _authenticated(user) and ticket.community_id in committee_community_ids(user)


def can_review_topic(user, topic) -> bool:
    return _authenticated(user) and can_review(user, topic.community)


def may_note(user, ticket) -> bool:
    """``ticket.note``: the committee follows up an open ticket."""
    return ticket.status in OPEN_STATUSES and can_note(user, ticket)


def may_use_queue(user, _obj=None) -> bool:
    """``ticket.queue`` (asked of nothing): departments and committees have dispatched items to follow."""
    return can_use_queue(user)
