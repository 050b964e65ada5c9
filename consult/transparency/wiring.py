"""What the log connects when the app is built: one listener on every domain event, in its transaction."""

from consult.kernel.events import DomainEvent
from consult.kernel.events import subscribe

from . import log  # noqa: F401 - connects the head signing to every commit
from .records import on_event


def plug() -> None:
    subscribe(DomainEvent, on_event)
