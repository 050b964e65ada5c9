"""Domain events: the facts contexts announce, as one in-process stream (blinker signals).

A context *publishes* an event once the fact is flushed, inside the transaction that makes it. Listeners are
connected when the app is built (each context's ``plug()``, called by the factory), never at import:

- in the transaction (the default): they run at once and may write rows (a notification) and queue pushes
  with ``consult.realtime.emit_after_commit``; if one raises, the whole step is undone;
- ``after_commit=True``: they run only once the transaction has committed (mail, pushes about rows already
  committed) and never after a rollback; an exception there is logged, not raised, because the step stands.

Subscribing to a base class (``StateChanged``) receives every subclass. This stream is what notifications,
live pushes and the coming transparency log read.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

_signals = Namespace()
_PENDING_KEY = 'consult_pending_domain_events'


@dataclass(frozen=True)
class DomainEvent:
    """Base of every domain event: an immutable fact, published after it was flushed."""


@dataclass(frozen=True)
class StateChanged(DomainEvent):
    """A state machine (``consult.kernel.transitions``) moved ``subject_id`` from ``source`` to ``target``.

    ``source == target`` for a step that keeps the state (a topic entering the review queue).
    """

    machine: str
    subject_id: int
    action: str
    source: str
    target: str
    #: ``None`` when the system took the step (a sweep, a roster match).
    actor_id: int | None
    reason: str = ''


@dataclass(frozen=True)
class TopicMoved(StateChanged):
    """A topic took a step of domain.md (b)."""


@dataclass(frozen=True)
class TicketMoved(StateChanged):
    """A dispatched item (吹哨报到) moved: proposed, dispatched, declined, reported, handling, closed."""


@dataclass(frozen=True)
class PetitionMoved(StateChanged):
    """A residents' meeting petition met its threshold, was convened, lapsed or was withdrawn."""


@dataclass(frozen=True)
class ClaimDecided(StateChanged):
    """A residence claim was verified, rejected or withdrawn."""


@dataclass(frozen=True)
class MeetingMoved(StateChanged):
    """A meeting opened, closed or was cancelled."""


@dataclass(frozen=True)
class CommentPeriodMoved(StateChanged):
    """A comment period closed early or was summarised."""


@dataclass(frozen=True)
class VoteMoved(StateChanged):
    """A vote (表决) was opened, closed or cancelled (``consult.votes.states``)."""


@dataclass(frozen=True)
class VoteClosed(DomainEvent):
    """A vote was closed and counted: its result is stored and public from this transaction on.

    Published inside the closing transaction, so a listener moving the topic (a deciding vote passed or
    failed) moves it with the close, or not at all.
    """

    vote_id: int
    topic_id: int
    #: The meeting the vote was held in, or ``None`` for a standalone online vote.
    meeting_id: int | None
    #: The vote decides a matter that needs a residents' (representatives') meeting vote (topic PENDING_VOTE).
    decides: bool
    #: The quorum conditions held (a failed quorum is a result too: nothing is adopted).
    quorum_met: bool
    #: The motion passed, or an option was adopted.
    adopted: bool


@dataclass(frozen=True)
class TopicNoted(DomainEvent):
    """A topic's timeline gained an entry that does not change its state (a department's reply, an edit)."""

    topic_id: int
    action: str
    actor_id: int | None
    reason: str = ''


@dataclass(frozen=True)
class TopicArchived(DomainEvent):
    """A topic's record was filed (``consult.archive``): its archive file row, read-only from now on."""

    topic_id: int
    file_id: int
    actor_id: int


@dataclass(frozen=True)
class BundleItemWaived(DomainEvent):
    """Staff recorded why a required item of a topic's archive bundle is missing (its waiver row)."""

    topic_id: int
    waiver_id: int
    item_key: str
    actor_id: int


@dataclass(frozen=True)
class RecordDestroyed(DomainEvent):
    """A fixed-term archived item past its term was destroyed after appraisal: its destruction register entry."""

    topic_id: int
    destruction_id: int
    item_key: str
    actor_id: int


