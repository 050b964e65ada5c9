"""What each socket in this process holds of a room's messages, so none is sent to it twice and none is lost.

A socket joins a room (``enter``), then its missed messages are read; a message stored in between reaches it
both live and in that replay unless something remembers which it was sent. So every way a message goes to a
socket passes here, under ``consult.delivery.lock``: a live delivery (``keep_from``, the filter of
``meeting:message``) and a replay (``fresh``) each send a socket only the sequence numbers it does not hold
yet, and record them. A socket holds what its client said it has (``last_seq`` on joining) and what was sent
on it; that lasts while it is connected (a client that leaves and joins again on the same socket keeps it),
and goes when it disconnects (``forget``). Messages are numbered densely and committed in order, so what a
socket holds is nearly always every number up to one (``upto``), with a few runs above it while a message of
another process is still on its way or a long replay is under way.

A join need not read the messages after its client's number when this process knows there are none it could
have missed (``nothing_missed``): a read after some socket entered the room found none above a number
(``found_none_above``), and no message above it has been delivered to the room here since. Every message stored
later is delivered to the room, so a socket in it now is sent it live. The knowledge lasts ``KNOWN_MAX_AGE``
seconds: a delivery lost with the queue's connection is then read again by the next join, as a client that
sees a gap asks for it sooner.
"""

import time

from flask_socketio import join_room
from flask_socketio import leave_room

from consult.delivery import lock
from consult.kernel.rooms import meeting_room as room

#: Runs of numbers held above ``upto`` kept per socket; past this the lowest is forgotten (it may come twice).
RUNS_MAX = 64
#: Seconds a read that found nothing above a number stands for the joins after it.
KNOWN_MAX_AGE = 30.0


class Held:
    """The sequence numbers one socket holds: all up to ``upto``, and the runs ``[low, high]`` above it."""

    __slots__ = ('runs', 'upto')

    def __init__(self, upto: int = 0):
        self.upto = upto
        self.runs: list[list[int]] = []

    def claim(self, seq: int) -> None:
        """The client says it holds every number up to ``seq``."""
        if seq > self.upto:
            self.upto = seq
            self._absorb()

    def take(self, seq: int) -> bool:
        """Record ``seq`` as sent; ``False`` if it was held already (it must not be sent)."""
        if seq == self.upto + 1:
            self.upto = seq
            if self.runs:
                self._absorb()
            return True
        if seq <= self.upto:
            return False
        for n, run in enumerate(self.runs):
            if seq < run[0] - 1:
                self.runs.insert(n, [seq, seq])
                break
            if seq <= run[1]:
                if seq >= run[0]:
                    return False
                run[0] = seq
                break
            if seq == run[1] + 1:
                run[1] = seq
                if n + 1 < len(self.runs) and self.runs[n + 1][0] == seq + 1:
                    run[1] = self.runs.pop(n + 1)[1]
                break
        else:
            self.runs.append([seq, seq])
        if len(self.runs) > RUNS_MAX:
            self.runs.pop(0)
        return True

    def _absorb(self) -> None:
        while self.runs and self.runs[0][0] <= self.upto + 1:
            self.upto = max(self.upto, self.runs.pop(0)[1])


#: Per meeting, the sockets of this process in its room; per socket, what it holds in each room it joined.
_in_room: dict[int, dict[str, Held]] = {}
_held: dict[str, dict[int, Held]] = {}
#: Per meeting, the highest number delivered to its room in this process, to a socket here or to none.
_delivered: dict[int, int] = {}
#: Per meeting, (number, monotonic time): a read then, after a socket had entered the room, found none above it.
_read_upto: dict[int, tuple[int, float]] = {}


def enter(sid: str, meeting_id: int, last_seq: int) -> int:
    """Put socket ``sid`` in the meeting's room, holding what its client has; return the number to replay after."""
    with lock:
        held = _held.setdefault(sid, {}).setdefault(meeting_id, Held())
        held.claim(last_seq)
        _in_room.setdefault(meeting_id, {})[sid] = held
        join_room(room(meeting_id))
        return held.upto


def leave(sid: str, meeting_id: int) -> None:
    """Take socket ``sid`` out of the meeting's room; it keeps what it holds if it joins again."""
    with lock:
        leave_room(room(meeting_id))
        members = _in_room.get(meeting_id)
        if members is not None:
            members.pop(sid, None)
            if not members:
                del _in_room[meeting_id]


def forget(sid: str) -> None:
    """The socket is gone."""
    with lock:
        for meeting_id in _held.pop(sid, {}):
            members = _in_room.get(meeting_id)
            if members is not None:
                members.pop(sid, None)
                if not members:
                    del _in_room[meeting_id]


def hold_upto(sid: str, meeting_id: int, seq: int) -> None:
    """The socket's client holds (or will never be sent) every number up to ``seq``: a room opened on its latest
    page reads what is older with ``meeting:history``, outside this record."""
    with lock:
        held = _held.get(sid, {}).get(meeting_id)
        if held is not None:
            held.claim(seq)


def replay_after(sid: str, meeting_id: int, after: int) -> int:
    """The number a replay asked for ``after`` starts after: none the socket holds below it is read again."""
    with lock:
        held = _held.get(sid, {}).get(meeting_id)
        return after if held is None else max(after, held.upto)


def nothing_missed(meeting_id: int, after: int) -> bool:
    """Whether no message above ``after`` can be stored and not yet delivered to a socket that entered the room."""
    with lock:
        known = _read_upto.get(meeting_id)
        if known is None or time.monotonic() - known[1] > KNOWN_MAX_AGE:
            return False
        return after >= known[0] and after >= _delivered.get(meeting_id, 0)


def found_none_above(meeting_id: int, upto: int) -> None:
    """A read made after a socket entered the room found no message above ``upto``."""
    with lock:
        known = _read_upto.get(meeting_id)
        if known is None or upto >= known[0] or time.monotonic() - known[1] > KNOWN_MAX_AGE:
            _read_upto[meeting_id] = (upto, time.monotonic())


def upto_read(after: int, messages: list, limit: int) -> int | None:
    """What a read of at most ``limit`` messages above ``after`` shows there is none above (``None``: unknown)."""
    if len(messages) >= limit:
        return None
    return messages[-1].seq if messages else after


def fresh(sid: str, meeting_id: int, messages: list) -> list:
    """The replayed ``messages`` (in order) this socket does not hold yet, recorded as sent."""
    with lock:
        held = _held.get(sid, {}).get(meeting_id)
        if held is None:
            return messages
        return [m for m in messages if held.take(m.seq)]


def keep_from(payload) -> list[str]:
    """The filter of ``meeting:message`` (``consult.delivery``): the sockets in its room that hold it already."""
    if not isinstance(payload, dict):
        return []
    meeting_id, seq = payload.get('meeting'), payload.get('seq')
    if not isinstance(seq, int):
        return []
    if seq > _delivered.get(meeting_id, 0):
        _delivered[meeting_id] = seq
    members = _in_room.get(meeting_id)
    if not members:
        return []
    return [sid for sid, held in members.items() if not held.take(seq)]


def reset() -> None:
    """Forget every socket (tests)."""
    with lock:
        _in_room.clear()
        _held.clear()
        _delivered.clear()
        _read_upto.clear()
