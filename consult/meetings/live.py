"""The live room's operations: messages with sequence numbers, the speaker queue, agenda, moderation.

Operations flush, never commit; the socket handlers in ``events.py`` commit once and the pushes go out
after commit. Every step is checked with the predicates of ``permissions.py``, as the routes are. A chat
message is the one exception: on PostgreSQL its single statement commits on its own and is sent at once
(``say``, ``seats.write``), so the usual message costs one round trip.
"""

import functools
import re
from datetime import datetime
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.db import unavailable
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.kernel.rooms import meeting_room as room
from consult.realtime import MeetingMessage
from consult.realtime import MessageHidden
from consult.realtime import emit_after_commit
from consult.realtime import emit_committed
from consult.security import clean_text

from . import guards as g
from . import ordering
from . import permissions as p
from . import seats
from .models import MESSAGE_MAX
from .models import AgendaItem
from .models import LiveMessage
from .models import Meeting
from .models import MeetingStatus
from .models import Participant
from .models import SpeakerTurn
from .models import TurnStatus
from .queries import current_speaker
from .record import log

CLIENT_ID = re.compile(r'^[A-Za-z0-9_.:-]{1,64}$')
FLOOR_MINUTES_MAX = 30
#: A page of missed messages (the join's answer, each ``meeting:replay``): ``history.PAGE``.
REPLAY_BATCH = 100


def _require_open(meeting) -> None:
    if meeting.status != MeetingStatus.OPEN:
        raise _not_open()


def _require_chair(actor, meeting) -> None:
    if not p.moderates(actor, meeting):
        raise Refusal(_('Only the chair can do this.'), g.CHAIR, code='forbidden')


def message_payload(message: LiveMessage, author) -> MeetingMessage:
    from .queries import badge_of

    return MeetingMessage(
        meeting=message.meeting_id,
        seq=message.seq,
        client_id=message.client_id,
        body=message.body if message.hidden_at is None else '',
        hidden=message.hidden_reason if message.hidden_at is not None else None,
        author={'id': author.id, 'name': author.display_name, 'badge': badge_of(message.meeting_id, author.id)},
        at=message.created_at.isoformat(),
    )


class Said(NamedTuple):
    """The answer to a message: its sequence number, and whether it was stored before (a resend)."""

    seq: int
    duplicate: bool


def say(seat: seats.Seat, body, client_id, now: datetime | None = None) -> Said:
    """Post a chat message as the person of ``seat``; a resend of a stored ``client_id`` answers with it.

    Every message, from any socket, takes the same steps in this order: its shape (``bad_payload``,
    ``too_long``, ``empty``); who may speak; the pace limit (``rate_limited``); one statement that stores it
    only while the meeting is open and the person is not muted, for a new ``client_id`` (``seats.write``).
    Who may speak comes from the seat for someone who chats by right, so their message reads nothing before
    the statement and costs one round trip on PostgreSQL; anyone else (an observer needs the floor, someone
    off the roster may not post) is looked up first (``_standing``). When the statement stores nothing, the
    same lookups say why (``not_open``, ``muted``) or answer the resend with the stored message.
    """
    text = _shaped(body, client_id)
    if not seat.chats_by_right:  # an observer's floor and an outsider's refusal need the lookups anyway
        resent = _standing(seat, client_id)
        if resent is not None:
            return resent
    if not seats.message_allowed(seat.meeting_id, seat.user_id):  # no lookups: a flood costs no query
        raise Refusal(_('You are sending messages too fast; wait a moment.'), g.MESSAGES, code='rate_limited')
    try:
        said = _store(seat, text, client_id, now)
        if said is None:
            # Closed, muted or a resend when the statement ran; if none of these holds by now, it changed in
            # between (a mute lifted, the session opened) and the statement runs once more.
            said = _standing(seat, client_id) or _store(seat, text, client_id, now)
    except sa.exc.SQLAlchemyError as exc:
        if unavailable(exc):  # not stored: the page's resends must not be refused as too fast afterwards
            seats.message_not_stored(seat.meeting_id, seat.user_id)
        raise
    if said is None:
        raise _not_open()
    return said


