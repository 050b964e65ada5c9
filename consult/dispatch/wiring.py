"""What dispatch connects when the app is built: the whistle's checks and ticket on the topic's ``redirect``,
the ticket's own steps as actions (``ticket.report`` ...) and the predicates of its other actions."""

from consult.dispatch import permissions as p
from consult.dispatch import states
from consult.dispatch.guards import whistle_target_valid
from consult.dispatch.operations import dispatch_ticket
from consult.dispatch.queries import live_ticket
from consult.kernel import actions
from consult.kernel.signals import topic_page
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


def plug() -> None:
    TOPIC.extend('redirect', guards=(whistle_target_valid,), effect=dispatch_ticket)
    topic_page.connect(_topic_page, weak=False)
    # ``ticket.propose`` is asked of a topic (in the review queue); the others of a ticket.
    actions.register_all('ticket', {'propose': p.can_propose, 'view': p.can_view_ticket, 'note': p.may_note})
    actions.register_machine(states.MACHINE)
