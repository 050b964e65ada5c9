"""Room-wide pushes: the room state after a control step, and presence and quorum, coalesced.

A join storm of a thousand participants must not become a million presence deliveries, so presence
and quorum pushes go out at most once per ``LIVE_COALESCE_SECONDS`` per room and process: the first
change at once (after commit), later ones folded into one trailing push by a background task that
reads the current state. With an interval of 0 (tests) every change is pushed at once.
"""

import hashlib
import json
import threading
import time

from flask import current_app

from consult.db import db
from consult.extensions import socketio
from consult.kernel.clock import utcnow
from consult.kernel.rooms import meeting_room as room
from consult.realtime import EVENT_NAMES
from consult.realtime import MeetingPresence
from consult.realtime import MeetingQuorum
from consult.realtime import MeetingState
from consult.realtime import _payload
from consult.realtime import emit_after_commit

from . import logger

_lock = threading.Lock()
_last: dict[tuple[int, str], float] = {}
_pending: set[tuple[int, str]] = set()
#: The gap between two pushes of a key: the configured interval, longer in a large room.
_gap: dict[tuple[int, str], float] = {}
#: People in each room at its last presence push; a room of ROOM_STEP more people waits one interval more.
_sizes: dict[int, int] = {}
ROOM_STEP = 250
#: The digest of the names in this process's last presence push, per room (``build_presence``).
_pushed: dict[int, str] = {}
_loop = {'started': False}
#: (built at, payload) of each room's presence and quorum as last given to a joining socket (``snapshot``).
_snapshots: dict[tuple[int, str], tuple[float, dict]] = {}
SNAPSHOTS_MAX = 10_000
#: The room state each room's sockets were last sent (``meeting:state``, from any process), for the next joins.
_states: dict[int, tuple[float, dict]] = {}
#: How many states each room was sent (so a state read from the database never replaces a newer push).
_sent: dict[int, int] = {}
#: A kept state is read again after this long even if no push came (a push lost with the message queue).
STATE_MAX_AGE = 30.0


def build_state(meeting) -> MeetingState:
    from .queries import room_state

    return MeetingState(**room_state(meeting))


def people_digest(people: list[dict]) -> str:
    """A short digest of a presence list (ids, names, badges, in order)."""
    shown = [[person['id'], person['name'], person['badge']] for person in people]
    return hashlib.blake2s(json.dumps(shown, ensure_ascii=False).encode(), digest_size=8).hexdigest()


def build_presence(meeting, full: bool = False) -> MeetingPresence:
    """Who is in the room: the count, and the first ``PRESENCE_NAMES_MAX`` arrivals with their badges.

    A push (not ``full``) leaves the names out when this process's last presence push for the room carried
    the same ones: in a room of a thousand the first fifty arrivals rarely change, so most pushes are a count
    of ~100 bytes instead of ~2.5 KB to every socket. The digest lets a client that holds other names (it
    missed a push, or another process's pushes came in between) ask for them (``meeting:presence``).
    """
    from .queries import presence

    count, people = presence(meeting)
    digest = people_digest(people)
    with _lock:
        _sizes[meeting.id] = count
        if not full:
            if _pushed.get(meeting.id) == digest:
                people = None
            else:
                _pushed[meeting.id] = digest
    return MeetingPresence(meeting=meeting.id, count=count, people=people, digest=digest)


def build_quorum(meeting) -> MeetingQuorum:
    from .queries import rules_for
    from .quorum import quorum_status

    status = quorum_status(meeting, rules_for(meeting))
    return MeetingQuorum(meeting=meeting.id, **status.as_dict())


BUILDERS = {'state': build_state, 'presence': build_presence, 'quorum': build_quorum}


def emit_state_after_commit(meeting) -> None:
    emit_after_commit(build_state(meeting), room(meeting.id))


def push(meeting, what: str) -> None:
    """Push ``what`` (``presence`` or ``quorum``) to the room, now or folded into a trailing push."""
    interval = float(current_app.config.get('LIVE_COALESCE_SECONDS', 1.0))
    key = (meeting.id, what)
    now = time.monotonic()
    gap = interval * max(1.0, _sizes.get(meeting.id, 0) / ROOM_STEP)
    with _lock:
        _gap[key] = gap
        if key in _pending:
            return
        leading = interval <= 0 or now - _last.get(key, float('-inf')) >= gap
        if leading:
            _last[key] = now
        else:
            _pending.add(key)
    if leading:
        emit_after_commit(BUILDERS[what](meeting), room(meeting.id))
    else:
        _ensure_loop(current_app._get_current_object(), interval)