def _shaped(body, client_id) -> str:
    """Return the message's text, cleaned; refuse a malformed, empty or overlong message."""
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id) or not isinstance(body, str):
        raise Refusal(_('The message is malformed.'), g.MESSAGES, code='bad_payload')
    if len(body) > MESSAGE_MAX * 2:  # before cleaning: a huge body costs no parsing
        raise _too_long()
    text = clean_text(body)
    if not text:
        raise Refusal(_('The message is empty.'), g.MESSAGES, code='empty')
    if len(text) > MESSAGE_MAX:
        raise _too_long()
    return text


def _too_long() -> Refusal:
    return Refusal(_('A message has at most %(n)s characters.', n=MESSAGE_MAX), g.MESSAGES, code='too_long')


def _not_open() -> Refusal:
    return Refusal(_('The session is not open.'), g.PROCEDURE, code='not_open')


def _standing(seat: seats.Seat, client_id: str) -> Said | None:
    """Look up why ``seat``'s person may not post now and raise that refusal, or answer a resend.

    In this order: the meeting is not open; ``client_id`` is stored (the resend is answered with it, even if
    the person was muted or lost the floor since); the person is muted; they are not on the roster; they are
    an observer without the floor. Return ``None`` when none of these holds: they may post.
    """
    meeting = db.session.get(Meeting, seat.meeting_id)
    if meeting is None or meeting.status != MeetingStatus.OPEN:
        raise _not_open()
    resent = _stored(seat, client_id)
    if resent is not None:
        return resent
    participant = db.session.scalar(
        sa.select(Participant).where(Participant.meeting_id == seat.meeting_id, Participant.user_id == seat.user_id)
    )
    if participant is not None and participant.muted_at is not None:
        raise Refusal(_('The chair has muted your chat.'), g.CHAIR, code='muted')
    if seat.chats_by_right:
        return None
    if participant is None:
        raise Refusal(_('You are not a participant of this meeting.'), g.ROSTER, code='not_participant')
    speaker = current_speaker(meeting)
    if speaker is None or speaker.user_id != seat.user_id:
        raise Refusal(_('Observers speak when the chair gives them the floor.'), g.EXPERTS_OBSERVERS, code='no_floor')
    return None


def _stored(seat: seats.Seat, client_id: str) -> Said | None:
    """Return the answer to a resend: the stored message of this person with ``client_id``, if any."""
    seq = db.session.scalar(
        sa.select(LiveMessage.seq).where(
            LiveMessage.meeting_id == seat.meeting_id,
            LiveMessage.author_id == seat.user_id,
            LiveMessage.client_id == client_id,
        )
    )
    return None if seq is None else Said(seq, duplicate=True)


def _store(seat: seats.Seat, text: str, client_id: str, now: datetime | None) -> Said | None:
    """Store the message and send it to the room; ``None`` when the statement stored nothing.

    A resend that races its twin past the statement's check meets the unique key; it is answered with the
    twin's row, committed by then.
    """
    now = now or utcnow()
    to = room(seat.meeting_id)
    ticket = ordering.start(to)
    try:
        seq, committed = seats.write(seat, text, client_id, now)
    except sa.exc.IntegrityError:
        ordering.drop(to, ticket)
        resent = _stored(seat, client_id)
        if resent is None:
            raise
        return resent
    except BaseException:
        ordering.drop(to, ticket)
        raise
    if seq is None:
        ordering.drop(to, ticket)
        return None
    author = {'id': seat.user_id, 'name': seat.name, 'badge': seat.badge}
    payload = MeetingMessage(
        meeting=seat.meeting_id, seq=seq, client_id=client_id, body=text, hidden=None, author=author, at=now.isoformat()
    )
    if committed:  # by its own statement: sent in number order with this process's other writes to the room
        ordering.done(to, ticket, seq, lambda: emit_committed(payload, to))
    else:  # in the session's transaction (SQLite, or a retry on the session): sent by its commit
        ordering.drop(to, ticket)
        emit_after_commit(payload, to)
    return Said(seq, duplicate=False)


