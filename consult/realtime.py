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
- ``meeting:message``: to ``meeting:<id>``, a chat message with its per-meeting ``seq``.
- ``meeting:hidden``: to ``meeting:<id>`` when the chair hides a message; ``{"meeting", "seq", "reason"}``.
- ``meeting:state``: to ``meeting:<id>`` after a control step: agenda item and timer, speaker, queue, mutes.
- ``meeting:presence`` / ``meeting:quorum``: to ``meeting:<id>``, coalesced (see ``consult.meetings.pushes``);
  a presence push carries the names only when they changed (``MeetingPresence``).
- ``comment_posted``: to ``topic:<id>`` after a comment or reply is posted; ``{"topic_id", "comment_id",
  "parent_id", "author", "badge", "stance", "body", "created_at", "tally"}`` (``badge`` and ``stance`` are
  codes the page labels; ``tally`` is ``{"for", "against", "neutral"}``).
- ``comment_hidden``: to ``topic:<id>`` when the committee hides a comment;
  ``{"topic_id", "comment_id", "reason", "tally"}``.
- ``vote:changed``: to ``vote:<id>`` and, for a meeting's vote, ``meeting:<id>``, when a vote opens, closes or
  is cancelled; ``{"vote", "meeting", "status"}``. Pages then fetch the vote's panel (ballot or result).
- ``result_changed``: to ``topic:<id>`` and the objector's ``user:<id>`` when an objection is filed or answered
  or an irregularity flagged or answered on a published result; ``{"topic_id", "change"}``. The result page then
  fetches its objections section.
- ``error``: answer to a bad event; ``{"code", "message"}``. The connection stays up, except for
  ``session_ended``: the socket's login session ended (logout, password change, another device logged it out;
  ``consult.socket_ends``) and the server disconnects it. A message over ``SOCKETIO_MAX_MESSAGE_BYTES`` is
  answered with the code ``too_large`` (``consult.socket_limits``).

Rooms are named per entity by the server (``user:<id>``, ``topic:<id>``); a client asks to join a topic's
room with ``join_topic`` and the server checks it may view the topic.
"""

import json
import logging
from dataclasses import asdict
from dataclasses import dataclass

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError
from flask_socketio import emit
from flask_socketio import join_room
from flask_wtf.csrf import ValidationError
from flask_wtf.csrf import validate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.db import note_unavailable
from consult.db import rollback_quietly
from consult.db import unavailable
from consult.extensions import db
from consult.extensions import socketio
from consult.kernel.rooms import login_room
from consult.kernel.rooms import user_room
from consult.socket_ends import forget
from consult.socket_ends import track
from consult.socket_limits import admit

logger = logging.getLogger(__name__)

_PENDING_KEY = 'consult_pending_emits'


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
class MeetingMessage:
    meeting: int
    seq: int
    client_id: str
    body: str
    #: The reason, when the chair hid the message (the body is then withheld).
    hidden: str | None
    author: dict
    at: str


@dataclass(frozen=True)
class MessageHidden:
    meeting: int
    seq: int
    reason: str


@dataclass(frozen=True)
class MeetingState:
    meeting: int
    status: str
    seq: int
    item: dict | None
    speaker: dict | None
    queue: list
    muted: list
    server_now: str


@dataclass(frozen=True)
class MeetingPresence:
    """People in the room: the count, the first 50 arrivals with badges, and a digest of that list.

    A push leaves ``people`` out (``None``) when its process last pushed the same list; a client whose list has
    another digest asks for it with ``meeting:presence``.
    """

    meeting: int
    count: int
    people: list | None
    digest: str


@dataclass(frozen=True)
class MeetingQuorum:
    meeting: int
    present: int
    members: int
    required: int | None
    met: bool


@dataclass(frozen=True)
class CommentPosted:
    topic_id: int
    comment_id: int
    #: The root comment for a reply, else None.
    parent_id: int | None
    #: The author's display name (never a mobile number).
    author: str
    badge: str
    stance: str | None
    body: str
    created_at: str
    tally: dict


@dataclass(frozen=True)
class CommentHidden:
    topic_id: int
    comment_id: int
    reason: str
    tally: dict


@dataclass(frozen=True)
class MeetingCall:
    """Who is in the meeting's video call: ``[{sid, user, name, badge, sends}]`` in the order they joined."""

    meeting: int
    members: list


@dataclass(frozen=True)
class MeetingSignal:
    """A WebRTC offer, answer or ICE candidate from ``sender`` (a socket in the call), to one other member."""

    meeting: int
    sender: str
    kind: str
    data: dict


@dataclass(frozen=True)
class VoteChanged:
    """A vote opened, closed (its result is public) or was cancelled. The page fetches the vote's panel in its
    reader's language; no count travels before the close, and none in this event."""

    vote: int
    meeting: int | None
    status: str


