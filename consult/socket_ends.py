"""Ending sockets when the session or the rights they were opened with end, on every process.

Each socket joins, on connect, its user's room (``user:<id>``) and its login session's room (``login:<key>``).
Ending a room disconnects every socket in it: logout and password change end a login session's room, a role
or a residence that ends ends the user's room (the page reconnects and is checked afresh). Sockets of other
processes are reached through the Socket.IO message queue: the ending travels as python-socketio's own
``close_room`` message, and every process's client manager (``consult.delivery``) runs :func:`_on_close_room`
first, which disconnects the room's local sockets (``is_ending_room``: only user and login rooms), so every
process ends its own at once.

Each process also keeps the sockets it accepted (``track``), and the socket event guard (``guard``) answers
an ``error`` ``session_ended`` and disconnects a socket whose session has ended, instead of letting a
handler meet an anonymous user.
"""

import contextlib
import functools
import logging
import time

from flask import current_app
from flask import g
from flask import has_app_context
from flask import has_request_context
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.db import kept
from consult.db import revived
from consult.delivery import on_close_room
from consult.extensions import db
from consult.extensions import socketio
from consult.kernel.rooms import is_ending_room

logger = logging.getLogger(__name__)

_PENDING_KEY = 'consult_pending_socket_ends'
_NAMESPACE = '/'
#: The sockets this process accepted and has not ended: sid -> when its login was last checked (monotonic).
_live: dict[str, float] = {}
#: A socket's login session is checked again (one query) on its first event after this many seconds, so a
#: socket whose ending never arrived (the message queue down) ends within this time even on the fast paths.
RECHECK_SECONDS = 30.0
#: Each socket's person as its login was last checked (``consult.db.kept``), and what contexts remembered for it
#: (``remembered``): a socket event between two checks uses them instead of reading them again.
_people: dict[str, tuple] = {}
_memos: dict[str, dict[str, list]] = {}


def end_after_commit(room: str) -> None:
    """Disconnect every socket in ``room`` once the current transaction commits (nothing if it rolls back)."""
    db.session.info.setdefault(_PENDING_KEY, []).append(room)


def end_room(room: str) -> None:
    """Disconnect every socket in ``room`` on this process and, through the message queue, on the others."""
    server = socketio.server
    if server is None:
        return
    if room.startswith('login:'):  # the page stops reconnecting and says so
        socketio.emit('error', _ended_payload(), to=room)
    # The sockets' disconnect handlers use the database: they get an app context (so a session) of their own,
    # as this runs while the caller's session finishes its commit.
    with current_app.app_context() if has_app_context() else contextlib.nullcontext():
        server.manager.close_room(room, namespace=_NAMESPACE)  # here and, through the queue, on every other process


def _disconnect_local(server, room: str) -> None:
    sids = [sid for sid, _eio in server.manager.get_participants(_NAMESPACE, room)]
    for sid in sids:
        _drop(sid)
        server.disconnect(sid, namespace=_NAMESPACE, ignore_queue=True)
    if sids:
        logger.info('ended %s socket(s) of %s', len(sids), room)


@event.listens_for(Session, 'after_commit')
def _end_committed(session):
    if session.in_nested_transaction():
        return
    for room in dict.fromkeys(session.info.pop(_PENDING_KEY, [])):
        try:
            end_room(room)
        except Exception:  # the commit stands; a socket left over is still refused by the guard
            logger.exception('could not end the sockets of %s', room)


