"""The live room's per-socket facts and its process-local pace limits: the fast path of a message.

While a meeting is open its roster is frozen, so who a socket's person is in the room (their capacity, badge
and name) cannot change; ``Seat`` keeps those facts from the moment the socket joined, checked then with the
predicates of ``permissions.py``. What can change while the room is open (the meeting closing, the chair
muting someone) is checked by the message's own SQL statement (``live.say_fast``), and anything unusual
(observers, refusals, resends) goes through the full ``live.say``.

Pace limits are kept in the process: a socket belongs to one server process for its whole life, so counting
a person's messages there needs no round trip to Redis on every message.
"""

from dataclasses import dataclass

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

#: Per person and meeting: a burst of 10 messages, then about one every 2 seconds.
MESSAGE_BURST = parse('10/10second')
MESSAGE_RATE = parse('30/minute')
#: Any live-room events by one person.
EVENT_RATE = parse('20/second')
#: Video signalling by one person: a few offers and answers, and the ICE candidates each peer trickles.
SIGNAL_RATE = parse('300/minute')

_pace = MovingWindowRateLimiter(MemoryStorage())
_seats: dict[str, 'Seat'] = {}


@dataclass(frozen=True)
class Seat:
    meeting_id: int
    user_id: int
    name: str
    badge: str
    #: May chat without holding the floor (``permissions.chats_by_right``); mutes are checked per message.
    chats_by_right: bool


def seat_of(sid: str) -> Seat | None:
    return _seats.get(sid)


def take(sid: str, seat: Seat) -> None:
    _seats[sid] = seat


def leave(sid: str) -> None:
    _seats.pop(sid, None)


def message_allowed(meeting_id: int, user_id: int) -> bool:
    key = ('meeting-say', str(meeting_id), str(user_id))
    return _pace.hit(MESSAGE_BURST, *key) and _pace.hit(MESSAGE_RATE, *key)


def event_allowed(user_id: int) -> bool:
    return _pace.hit(EVENT_RATE, 'meeting-events', str(user_id))


def signal_allowed(user_id: int) -> bool:
    return _pace.hit(SIGNAL_RATE, 'meeting-signals', str(user_id))


def reset() -> None:
    """Forget every count (tests)."""
    _pace.storage.reset()