def missed(meeting, after: int, limit: int = REPLAY_BATCH) -> list[LiveMessage]:
    """Messages with a sequence number above ``after``, in order (at most ``limit``)."""
    return list(db.session.scalars(_missed(), {'meeting': meeting.id, 'after': after, 'limit': limit}))


#: Built once: every join of a room asks it.
@functools.cache
def _missed():
    return (
        sa.select(LiveMessage)
        .where(LiveMessage.meeting_id == sa.bindparam('meeting'), LiveMessage.seq > sa.bindparam('after'))
        .order_by(LiveMessage.seq)
        .limit(sa.bindparam('limit'))
        .options(sa.orm.selectinload(LiveMessage.author))
    )


def hide_message(actor, meeting, seq, reason: str) -> LiveMessage:
    """Hide a message with a reason; it is kept for the record (the archive shows it)."""
    _require_chair(actor, meeting)
    reason = require_reason(reason, _('Say why the message is hidden.'))
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise Refusal(_('The message is malformed.'), g.MESSAGES, code='bad_payload')
    message = db.session.scalar(
        sa.select(LiveMessage).where(LiveMessage.meeting_id == meeting.id, LiveMessage.seq == seq)
    )
    if message is None:
        raise Refusal(_('No such message.'), g.MESSAGES, code='not_found')
    if message.hidden_at is not None:
        raise Refusal(_('The message is already hidden.'), g.MESSAGES, code='duplicate')
    message.hidden_at = utcnow()
    message.hidden_by_id = actor.id
    message.hidden_reason = reason
    log(meeting, 'message_hidden', actor, subject=message.author, detail=f'#{seq}: {reason}')
    emit_after_commit(MessageHidden(meeting=meeting.id, seq=seq, reason=reason), room(meeting.id))
    db.session.flush()
    return message


def raise_hand(actor, meeting) -> SpeakerTurn:
    _require_open(meeting)
    if not p.may_raise_hand(actor, meeting):
        raise Refusal(_('You are not a participant of this meeting.'), g.ROSTER, code='not_participant')
    open_turn = db.session.scalar(
        sa.select(SpeakerTurn).where(
            SpeakerTurn.meeting_id == meeting.id,
            SpeakerTurn.user_id == actor.id,
            SpeakerTurn.status.in_([TurnStatus.WAITING, TurnStatus.SPEAKING]),
        )
    )
    if open_turn is not None:
        raise Refusal(_('Your hand is already raised.'), g.CHAIR, code='duplicate')
    turn = SpeakerTurn(meeting_id=meeting.id, user_id=actor.id)
    db.session.add(turn)
    db.session.flush()
    _state_changed(meeting)
    return turn


def lower_hand(actor, meeting) -> None:
    _require_open(meeting)
    moved = db.session.execute(
        sa.update(SpeakerTurn)
        .where(
            SpeakerTurn.meeting_id == meeting.id,
            SpeakerTurn.user_id == actor.id,
            SpeakerTurn.status == TurnStatus.WAITING,
        )
        .values(status=TurnStatus.WITHDRAWN, ended_at=utcnow())
    ).rowcount
    if not moved:
        raise Refusal(_('Your hand is not raised.'), g.CHAIR, code='wrong_state')
    _state_changed(meeting)