@dataclass(frozen=True)
class MinutesSigned(DomainEvent):
    """The chair signed a meeting's minutes off: the signed document (``signed_minutes``) is flushed."""

    signed_minutes_id: int
    meeting_id: int
    topic_id: int


@dataclass(frozen=True)
class ObjectionFiled(DomainEvent):
    """A resident's objection to a published result is flushed."""

    objection_id: int
    topic_id: int


@dataclass(frozen=True)
class ObjectionAnswered(DomainEvent):
    """The committee's answer to an objection is flushed (it is public from this transaction on)."""

    objection_id: int
    topic_id: int


@dataclass(frozen=True)
class ImplementationReported(DomainEvent):
    """A progress report on an implementation task is flushed, with its evidence files."""

    update_id: int
    task_id: int
    topic_id: int


@dataclass(frozen=True)
class ResidenceChanged(DomainEvent):
    """Residences began or ended in these communities: counts over their current residents changed."""

    community_ids: frozenset[int]
    at: datetime


@dataclass(frozen=True)
class DeputyNoteFiled(DomainEvent):
    """An NPC deputy filed an observation note on a topic (domain.md rule 38); it is public with the record."""

    note_id: int
    topic_id: int
    deputy_id: int


@dataclass(frozen=True)
class SuggestionSent(DomainEvent):
    """An NPC deputy sent a formal suggestion to a responsible body (domain.md rule 39); its timer runs."""

    suggestion_id: int
    community_id: int
    #: The topic it follows from, or ``None``.
    topic_id: int | None
    deputy_id: int


@dataclass(frozen=True)
class SuggestionMoved(StateChanged):
    """A deputy's suggestion was replied to (``reply``), assessed (``assess``) or found overdue (``overdue``)."""


def _signal(event_type: type, committed: bool):
    return _signals.signal(f'{event_type.__module__}.{event_type.__qualname__}{":committed" if committed else ""}')


def subscribe(event_type: type[DomainEvent], listener: Callable[[DomainEvent], None], after_commit=False) -> None:
    """Call ``listener(event)`` for every published ``event_type`` (or subclass); connecting twice is a no-op."""
    signal = _signal(event_type, after_commit)
    receiver = _receivers.setdefault((signal.name, listener), _Receiver(listener))
    signal.connect(receiver, weak=False)  # blinker keys receivers by identity: the same object connects once


_receivers: dict[tuple, '_Receiver'] = {}


def unsubscribe(event_type: type[DomainEvent], listener: Callable, after_commit=False) -> None:
    """Disconnect a listener connected by :func:`subscribe` (tests that listen for a while)."""
    signal = _signal(event_type, after_commit)
    receiver = _receivers.pop((signal.name, listener), None)
    if receiver is not None:
        signal.disconnect(receiver)


class _Receiver:
    """Adapts ``listener(event)`` to blinker's ``receiver(sender)``."""

    __slots__ = ('listener',)

    def __init__(self, listener):
        self.listener = listener

    def __call__(self, sender, **_kwargs):
        return self.listener(sender)


def publish(event: DomainEvent, session=None) -> None:
    """Announce ``event``: in-transaction listeners run now; after-commit listeners once ``session`` commits.

    :param session: the session whose commit releases the after-commit listeners (default: ``db.session``).
    """
    for event_type in _event_types(event):
        _signal(event_type, False).send(event)
    if any(_signal(t, True).receivers for t in _event_types(event)):
        if session is None:
            from consult.extensions import db

            session = db.session
        session.info.setdefault(_PENDING_KEY, []).append(event)


def _event_types(event: DomainEvent):
    return [cls for cls in type(event).__mro__ if isinstance(cls, type) and issubclass(cls, DomainEvent)]


@sa_event.listens_for(Session, 'after_commit')
def _release(session):
    if session.in_nested_transaction():  # SQLAlchemy calls this for a released SAVEPOINT too: not committed yet
        return
    for event in session.info.pop(_PENDING_KEY, []):
        for event_type in _event_types(event):
            try:
                _signal(event_type, True).send(event)
            except Exception:  # the step has committed; a failing listener must not undo or hide it
                logger.exception('after-commit listener failed for %r', event)


@sa_event.listens_for(Session, 'after_soft_rollback')
def _drop(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)