@dataclass(frozen=True)
class ResultChanged:
    """Something public changed on a published result: an objection filed or answered, an irregularity flagged or
    answered. The result page fetches its objections section again in its reader's language."""

    topic_id: int
    #: ``objection_filed``, ``objection_answered``, ``irregularity_flagged`` or ``irregularity_answered``.
    change: str


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
    MeetingMessage: 'meeting:message',
    MessageHidden: 'meeting:hidden',
    MeetingState: 'meeting:state',
    MeetingPresence: 'meeting:presence',
    MeetingQuorum: 'meeting:quorum',
    MeetingCall: 'meeting:call',
    MeetingSignal: 'meeting:signal',
    CommentPosted: 'comment_posted',
    CommentHidden: 'comment_hidden',
    VoteChanged: 'vote:changed',
    ResultChanged: 'result_changed',
    ErrorEvent: 'error',
}


def _payload(event_obj) -> dict:
    # A JSON round trip, so an unserialisable payload fails here and not in the socket layer.
    return json.loads(json.dumps(asdict(event_obj), ensure_ascii=False))


def emit_after_commit(event_obj, room: str) -> None:
    """Queue an event for ``room``; it is sent only if the current transaction commits."""
    db.session.info.setdefault(_PENDING_KEY, []).append((EVENT_NAMES[type(event_obj)], _payload(event_obj), room))


def emit_committed(event_obj, room: str) -> None:
    """Send an event about a row already committed outside the session (the live room's autocommit write)."""
    socketio.emit(EVENT_NAMES[type(event_obj)], _payload(event_obj), to=room)


@event.listens_for(Session, 'after_commit')
def _flush_emits(session):
    # SQLAlchemy also calls after_commit when a SAVEPOINT (begin_nested) is released: the outer transaction
    # may still roll back, and a page told "changed" would reload before the change is visible.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING_KEY, [])
    for name, payload, room in pending:
        socketio.emit(name, payload, to=room)


@event.listens_for(Session, 'after_soft_rollback')
def _drop_emits(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def send_error(code: str, message: str) -> tuple[str, str]:
    """Answer the current socket event with an ``error`` event; the connection stays up.

    A predicate that refused because the record is read-only left its reason in ``g.refusal``: that is said
    instead (``archived``). Returns the code and message sent.
    """
    from flask import g

    refusal = g.pop('refusal', None)
    if refusal:
        code, message = 'archived', refusal
    emit('error', _payload(ErrorEvent(code=code, message=message)), ignore_queue=True)  # this process's socket
    return code, message


def _on_connect(auth=None):
    """Accept only logged-in users who present the page's CSRF token."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError(_('Please log in first.'))
    token = auth.get('csrf_token') if isinstance(auth, dict) else None
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise ConnectionRefusedError(_('The page has expired; reload it and try again.')) from exc
    if not admit():
        raise ConnectionRefusedError(_('You have too many open connections; close some pages and try again.'))
    join_room(user_room(current_user.id))
    join_room(login_room(current_user.login_key))
    track(request.sid, current_user._get_current_object())
    logger.info('socket %s connected for user %s', request.sid, current_user.id)
    # To this socket, which is this process's: not through the message queue to every process.
    emit(
        'welcome', _payload(Welcome(user_id=current_user.id, display_name=current_user.display_name)), ignore_queue=True
    )


def _on_error(exc):
    """Answer a failed event with an ``error`` event and the same refusal as its acknowledgement.

    It needs no database (the locale comes from the socket's session, see ``consult.i18n``), so an outage is
    answered too: ``unavailable`` tells the page to keep the message and send it again (the server keeps one
    message per ``client_id``). A connection attempt that fails is refused, and the page tries again later.
    """
    rollback_quietly()
    if unavailable(exc):
        note_unavailable()
        logger.warning('socket event %s failed: database unavailable: %s', _event_name(), exc)
        code, message = 'unavailable', _('The service is temporarily unavailable; your message will be resent.')
    else:
        logger.error('socket event %s failed', _event_name(), exc_info=exc)
        code, message = 'server_error', _('Something went wrong. Please try again.')
    if _event_name() == 'connect':
        raise ConnectionRefusedError(message, {'code': code})
    send_error(code, message)
    return {'ok': False, 'code': code, 'message': message}


def _event_name() -> str | None:
    event_info = getattr(request, 'event', None)  # Flask-SocketIO sets {'message', 'args'} on each event
    return event_info.get('message') if isinstance(event_info, dict) else None


class SocketSessions(SecureCookieSessionInterface):
    """The cookie session, read once per socket.

    Flask-SocketIO runs every socket event in a request context made from the socket's handshake request, and
    Flask opens the session when the context is pushed: the cookie was decoded and its signature checked again on
    every event (about 0.14 ms of CPU each), then replaced with the socket's own copy of it, which Flask-SocketIO
    keeps in the socket's environ from its first event (``saved_session``). Here an event after that gets the copy
    at once. Plain HTTP requests never carry ``saved_session``: their session is the cookie's, as before.
    """

    def open_session(self, app, request):
        saved = request.environ.get('saved_session')
        if saved is not None:
            return saved
        return super().open_session(app, request)


def register_socket_handlers(sio) -> None:
    """Register the connection and error handlers; the factory registers each context's events after these."""
    sio.on_event('connect', _on_connect)
    sio.on_event('disconnect', forget)  # a context's own disconnect handler replaces it and forgets too (guard)
    sio.on_error_default(_on_error)
