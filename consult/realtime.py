"""The real-time layer: socket authentication, the event catalogue, and emitting after commit.

Event names (server to client), one serializer each:

- ``welcome``: sent on connect to the connecting socket only; ``{"user_id", "display_name"}``.
- ``residency_decided``: to ``user:<id>`` when a residence claim is approved or rejected;
  ``{"membership_id", "status", "community"}``.
- ``petition_changed``: to the starter's and active signers' ``user:<id>`` rooms when a petition meets its
  threshold, is convened or withdrawn; ``{"petition_id", "status", "title"}``.
- ``topic_changed``: to ``user:<id>`` of the submitter and co-signers, and to ``topic:<id>``, at each step;
  ``{"topic_id", "status", "action"}``.
- ``cosign_count``: to ``topic:<id>`` after a co-sign or its withdrawal; ``{"topic_id", "count", "required"}``.
- ``error``: answer to a bad event; ``{"code", "message"}``. The connection stays up.

Rooms are named per entity by the server (``user:<id>``, ``topic:<id>``); a client asks to join a topic's
room with ``join_topic`` and the server checks it may view the topic.
"""

import json
import logging
from dataclasses import asdict
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError
from flask_socketio import emit
from flask_socketio import join_room
from flask_wtf.csrf import ValidationError
from flask_wtf.csrf import validate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.extensions import db
from consult.extensions import socketio

logger = logging.getLogger(__name__)

_PENDING_KEY = 'consult_pending_emits'


def user_room(user_id: int) -> str:
    """Return the private room of one user."""
    return f'user:{user_id}'


@dataclass(frozen=True)
class Welcome:
    user_id: int
    display_name: str


@dataclass(frozen=True)
class ResidencyDecided:
    membership_id: int
    status: str
    community: str


@dataclass(frozen=True)
class PetitionChanged:
    petition_id: int
    status: str
    title: str


@dataclass(frozen=True)
class TopicChanged:
    topic_id: int
    status: str
    action: str


@dataclass(frozen=True)
class CosignCount:
    topic_id: int
    count: int
    #: Co-signs still needed by the nearest rule of the threshold (0 when met).
    required: int


@dataclass(frozen=True)
class ErrorEvent:
    code: str
    message: str


EVENT_NAMES = {
    Welcome: 'welcome',
    ResidencyDecided: 'residency_decided',
    PetitionChanged: 'petition_changed',
    TopicChanged: 'topic_changed',
    CosignCount: 'cosign_count',
    ErrorEvent: 'error',
}


def _payload(event_obj) -> dict:
    # A JSON round trip, so an unserialisable payload fails here and not in the socket layer.
    return json.loads(json.dumps(asdict(event_obj), ensure_ascii=False))


def emit_after_commit(event_obj, room: str) -> None:
    """Queue an event for ``room``; it is sent only if the current transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append((EVENT_NAMES[type(event_obj)], _payload(event_obj), room))


@event.listens_for(Session, 'after_commit')
def _flush_emits(session):
    pending = session.info.pop(_PENDING_KEY, [])
    for name, payload, room in pending:
        socketio.emit(name, payload, to=room)


@event.listens_for(Session, 'after_soft_rollback')
def _drop_emits(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def send_error(code: str, message: str) -> None:
    """Answer the current socket event with an ``error`` event; the connection stays up."""
    emit('error', _payload(ErrorEvent(code=code, message=message)))


def _on_connect(auth=None):
    """Accept only logged-in users who present the page's CSRF token."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError(_('Please log in first.'))
    token = auth.get('csrf_token') if isinstance(auth, dict) else None
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise ConnectionRefusedError(_('The page has expired; reload it and try again.')) from exc
    join_room(user_room(current_user.id))
    logger.info('socket %s connected for user %s', request.sid, current_user.id)
    emit('welcome', _payload(Welcome(user_id=current_user.id, display_name=current_user.display_name)))


def _on_error(exc):
    logger.error('socket event failed', exc_info=exc)
    db.session.rollback()
    send_error('server_error', _('Something went wrong. Please try again.'))


def register_socket_handlers(sio) -> None:
    """Register the connection handlers; each context registers its own events here too."""
    sio.on_event('connect', _on_connect)
    sio.on_error_default(_on_error)
    from consult.topics.events import register as register_topic_events

    register_topic_events(sio)
