"""The live room's operations: messages with sequence numbers, the speaker queue, agenda, moderation.

Operations flush, never commit; the socket handlers in ``events.py`` commit once and the pushes go out
after commit. Every step is checked with the predicates of ``permissions.py``, as the routes are.
"""

import re
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
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
from .record import log

CLIENT_ID = re.compile(r'^[A-Za-z0-9_.:-]{1,64}$')
FLOOR_MINUTES_MAX = 30
REPLAY_BATCH = 500


def _require_open(meeting) -> None:
    if meeting.status != MeetingStatus.OPEN:
        raise Refusal(_('The session is not open.'), g.PROCEDURE, code='not_open')


def _require_chair(actor, meeting) -> None:
    if not p.moderates(actor, meeting):
        raise Refusal(_('Only the chair can do this.'), g.CHAIR, code='forbidden')


def current_speaker(meeting) -> SpeakerTurn | None:
    return db.session.scalar(
        sa.select(SpeakerTurn).where(SpeakerTurn.meeting_id == meeting.id, SpeakerTurn.status == TurnStatus.SPEAKING)
    )


def _rate_limited(actor, meeting) -> bool:
    return not seats.message_allowed(meeting.id, actor.id)


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


def _check_shape(body, client_id) -> None:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id) or not isinstance(body, str):
        raise Refusal(_('The message is malformed.'), g.MESSAGES, code='bad_payload')
    if len(body) > MESSAGE_MAX * 2:
        raise Refusal(_('A message has at most %(n)s characters.', n=MESSAGE_MAX), g.MESSAGES, code='too_long')


def _clean(body: str) -> str:
    text = clean_text(body)
    if not text:
        raise Refusal(_('The message is empty.'), g.MESSAGES, code='empty')
    if len(text) > MESSAGE_MAX:
        raise Refusal(_('A message has at most %(n)s characters.', n=MESSAGE_MAX), g.MESSAGES, code='too_long')
    return text


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


def say_fast(seat: seats.Seat, body, client_id, now: datetime | None = None) -> int | None:
    """The usual message in one statement (PostgreSQL; two on SQLite): the next sequence number and the row.

    The statement itself checks what can change while the room is open: the meeting is still open and the
    person is not muted. Return the sequence number, or ``None`` when ``say`` must decide (an observer, a
    refusal to explain, the meeting closed); a resend of a stored ``client_id`` raises ``IntegrityError`` and
    the caller hands it to ``say`` too, which answers with the stored message.
    """
    _check_shape(body, client_id)
    if not seat.chats_by_right:
        return None
    text = _clean(body)
    if not seats.message_allowed(seat.meeting_id, seat.user_id):
        raise Refusal(_('You are sending messages too fast; wait a moment.'), g.MESSAGES, code='rate_limited')
    now = now or utcnow()
    muted = sa.exists().where(
        Participant.meeting_id == seat.meeting_id,
        Participant.user_id == seat.user_id,
        Participant.muted_at.is_not(None),
    )
    bump = (
        sa.update(Meeting)
        .where(Meeting.id == seat.meeting_id, Meeting.status == MeetingStatus.OPEN, ~muted)
        .values(last_seq=Meeting.last_seq + 1)
        .returning(Meeting.last_seq, Meeting.current_item_id)
        .execution_options(synchronize_session=False)
    )
    created = sa.literal(now, type_=LiveMessage.__table__.c.created_at.type)
    columns = ['meeting_id', 'seq', 'author_id', 'client_id', 'body', 'agenda_item_id', 'created_at']
    engine = _autocommit_engine()
    if engine is not None or db.session.get_bind().dialect.name == 'postgresql':
        step = bump.cte('bump')
        rows = sa.select(
            sa.literal(seat.meeting_id),
            step.c.last_seq,
            sa.literal(seat.user_id),
            sa.literal(client_id),
            sa.literal(text),
            step.c.current_item_id,
            created,
        )
        statement = sa.insert(LiveMessage).from_select(columns, rows).returning(LiveMessage.seq)
        if engine is None:
            seq = db.session.execute(statement).scalar()
        else:
            try:
                with engine.connect() as connection:
                    seq = connection.execute(statement).scalar()
            except sa.exc.IntegrityError:
                raise
            except sa.exc.DBAPIError:  # a connection the server dropped: the full path retries with pre-ping
                return None
    else:
        bumped = db.session.execute(bump).first()
        seq = None
        if bumped is not None:
            seq, item_id = bumped
            values = [seat.meeting_id, seq, seat.user_id, client_id, text, item_id, now]
            db.session.execute(sa.insert(LiveMessage).values(dict(zip(columns, values, strict=True))))
    if seq is None:
        return None
    author = {'id': seat.user_id, 'name': seat.name, 'badge': seat.badge}
    payload = MeetingMessage(
        meeting=seat.meeting_id, seq=seq, client_id=client_id, body=text, hidden=None, author=author, at=now.isoformat()
    )
    if engine is None:
        emit_after_commit(payload, room(seat.meeting_id))
    else:  # already committed by its own statement
        emit_committed(payload, room(seat.meeting_id))
    return seq


def say(actor, meeting, body, client_id, now: datetime | None = None) -> tuple[LiveMessage, bool]:
    """Post a chat message; return it and whether it is new (a resend with the same ``client_id`` is not)."""
    _require_open(meeting)
    _check_shape(body, client_id)
    existing = db.session.scalar(
        sa.select(LiveMessage).where(
            LiveMessage.meeting_id == meeting.id, LiveMessage.author_id == actor.id, LiveMessage.client_id == client_id
        )
    )
    if existing is not None:
        return existing, False
    speaker = None
    participant = p.participant_of(actor, meeting)
    if participant is not None and participant.kind == 'observer':
        speaker = current_speaker(meeting)
    if not p.may_chat(actor, meeting, holds_floor=speaker is not None and speaker.user_id == actor.id):
        if participant is not None and participant.muted_at is not None:
            raise Refusal(_('The chair has muted your chat.'), g.CHAIR, code='muted')
        if participant is not None:
            raise Refusal(
                _('Observers speak when the chair gives them the floor.'), g.EXPERTS_OBSERVERS, code='no_floor'
            )
        raise Refusal(_('You are not a participant of this meeting.'), g.ROSTER, code='not_participant')
    text = _clean(body)
    if _rate_limited(actor, meeting):
        raise Refusal(_('You are sending messages too fast; wait a moment.'), g.MESSAGES, code='rate_limited')
    seq = db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.OPEN)
        .values(last_seq=Meeting.last_seq + 1)
        .returning(Meeting.last_seq)
    ).scalar()
    if seq is None:
        raise Refusal(_('The session is not open.'), g.PROCEDURE, code='not_open')
    message = LiveMessage(
        meeting_id=meeting.id,
        seq=seq,
        author_id=actor.id,
        client_id=client_id,
        body=text,
        agenda_item_id=meeting.current_item_id,
        created_at=now or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    emit_after_commit(message_payload(message, actor), room(meeting.id))
    return message, True


def missed(meeting, after: int, limit: int = REPLAY_BATCH) -> list[LiveMessage]:
    """Messages with a sequence number above ``after``, in order (at most ``limit``)."""
    return list(
        db.session.scalars(
            sa.select(LiveMessage)
            .where(LiveMessage.meeting_id == meeting.id, LiveMessage.seq > after)
            .order_by(LiveMessage.seq)
            .limit(limit)
            .options(sa.orm.selectinload(LiveMessage.author))
        )
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
