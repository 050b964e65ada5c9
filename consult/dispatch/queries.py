"""Read-side queries for dispatch tickets; the queue is a fixed number of statements whatever the page size."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.communities.models import Department
from consult.communities.models import department_communities
from consult.db import db
from consult.dispatch.models import OPEN
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.dispatch.models import TicketStatus
from consult.dispatch.permissions import DEPARTMENT_VISIBLE

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def serves(department_id: int, community_id: int) -> bool:
    """Whether the department is assigned to the community (domain.md rule 44)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(department_communities)
            .where(
                department_communities.c.department_id == department_id,
                department_communities.c.community_id == community_id,
            )
        )
        > 0
    )


def departments_serving(community_id: int) -> list[Department]:
    return list(
        db.session.scalars(
            sa.select(Department)
            .join(department_communities, department_communities.c.department_id == Department.id)
            .where(department_communities.c.community_id == community_id)
            .order_by(Department.name)
        )
    )


def overdue_clause(now: datetime):
    """Strictly past the deadline and still open."""
    return sa.and_(DispatchTicket.status.in_([str(s) for s in OPEN]), DispatchTicket.deadline_at < now)


def queue(
    department_ids: set[int],
    community_ids: set[int],
    now: datetime,
    page: int,
    open_only: bool = False,
    per_page: int = PAGE_SIZE,
):
    """Tickets of the user's departments (once dispatched) and of the communities whose committee they sit on.

    Overdue first (the oldest deadline first), then open ones by deadline, proposals, and closed ones last.
    """
    scope = [DispatchTicket.community_id.in_(community_ids)] if community_ids else []
    if department_ids:
        scope.append(
            sa.and_(
                DispatchTicket.department_id.in_(department_ids),
                DispatchTicket.status.in_([str(s) for s in DEPARTMENT_VISIBLE]),
            )
        )
    query = sa.select(DispatchTicket).where(sa.or_(*scope) if scope else sa.false())
    if open_only:
        query = query.where(DispatchTicket.status.in_([str(s) for s in (*OPEN, TicketStatus.PROPOSED)]))
    rank = sa.case(
        (overdue_clause(now), 0),
        (DispatchTicket.status.in_([str(s) for s in OPEN]), 1),
        (DispatchTicket.status == TicketStatus.PROPOSED, 2),
        else_=3,
    )
    return db.paginate(
        query.options(
            so.joinedload(DispatchTicket.topic),
            so.joinedload(DispatchTicket.community),
            so.joinedload(DispatchTicket.department),
        ).order_by(rank, DispatchTicket.deadline_at, DispatchTicket.id),
        page=page,
        per_page=min(max(per_page, 1), MAX_PAGE_SIZE),
        max_per_page=MAX_PAGE_SIZE,
        error_out=False,
    )


def live_ticket(topic_id: int) -> DispatchTicket | None:
    """The topic's whistle that was not declined (there is at most one)."""
    return db.session.scalar(
        sa.select(DispatchTicket)
        .where(
            DispatchTicket.topic_id == topic_id,
            DispatchTicket.status != TicketStatus.DECLINED,
            DispatchTicket.purpose == 'whistle',
        )
        .options(so.joinedload(DispatchTicket.department))
    )


def events(ticket_id: int) -> list[DispatchEvent]:
    return list(
        db.session.scalars(
            sa.select(DispatchEvent)
            .where(DispatchEvent.ticket_id == ticket_id)
            .options(so.joinedload(DispatchEvent.actor))
            .order_by(DispatchEvent.at, DispatchEvent.id)
        )
    )