@event.listens_for(Session, 'after_soft_rollback')
def _drop_ends(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def _on_close_room(server, room: str) -> None:
    if is_ending_room(room):
        _disconnect_local(server, room)


on_close_room(_on_close_room)


def track(sid: str, user=None) -> None:
    """Remember a socket accepted by this process (the connect handler), its login (``user``) just checked."""
    _live[sid] = time.monotonic()
    if user is not None:
        _people[sid] = kept(user)


def forget(*_args) -> None:
    """Drop the current socket from this process's table (it disconnected)."""
    _drop(request.sid)


def _drop(sid: str) -> None:
    _live.pop(sid, None)
    _people.pop(sid, None)
    _memos.pop(sid, None)


def checked_person(user_id: int, login_key: str):
    """The current socket event's user as its login was last checked, if that was less than ``RECHECK_SECONDS``
    ago and for this login (the user loader's fast path: no statement). ``None`` elsewhere: load it."""
    person = _checked(user_id)
    if person is None or person[2].get('login_key') != login_key:
        return None
    return revived(person)


def _checked(user_id: int) -> tuple | None:
    """The current socket event's person, kept at its login's last check, if it is ``user_id``."""
    person = g.get('_socket_person') if has_request_context() else None
    return person if person is not None and person[1].get('id') == user_id else None


def remembered(name: str, user_id: int, load):
    """``load()`` (a list of rows), kept for the current socket between two checks of its login, where a
    socket event would otherwise read the same rows on every event (a person's role grants). A login check
    (every ``RECHECK_SECONDS``) and the end of the socket forget them; ending a role ends the user's sockets."""
    rows = recalled(name, user_id)
    if rows is None:
        rows = load()
        remember(name, user_id, rows)
    return rows


def recalled(name: str, user_id: int) -> list | None:
    """The rows ``remember`` kept under ``name`` for the current socket's person ``user_id``; ``None``: none kept."""
    kept_rows = _kept(name, user_id)
    return None if kept_rows is None else [revived(row) for row in kept_rows]


def holds(name: str, user_id: int) -> bool:
    """Whether rows are kept under ``name`` for the current socket's person ``user_id`` (nothing revived)."""
    return _kept(name, user_id) is not None


def _kept(name: str, user_id: int) -> list | None:
    if _checked(user_id) is None:
        return None
    return _memos.get(getattr(request, 'sid', None), {}).get(name)


def remember(name: str, user_id: int, rows: list) -> None:
    """Keep ``rows``, read with something else, as ``remembered`` would (only on a socket, for its person)."""
    if _checked(user_id) is None:
        return
    sid = getattr(request, 'sid', None)
    if sid is not None:
        _memos.setdefault(sid, {})[name] = [kept(row) for row in rows]


def _ended_payload() -> dict:
    # The catalogue's ``error`` event (consult.realtime.ErrorEvent).
    return {'code': 'session_ended', 'message': _('Your session has ended. Log in again.')}


def _end_this_socket():
    _drop(request.sid)
    answer = _ended_payload()
    emit('error', answer, ignore_queue=True)
    socketio.server.disconnect(request.sid, namespace=_NAMESPACE)
    return {'ok': False, **answer}


def guard(name: str, handler):
    """Wrap a socket event handler: a socket whose login has ended is told ``session_ended`` and disconnected.

    The check costs nothing on most events: the socket must still be in this process's table (ending a session
    takes its sockets out on every process before disconnecting them), and every ``RECHECK_SECONDS`` its login
    session is read again. In the moment between the session's end and the message queue's delivery a handler
    may still find no user: that too ends the socket, where it raised ``AttributeError`` before. The live room's
    message fast path never loads the user: it relies on the table and the periodic check.
    """
    if name == 'disconnect':

        @functools.wraps(handler)
        def on_disconnect(*args):
            forget()
            return handler(*args)

        return on_disconnect

    @functools.wraps(handler)
    def guarded(*args):
        checked = _live.get(request.sid)
        if checked is None:
            return _end_this_socket()
        now = time.monotonic()
        if now - checked > RECHECK_SECONDS:
            _memos.pop(request.sid, None)
            if not current_user.is_authenticated:
                return _end_this_socket()
            _live[request.sid] = now
            _people[request.sid] = kept(current_user._get_current_object())
        else:
            g._socket_person = _people.get(request.sid)
        try:
            return handler(*args)
        except AttributeError:
            if current_user.is_authenticated:
                raise
            db.session.rollback()
            return _end_this_socket()

    return guarded


class GuardedEvents:
    """What contexts register their socket events on: ``on_event`` wraps each handler with :func:`guard`."""

    def __init__(self, sio):
        self._sio = sio

    def on_event(self, name: str, handler, namespace=None):
        self._sio.on_event(name, guard(name, handler), namespace=namespace)
