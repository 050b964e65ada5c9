"""The day-before reminder: a department is told of each open item that falls due tomorrow (or sooner).

Run daily by ``flask dispatch remind`` (a timer). Each ticket is reminded once per deadline: a conditional
UPDATE stamps ``due_reminded_for`` with the deadline it reminds of, so a second run, or two runs at once,
remind nobody twice. Operations flush; the caller commits.
"""

from datetime import datetime
from datetime import time
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.dispatch import logger
from consult.dispatch.models import OPEN
from consult.dispatch.models import DispatchTicket
from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow
from consult.notifications.operations import notify
from consult.notifications.operations import queue_mail
from consult.roles.models import Role
from consult.roles.models import RoleGrant

#: The notification kind of the reminder (registered by ``consult.dispatch.wiring``).
KIND_LABELS = {'ticket_due': _l('Dispatched item due tomorrow: the department must close it by its deadline')}


def reminder_horizon(now: datetime) -> datetime:
    """The end of tomorrow in the city's time zone: items due before it are reminded of."""
    tomorrow = now.astimezone(CITY_ZONE).date() + timedelta(days=1)
    return datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=CITY_ZONE)


def due_tomorrow(now: datetime) -> list[DispatchTicket]:
    """Open tickets not yet past their deadline that fall due by the end of tomorrow and were not reminded of it."""
    return list(
        db.session.scalars(
            sa.select(DispatchTicket)
            .where(
                DispatchTicket.status.in_([str(s) for s in OPEN]),
                DispatchTicket.deadline_at > now,
                DispatchTicket.deadline_at < reminder_horizon(now),
                sa.or_(
                    DispatchTicket.due_reminded_for.is_(None),
                    DispatchTicket.due_reminded_for != DispatchTicket.deadline_at,
                ),
            )
            .options(so.joinedload(DispatchTicket.topic))
            .order_by(DispatchTicket.deadline_at, DispatchTicket.id)
        )
    )


def _claim(ticket: DispatchTicket) -> bool:
    """Stamp the ticket as reminded of its deadline; whether this call did (a concurrent sweep gets ``False``)."""
    return (
        db.session.execute(
            sa.update(DispatchTicket)
            .where(
                DispatchTicket.id == ticket.id,
                DispatchTicket.deadline_at == ticket.deadline_at,
                sa.or_(
                    DispatchTicket.due_reminded_for.is_(None),
                    DispatchTicket.due_reminded_for != DispatchTicket.deadline_at,
                ),
            )
            .values(due_reminded_for=DispatchTicket.deadline_at)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _department_people(department_ids: set[int]) -> dict[int, set[int]]:
    """The people acting for each department (active ``department`` grants), in one statement."""
    people: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(RoleGrant.department_id, RoleGrant.user_id).where(
            RoleGrant.role == Role.DEPARTMENT,
            RoleGrant.department_id.in_(department_ids),
            RoleGrant.revoked_at.is_(None),
        )
    )
    for department_id, user_id in rows:
        people.setdefault(department_id, set()).add(user_id)
    return people


def remind_due(now: datetime | None = None) -> list[DispatchTicket]:
    """Tell each department of its items due by the end of tomorrow, once per ticket and deadline.

    :return: the tickets reminded of by this call.
    """
    now = now or utcnow()
    tickets = due_tomorrow(now)
    people = _department_people({t.department_id for t in tickets}) if tickets else {}
    reminded = []
    for ticket in tickets:
        if not _claim(ticket):
            continue
        user_ids = sorted(people.get(ticket.department_id, ()))
        notify(user_ids, 'ticket_due', topic_id=ticket.topic_id)
        subject = f'[Consult] {ticket.topic.title}: {KIND_LABELS["ticket_due"]}'
        queue_mail(user_ids, subject, _link(ticket))
        logger.info('ticket %s: department reminded of its deadline %s', ticket.id, ticket.deadline_at.isoformat())
        reminded.append(ticket)
    return reminded


def _link(ticket) -> str:
    try:
        return url_for('dispatch.detail', ticket_id=ticket.id, _external=True)
    except RuntimeError:  # the CLI has no request; SERVER_NAME may be unset
        return f'/dispatch/{ticket.id}'