def snapshot(meeting, what: str) -> dict:
    """The room's presence (with names) or quorum for a joining socket, shared by the joins of one interval.

    A thousand people joining in a minute would otherwise each read the room's presence and its quorum counts
    again. A snapshot is kept as long as the room's pushes are spaced (the same gap as ``push``); it cannot stay
    wrong: every join is followed by a presence push (leading or trailing) and every sign-in by a quorum push,
    both sent after the joining socket entered the room.
    """
    interval = float(current_app.config.get('LIVE_COALESCE_SECONDS', 1.0))
    key = (meeting.id, what)
    now = time.monotonic()
    with _lock:
        kept = _snapshots.get(key)
        gap = interval * max(1.0, _sizes.get(meeting.id, 0) / ROOM_STEP)
    if kept is not None and interval > 0 and now - kept[0] < gap:
        return kept[1]
    built = _payload(build_presence(meeting, full=True) if what == 'presence' else build_quorum(meeting))
    with _lock:
        if len(_snapshots) > SNAPSHOTS_MAX:
            _snapshots.clear()
        _snapshots[key] = (now, built)
    return built


def seen_state(room_name: str, data) -> None:
    """A ``meeting:state`` going to a room (``consult.delivery.watch``): the state the room's sockets now hold."""
    meeting_id = data.get('meeting') if isinstance(data, dict) else None
    if not isinstance(meeting_id, int) or room_name != room(meeting_id):
        return
    with _lock:
        if len(_states) > SNAPSHOTS_MAX:
            _states.clear()
        _sent[meeting_id] = _sent.get(meeting_id, 0) + 1
        _states[meeting_id] = (time.monotonic(), data)


def current_state(meeting) -> dict:
    """The room state for a joining socket: the one last pushed to the room, not read again per join.

    Every change of the state is pushed whole (``emit_state_after_commit``), by whichever process made it, and
    every process sees every push go by (``seen_state``), so the last push is the state the room holds. The
    status and the last sequence number, which change without a state push, are the meeting row's. A state
    read from the database (none pushed yet) is kept only if no push came while it was read.
    """
    now = time.monotonic()
    with _lock:
        kept = _states.get(meeting.id)
        sent = _sent.get(meeting.id, 0)
    if kept is None or now - kept[0] > STATE_MAX_AGE:
        built = _payload(build_state(meeting))
        with _lock:
            if _sent.get(meeting.id, 0) == sent:
                _states[meeting.id] = (now, built)
        return built
    return {**kept[1], 'status': str(meeting.status), 'seq': meeting.last_seq, 'server_now': server_now()}


def reset() -> None:
    """Forget what this process pushed (tests, whose rooms reuse ids after a rollback)."""
    with _lock:
        _last.clear()
        _pending.clear()
        _gap.clear()
        _sizes.clear()
        _pushed.clear()
        _snapshots.clear()
        _states.clear()
        _sent.clear()


def _ensure_loop(app, interval: float) -> None:
    with _lock:
        if _loop['started']:
            return
        _loop['started'] = True
    socketio.start_background_task(_trailing_loop, app, interval)


def _trailing_loop(app, interval: float) -> None:
    from .models import Meeting

    while True:
        socketio.sleep(interval / 2)
        now = time.monotonic()
        with _lock:
            due = [key for key in _pending if now - _last.get(key, float('-inf')) >= _gap.get(key, interval)]
            for key in due:
                _pending.discard(key)
                _last[key] = now
        if not due:
            continue
        with app.app_context():
            try:
                for meeting_id, what in due:
                    meeting = db.session.get(Meeting, meeting_id)
                    if meeting is not None:
                        event_obj = BUILDERS[what](meeting)
                        socketio.emit(EVENT_NAMES[type(event_obj)], _payload(event_obj), to=room(meeting_id))
            except Exception:  # a failed push must not stop the loop
                logger.exception('trailing push failed')
            finally:
                db.session.remove()


def server_now() -> str:
    return utcnow().isoformat()
