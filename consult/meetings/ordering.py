"""One ordered path per room and process: this process sends a room's messages in sequence-number order.

On PostgreSQL a message is stored and numbered by one autocommit statement (``seats.write``); the meeting's row
lock makes the numbers follow the commits. But the greenlets whose statements returned are resumed by the hub
in no particular order: the writer of seq 6 may send before the writer of seq 5 has even looked at its result,
and a client that sees 6 before 5 asks for a replay, more load exactly when load is high.

So every write takes a ticket before its statement (``start``) and hands its result back (``done``), or gives
the ticket back when it stored nothing (``drop``). A message is sent once every write that started before its
statement returned has come back: any number lower than its own would be among those (a write that starts
after the statement returned can only get a higher one). Messages are then sent in number order by one sender
at a time (the greenlet that made the next one ready), each send finished before the next begins, so the
Redis queue (or the local room) receives them in order too. Numbers taken by other processes are not waited
for: their messages come through the queue, and the feed of each socket (``feeds.py``) fills a gap by replay.
"""

import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from . import logger

Send = Callable[[], None]


@dataclass
class _Room:
    inflight: set[int] = field(default_factory=set)
    #: (seq, horizon, send): a returned write, sendable once no ticket below ``horizon`` is in flight.
    ready: list[tuple[int, int, Send]] = field(default_factory=list)
    sending: bool = False


_lock = threading.Lock()
_rooms: dict[object, _Room] = {}
_tickets = itertools.count(1)


def start(key) -> int:
    """A ticket for a write to room ``key`` about to run its statement."""
    with _lock:
        ticket = next(_tickets)
        _rooms.setdefault(key, _Room()).inflight.add(ticket)
    return ticket


def done(key, ticket: int, seq: int, send: Send) -> None:
    """The write of ``ticket`` stored ``seq``: ``send`` it once every earlier number of this process is sent."""
    with _lock:
        state = _rooms.setdefault(key, _Room())
        state.inflight.discard(ticket)
        heapq.heappush(state.ready, (seq, next(_tickets), send))
    _drain(key)


def drop(key, ticket: int) -> None:
    """The write of ``ticket`` stored nothing (refused, failed): stop waiting for it."""
    with _lock:
        state = _rooms.get(key)
        if state is None:
            return
        state.inflight.discard(ticket)
    _drain(key)


def _next(key) -> Send | None:
    """The next send, if it may go now and nobody else is sending; under ``_lock``."""
    state = _rooms[key]
    if state.ready:
        _seq, horizon, send = state.ready[0]
        if not any(ticket < horizon for ticket in state.inflight):
            heapq.heappop(state.ready)
            return send
    state.sending = False
    if not state.ready and not state.inflight:
        del _rooms[key]  # a quiet room costs nothing
    return None


def _drain(key) -> None:
    with _lock:
        state = _rooms.get(key)
        if state is None or state.sending:
            return  # the greenlet sending now sends this one too, in its turn
        state.sending = True
        send = _next(key)
    while send is not None:
        try:
            send()
        except Exception:  # a failed send (the queue is down) must not hold up the room's later messages
            logger.exception('a live message of room %s was not sent', key)
        with _lock:
            send = _next(key)


def pending() -> int:
    """Rooms with writes in flight or messages waiting (tests: zero once everything is sent)."""
    with _lock:
        return len(_rooms)
