"""The live room's per-socket facts, its process-local pace limits and the one statement that stores a message.

While a meeting is open its roster is frozen, so who a socket's person is in the room (their capacity, badge
and name) cannot change; ``Seat`` keeps those facts from the moment the socket joined, checked then with the
predicates of ``permissions.py`` (``seat_for``). What can change while the room is open (the meeting closing,
the chair muting someone) is checked by the message's own SQL statement (``write``). The order of the checks
and the refusals are ``live.say``'s, for every socket alike.

Pace limits are kept in the process: a socket belongs to one server process for its whole life, so counting
a person's messages there needs no round trip to Redis on every message.
"""

import functools
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from consult.db import db

from . import permissions as p
from .models import LiveMessage
from .models import Meeting
from .models import MeetingStatus
from .models import Participant
from .queries import badge_in

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

    def take_back(self, limit: tuple[int, int], *key) -> None:
        """Forget the latest hit on ``key`` (what it counted did not happen)."""
        with self._lock:
            hits = self._hits.get((*key, limit[1]))
            if hits:
                hits.pop()

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


def seat_for(user, meeting) -> Seat:
    """Return the facts of ``user`` in ``meeting``'s room, as the predicates of ``permissions.py`` find them now."""
    participant = p.participant_of(user, meeting)  # read once per event, and by the room's predicates too
    return Seat(
        meeting_id=meeting.id,
        user_id=user.id,
        name=user.display_name,
        badge=badge_in(meeting, user.id, participant.kind if participant is not None else None),
        chats_by_right=p.chats_by_right(user, meeting),
    )


def seat_of(sid: str) -> Seat | None:
    return _seats.get(sid)


def take(sid: str, seat: Seat) -> None:
    _seats[sid] = seat


def leave(sid: str) -> None:
    _seats.pop(sid, None)


def message_allowed(meeting_id: int, user_id: int) -> bool:
    key = ('meeting-say', meeting_id, user_id)
    return _pace.hit(MESSAGE_BURST, *key) and _pace.hit(MESSAGE_RATE, *key)


def message_not_stored(meeting_id: int, user_id: int) -> None:
    """Give back the pace a message took when the database could not store it: the page sends it again."""
    key = ('meeting-say', meeting_id, user_id)
    _pace.take_back(MESSAGE_BURST, *key)
    _pace.take_back(MESSAGE_RATE, *key)


def event_allowed(user_id: int) -> bool:
    return _pace.hit(EVENT_RATE, 'meeting-events', user_id)


def signal_allowed(user_id: int) -> bool:
    return _pace.hit(SIGNAL_RATE, 'meeting-signals', user_id)


_autocommit: dict[str, sa.Engine] = {}


def _autocommit_engine() -> sa.Engine | None:
    """A small pool of autocommit connections for the one-statement message on PostgreSQL.

    The statement is its own transaction, so a message costs one round trip: no pool pre-ping, no BEGIN, no
    COMMIT, each of which would wait a turn behind the room's fan-out. ``None`` where the session must be
    used: SQLite, and tests, whose database is one connection rolled back after each test.
    """
    bind = db.engines[None]
    if not isinstance(bind, sa.Engine) or bind.dialect.name != 'postgresql':
        return None
    key = bind.url.render_as_string(hide_password=False)
    if key not in _autocommit:
        _autocommit[key] = sa.create_engine(bind.url, isolation_level='AUTOCOMMIT', pool_size=5, max_overflow=20)
    return _autocommit[key]


