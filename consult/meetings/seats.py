"""The live room's per-socket facts and its process-local pace limits: the fast path of a message.

While a meeting is open its roster is frozen, so who a socket's person is in the room (their capacity, badge
and name) cannot change; ``Seat`` keeps those facts from the moment the socket joined, checked then with the
predicates of ``permissions.py``. What can change while the room is open (the meeting closing, the chair
muting someone) is checked by the message's own SQL statement (``live.say_fast``), and anything unusual
(observers, refusals, resends) goes through the full ``live.say``.

Pace limits are kept in the process: a socket belongs to one server process for its whole life, so counting
a person's messages there needs no round trip to Redis on every message.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass

#: Per person and meeting: a burst of 10 messages, then about one every 2 seconds (count, seconds).
MESSAGE_BURST = (10, 10)
MESSAGE_RATE = (30, 60)
#: Any live-room events by one person.
EVENT_RATE = (20, 1)
#: Video signalling by one person: a few offers and answers, and the ICE candidates each peer trickles.
SIGNAL_RATE = (300, 60)
#: The longest window above: a key whose last hit is older is forgotten.
LONGEST = 60


class MovingWindow:
    """Moving-window counters kept in the process: at most ``count`` hits in any ``seconds``.

    The ``limits`` package's memory storage would do, but it rescans every key on a timer every 10 ms; with
    a thousand people in a room that scan took a visible share of the server's CPU while messages went out
    (py-spy, ``bench/live/README.md``). Here each hit drops its own expired entries (amortised O(1)) and
    forgotten keys are swept only when the table has grown.
    """

    def __init__(self, sweep_at: int = 10_000):
        self._hits: dict[tuple, deque] = {}
        self._lock = threading.Lock()
        self._sweep_at = sweep_at

    def hit(self, limit: tuple[int, int], *key, now: float | None = None) -> bool:
        count, seconds = limit
        now = time.monotonic() if now is None else now
        key = (*key, seconds)
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._sweep_at:
                    self._sweep(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - seconds:
                hits.popleft()
            if len(hits) >= count:
                return False
            hits.append(now)
            return True

    def _sweep(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - LONGEST]:
            del self._hits[key]
        if len(self._hits) >= self._sweep_at:  # all still active: sweep less often
            self._sweep_at *= 2

    def __len__(self) -> int:
        return len(self._hits)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


_pace = MovingWindow()
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
    key = ('meeting-say', meeting_id, user_id)
    return _pace.hit(MESSAGE_BURST, *key) and _pace.hit(MESSAGE_RATE, *key)


def event_allowed(user_id: int) -> bool:
    return _pace.hit(EVENT_RATE, 'meeting-events', user_id)


def signal_allowed(user_id: int) -> bool:
    return _pace.hit(SIGNAL_RATE, 'meeting-signals', user_id)


def reset() -> None:
    """Forget every count (tests)."""
    _pace.reset()