def give_floor(actor, meeting, user_id, minutes, now: datetime | None = None) -> SpeakerTurn:
    """The chair gives the floor to a raised hand; the speaker's time box starts (shown to all)."""
    now = now or utcnow()
    _require_open(meeting)
    _require_chair(actor, meeting)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= FLOOR_MINUTES_MAX:
        raise Refusal(_('The time box is 1 to %(n)s minutes.', n=FLOOR_MINUTES_MAX), g.CHAIR, code='bad_payload')
    turn = db.session.scalar(
        sa.select(SpeakerTurn).where(
            SpeakerTurn.meeting_id == meeting.id,
            SpeakerTurn.user_id == user_id,
            SpeakerTurn.status == TurnStatus.WAITING,
        )
    )
    if turn is None:
        raise Refusal(_('That person has not raised a hand.'), g.CHAIR, code='not_found')
    end_open_turns(meeting, now, only_speaking=True)
    turn.status = TurnStatus.SPEAKING
    turn.floor_at = now
    turn.ends_at = now + timedelta(minutes=minutes)
    turn.agenda_item_id = meeting.current_item_id
    log(meeting, 'floor_given', actor, subject=turn.user, detail=f'{minutes} min')
    db.session.flush()
    _state_changed(meeting)
    return turn


def end_turn(actor, meeting, now: datetime | None = None) -> None:
    """The chair ends the current turn, or the speaker yields the floor."""
    _require_open(meeting)
    speaker = current_speaker(meeting)
    if speaker is None:
        raise Refusal(_('No one has the floor.'), g.CHAIR, code='wrong_state')
    if speaker.user_id != actor.id:
        _require_chair(actor, meeting)
    end_open_turns(meeting, now or utcnow(), only_speaking=True)
    log(meeting, 'turn_ended', actor, subject=speaker.user)
    _state_changed(meeting)


def end_open_turns(meeting, now: datetime, only_speaking: bool = False) -> None:
    statuses = [TurnStatus.SPEAKING] if only_speaking else [TurnStatus.SPEAKING, TurnStatus.WAITING]
    db.session.execute(
        sa.update(SpeakerTurn)
        .where(SpeakerTurn.meeting_id == meeting.id, SpeakerTurn.status.in_(statuses))
        .values(status=TurnStatus.DONE, ended_at=now)
        .execution_options(synchronize_session='fetch')
    )


def set_mute(actor, meeting, user_id, muted: bool, reason: str = '') -> None:
    _require_open(meeting)
    _require_chair(actor, meeting)
    from consult.accounts.models import User

    user = db.session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    participant = p.participant_of(user, meeting) if user is not None else None
    if participant is None:
        raise Refusal(_('That person is not on the roster.'), g.ROSTER, code='not_participant')
    if muted:
        reason = require_reason(reason, _('Say why the chat is muted.'))
        if participant.muted_at is not None:
            raise Refusal(_('Already muted.'), g.CHAIR, code='duplicate')
        participant.muted_at, participant.mute_reason = utcnow(), reason
    else:
        if participant.muted_at is None:
            raise Refusal(_('Not muted.'), g.CHAIR, code='wrong_state')
        participant.muted_at = None
    log(meeting, 'muted' if muted else 'unmuted', actor, subject=user, detail=reason)
    db.session.flush()
    _state_changed(meeting)


def start_item(actor, meeting, item_id, now: datetime | None = None) -> AgendaItem:
    """The chair moves to an agenda item; its time box starts."""
    now = now or utcnow()
    _require_open(meeting)
    _require_chair(actor, meeting)
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        raise Refusal(_('No such agenda item.'), g.PROCEDURE, code='not_found')
    if item.id == meeting.current_item_id:
        raise Refusal(_('This item is already under way.'), g.PROCEDURE, code='duplicate')
    current = meeting.current_item
    if current is not None and current.ended_at is None:
        current.ended_at = now
    item.started_at, item.ended_at = now, None
    meeting.current_item_id = item.id
    log(meeting, 'item_started', actor, detail=item.title)
    db.session.flush()
    _state_changed(meeting)
    return item


def _state_changed(meeting) -> None:
    from .pushes import emit_state_after_commit

    emit_state_after_commit(meeting)