def write(seat: Seat, text: str, client_id: str, now: datetime) -> tuple[int | None, bool]:
    """Store a message checked by ``live.say``; return its sequence number and whether it is committed.

    The statement takes the next sequence number only while the meeting is open, the person is not muted and
    no message of theirs has ``client_id`` yet; otherwise it stores nothing and the number is ``None``. On
    PostgreSQL it is one statement, a CTE whose UPDATE feeds the INSERT, run in autocommit where the app runs
    (``_autocommit_engine``), so it is committed when it returns; on SQLite it is the same in two statements
    in the session's transaction. A resend racing its twin past the check raises ``IntegrityError``.
    """
    values = {
        'meeting_id': seat.meeting_id,
        'author_id': seat.user_id,
        'client_id': client_id,
        'body': text,
        'created_at': now,
    }
    engine = _autocommit_engine()
    if engine is not None:
        try:
            with engine.connect() as connection:
                return connection.execute(_bump_and_insert(), _said(values)).scalar(), True
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError:  # a connection the server dropped: once more on the session's pre-pinged pool
            pass
    try:
        if db.session.get_bind().dialect.name == 'postgresql':
            return db.session.execute(_bump_and_insert(), _said(values)).scalar(), False
        bumped = db.session.execute(_bump(), _said(values)).first()
        if bumped is None:
            return None, False
        seq, item_id = bumped
        db.session.execute(sa.insert(LiveMessage).values(seq=seq, agenda_item_id=item_id, **values))
        return seq, False
    except sa.exc.IntegrityError:
        # Only a resend racing its twin gets here (a plain resend matches no row), and the handler has written
        # nothing else: PostgreSQL has aborted the transaction, and on SQLite the bump must not stay.
        db.session.rollback()
        raise


#: The message's values as the parameters of ``_bump`` and ``_bump_and_insert``.
_SAID = {'meeting_id': 'm', 'author_id': 'a', 'client_id': 'c', 'body': 'b', 'created_at': 't'}


def _said(values: dict) -> dict:
    return {f'said_{short}': values[name] for name, short in _SAID.items()}


def _unsent(said: dict):
    """Return the condition that no message of this person here has its client id yet (a resend fails it)."""
    return ~sa.exists().where(
        LiveMessage.meeting_id == said['meeting_id'],
        LiveMessage.author_id == said['author_id'],
        LiveMessage.client_id == said['client_id'],
    )


@functools.cache
def _bump() -> sa.Update:
    """The UPDATE taking the next number, only while the meeting is open, the person unmuted, the message new.

    Built once, with parameters (``_said``), as is ``_bump_and_insert``: built per message, PostgreSQL's statement
    cost about 1.5 ms of CPU (constructing the CTE, the two EXISTS and the INSERT, then looking up its compiled
    form), a third of a message's cost before its fan-out.
    """
    said = _parameters()
    muted = sa.exists().where(
        Participant.meeting_id == said['meeting_id'],
        Participant.user_id == said['author_id'],
        Participant.muted_at.is_not(None),
    )
    return (
        sa.update(Meeting)
        .where(Meeting.id == said['meeting_id'], Meeting.status == MeetingStatus.OPEN, ~muted, _unsent(said))
        .values(last_seq=Meeting.last_seq + 1)
        .returning(Meeting.last_seq, Meeting.current_item_id)
        .execution_options(synchronize_session=False)
    )


@functools.cache
def _bump_and_insert() -> sa.Insert:
    """PostgreSQL's one statement: ``_bump`` as a CTE feeding the INSERT."""
    said = _parameters()
    step = _bump().cte('bump')
    rows = sa.select(
        said['meeting_id'],
        step.c.last_seq,
        said['author_id'],
        said['client_id'],
        said['body'],
        step.c.current_item_id,
        said['created_at'],
    )
    columns = ['meeting_id', 'seq', 'author_id', 'client_id', 'body', 'agenda_item_id', 'created_at']
    table = LiveMessage.__table__
    return sa.insert(table).from_select(columns, rows).returning(table.c.seq)


@functools.cache
def _parameters() -> dict:
    """One set of parameters for both statements (the CTE's and the INSERT's are the same values)."""
    table = LiveMessage.__table__
    return {name: sa.bindparam(f'said_{short}', type_=table.c[name].type) for name, short in _SAID.items()}


def reset() -> None:
    """Forget every count (tests)."""
    _pace.reset()
