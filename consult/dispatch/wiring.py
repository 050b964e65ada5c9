"""What dispatch connects when the app is built: the whistle's checks and ticket on the topic's ``redirect``,
and the ticket's own steps as actions (``ticket.report`` ...)."""

from consult.dispatch import states
from consult.dispatch.guards import whistle_target_valid
from consult.dispatch.operations import dispatch_ticket
from consult.kernel import actions
from consult.topics.states import MACHINE as TOPIC


def plug() -> None:
    TOPIC.extend('redirect', guards=(whistle_target_valid,), effect=dispatch_ticket)
    actions.register_machine(states.MACHINE)
