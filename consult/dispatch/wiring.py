"""What dispatch connects when the app is built: the whistle's checks and ticket on the topic's ``redirect``,
the ticket's own steps as actions (``ticket.report`` ...) and the predicates of its other actions."""

from flask import url_for
from flask_babel import gettext as _

from consult.dispatch import permissions as p
from consult.dispatch import queries
from consult.dispatch import states
from consult.dispatch.guards import whistle_target_valid
from consult.dispatch.operations import dispatch_ticket
from consult.dispatch.queries import live_ticket
from consult.dispatch.sweeps import KIND_LABELS
from consult.kernel import actions
from consult.kernel.clock import utcnow
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import home_work
from consult.kernel.signals import topic_page
from consult.notifications.operations import register_kinds
from consult.topics.models import TopicStatus
from consult.topics.states import MACHINE as TOPIC


def _topic_page(topic, user) -> dict:
    """The dispatched item on the topic's page, and whether the viewer may redirect the topic or open the item."""
    ticket = live_ticket(topic.id) if topic.status in (TopicStatus.SUBMITTED, TopicStatus.REDIRECTED) else None
    return {
        'ticket': ticket,
        'may_dispatch': user is not None and ticket is None and p.can_propose(user, topic),
        'may_see_ticket': user is not None and ticket is not None and p.can_view_ticket(user, ticket),
    }


#: Rows shown on the home page (the card links to the whole queue).
HOME_ROWS = 5


def _home_work(user) -> WorkCard | None:
    """Open items of the user's departments and of the communities whose committee they sit on, by deadline."""
    departments, committee = p.department_ids(user), p.committee_community_ids(user)
    if not (departments or committee):
        return None
    now = utcnow()
    page = queries.queue(departments, committee, now, 1, open_only=True, per_page=HOME_ROWS)
    rows = tuple(
        WorkRow(
            t.topic.title,
            url_for('dispatch.detail', ticket_id=t.id),
            due_at=t.deadline_at,
            overdue=t.is_overdue(now),
            note=f'{t.department.name} · {t.status_label}',
        )
        for t in page.items
    )
    return WorkCard('dispatch', _('Dispatched items'), page.total, url_for('dispatch.queue'), rows, 5)


def _bundle_items(topic, **_kwargs) -> BundleItem:
    """Rule 34: the dispatched items (吹哨报到) with the departments' replies, if any: every one ended."""
    import sqlalchemy as sa

    from consult.db import db
    from consult.dispatch.models import DispatchTicket
    from consult.dispatch.models import TicketStatus

    statuses = db.session.scalars(sa.select(DispatchTicket.status).where(DispatchTicket.topic_id == topic.id)).all()
    ended = {TicketStatus.CLOSED, TicketStatus.DECLINED}
    return BundleItem(
        'dispatch',
        _("Dispatch records with the departments' replies"),
        bool(statuses) and all(status in ended for status in statuses),
        bool(statuses),
        None,
        _('%(num)s dispatched items', num=len(statuses)) if statuses else _('Nothing dispatched'),
    )


def plug() -> None:
    TOPIC.extend('redirect', guards=(whistle_target_valid,), effect=dispatch_ticket)
    topic_page.connect(_topic_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    home_work.connect(_home_work, weak=False)
    register_kinds(KIND_LABELS)
    # ``ticket.propose`` is asked of a topic (in the review queue); the others of a ticket.
    actions.register_all(
        'ticket', {'propose': p.can_propose, 'view': p.can_view_ticket, 'note': p.may_note, 'queue': p.may_use_queue}
    )
    actions.register_machine(states.MACHINE)
