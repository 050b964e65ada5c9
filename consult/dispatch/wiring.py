"""What dispatch connects when the app is built: the whistle's checks and ticket on the topic's ``redirect``, and
the predicates of a ticket's actions."""

from consult.dispatch import permissions as p
from consult.dispatch.guards import whistle_target_valid
from consult.dispatch.operations import dispatch_ticket
from consult.kernel import actions
from consult.topics.states import MACHINE as TOPIC


def plug() -> None:
    TOPIC.extend('redirect', guards=(whistle_target_valid,), effect=dispatch_ticket)
    # ``ticket.propose`` is asked of a topic (in the review queue); the others of a ticket.
    actions.register_all('ticket', {'propose': p.can_propose, 'view': p.can_view_ticket, 'note': p.may_note})
    # Steps of ticket: replaced by register_machine once the machine lands.
    actions.register_all(
        'ticket',
        {
            'dispatch': p.may_ticket_dispatch,
            'decline': p.may_ticket_decline,
            'report': p.may_ticket_report,
            'handle': p.may_ticket_handle,
            'close': p.may_ticket_close,
        },
    )
