"""What dispatch connects when the app is built: the whistle's checks and ticket on the topic's ``redirect``."""

from consult.dispatch.guards import whistle_target_valid
from consult.dispatch.operations import dispatch_ticket
from consult.topics.states import MACHINE as TOPIC


def plug() -> None:
    TOPIC.extend('redirect', guards=(whistle_target_valid,), effect=dispatch_ticket)
