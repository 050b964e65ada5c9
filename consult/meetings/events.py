"""Socket events of the live room. Every event is authorised with the predicates the routes use.

Client to server (each answers through its acknowledgement, and with an ``error`` event on refusal):

- ``meeting:join {meeting, last_seq, latest}``: enter ``meeting:<id>``; the ack carries the messages after
  ``last_seq`` (a page of at most 100, ``more`` says whether to ask ``meeting:replay``), the room state, presence
  and quorum. With ``latest`` and no ``last_seq`` (a room being opened), it carries the latest page instead, and
  ``earlier`` says whether older messages are there to ask ``meeting:history`` for. Joining an open online
  meeting signs a participant in. A socket is sent each message once, live or in a replay, never both
  (``feeds.py``): a message stored while it joins comes one way only.
- ``meeting:replay {meeting, after}``: the next page of missed messages (those not sent on this socket).
- ``meeting:history {meeting, before}``: the page of messages just before sequence number ``before`` (scrolling
  back), in order, with ``earlier``.
- ``meeting:presence {meeting}``: who is in the room, with names (pushes leave unchanged names out).
- ``meeting:call_join {meeting}``, ``meeting:call_leave {meeting}``: the video call (``video.py``); the ack of
  a join carries the members and the ICE servers, and everyone in the room gets ``meeting:call``.
  ``meeting:signal {meeting, to, kind, data}``: an offer, answer or ICE candidate for another member.
- ``meeting:say {meeting, body, client_id}``: a message; a resend with the same ``client_id`` is not
  stored twice. ``meeting:hand``, ``meeting:lower``, ``meeting:floor {user, minutes}``,
  ``meeting:end_turn``, ``meeting:mute {user, muted, reason}``, ``meeting:hide {seq, reason}``,
  ``meeting:item {item}``, ``meeting:ping``, ``meeting:leave``.
"""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import rooms

from consult.db import binds
from consult.db import bound
from consult.db import db
from consult.db import prepared
from consult.inputs import checked
from consult.inputs import socket_int
from consult.kernel.actions import may
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import meeting_room as room
from consult.realtime import MeetingCall
from consult.realtime import MeetingSignal
from consult.realtime import _payload
from consult.realtime import emit_after_commit
from consult.realtime import emit_committed
from consult.realtime import send_error
from consult.topics.permissions import read_only_refusal
from consult.topics.permissions import topic_writable

from . import feeds
from . import history
from . import live
from . import permissions as p
from . import seats
from . import video
from .checkin import check_in_online
from .models import Meeting
from .models import MeetingStatus
from .models import Presence
from .pushes import build_presence
from .pushes import current_state
from .pushes import push
from .pushes import snapshot


def _refuse(code: str, message: str) -> dict:
    code, message = send_error(code, message)
    return {'ok': False, 'code': code, 'message': message}


def _int(data, key, default=None):
    return socket_int(data, key, default)


def _flooding(user_id: int | None = None) -> bool:
    return not seats.event_allowed(user_id or current_user.id)


def _meeting_in_room(data, counted: bool = False, writes: bool = True):
    """The meeting named by the event, if this socket has joined its room (else a refusal dict).

    ``counted``: the event was already counted toward the person's event rate (the message fast path).
    """
    meeting_id = _int(data, 'meeting')
    if meeting_id is None:
        return None, _refuse('bad_payload', _('The request is malformed.'))
    if not counted and _flooding():
        return None, _refuse('rate_limited', _('Too many requests; wait a moment.'))
    if room(meeting_id) not in rooms():
        return None, _refuse('not_in_room', _('Join the meeting room first.'))
    meeting = p.meeting_for(current_user, meeting_id)
    if meeting is None or not may(current_user, 'meeting.room', meeting):
        feeds.leave(request.sid, meeting_id)
        return None, _refuse('forbidden', _('You may not take part in this room.'))
    if writes and not topic_writable(meeting.topic):
        return None, _refuse('archived', str(read_only_refusal()))  # an archived topic's rooms are a record to read
    return meeting, None


def _run(data, operation, *args):
    meeting, refusal = _meeting_in_room(data)
    if refusal is not None:
        return refusal
    try:
        result = operation(current_user, meeting, *args)
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        return _refuse(exc.code, str(exc))
    return {'ok': True, 'result': result}


def _message_dicts(meeting, messages) -> list[dict]:
    return history.payloads(meeting, messages)


def on_join(data=None):
    meeting_id = _int(data, 'meeting')
    last_seq = _int(data, 'last_seq', 0)
    latest = data.get('latest', False) if isinstance(data, dict) else False
    if meeting_id is None or last_seq is None or last_seq < 0 or not isinstance(latest, bool):
        return _refuse('bad_payload', _('The request is malformed.'))
    if _flooding():
        return _refuse('rate_limited', _('Too many requests; wait a moment.'))
    meeting = p.meeting_for(current_user, meeting_id)  # with its topic's status and the person's roster entry
    if meeting is None or not may(current_user, 'meeting.room', meeting):
        return _refuse('not_found', _('No such meeting room, or you may not enter it.'))
    after = feeds.enter(request.sid, meeting.id, last_seq)
    if topic_writable(meeting.topic):  # an archived topic's room is read: no seat, presence or sign-in
        _take_seat(meeting)
        _present(meeting)
        check_in_online(current_user, meeting)
        push(meeting, 'presence')  # a presence push always follows a join: it corrects the shared snapshot below
    opening = latest and last_seq == 0
    earlier = None
    if opening:
        messages, earlier = history.latest(meeting)
        feeds.found_none_above(meeting.id, messages[-1].seq if messages else 0)
        if messages:
            feeds.hold_upto(request.sid, meeting.id, messages[0].seq - 1)
    elif feeds.nothing_missed(meeting.id, after):  # a reconnect storm reads nothing: later ones come live
        messages = []
    else:
        messages = live.missed(meeting, after)
        _found(meeting, after, messages)
    answer = {
        'ok': True,
        'seq': meeting.last_seq,
        'missed': _message_dicts(meeting, feeds.fresh(request.sid, meeting.id, messages)),
        'more': not opening and len(messages) == live.REPLAY_BATCH,
        'earlier': earlier,
        'state': current_state(meeting),
        'presence': snapshot(meeting, 'presence'),
        'quorum': snapshot(meeting, 'quorum'),
        'rights': _rights(meeting),
    }
    db.session.commit()  # once, after the answer is built: a commit earlier would expire and reload every row
    return answer


def _found(meeting, after: int, messages: list) -> None:
    """What a read of missed messages, made in the room, shows this process: none above some number."""
    upto = feeds.upto_read(after, messages, live.REPLAY_BATCH)
    if upto is not None:
        feeds.found_none_above(meeting.id, upto)


def _present(meeting) -> None:
    """This socket is in the room now: its presence row, written or moved here in one statement."""
    db.session.execute(
        prepared('presence', _presence_upsert),
        binds(sid=request.sid, meeting_id=meeting.id, user_id=current_user.id, seen_at=utcnow()),
    )


def _presence_upsert(insert):
    table = Presence.__table__
    statement = insert(table).values(bound(table, 'sid', 'meeting_id', 'user_id', 'seen_at'))
    moved = {name: statement.excluded[name] for name in ('meeting_id', 'user_id', 'seen_at')}
    return statement.on_conflict_do_update(index_elements=[table.c.sid], set_=moved)


def _take_seat(meeting) -> seats.Seat | None:
    """Remember who this socket's person is in an open room (fixed while it is open: the roster is frozen)."""
    if meeting.status != MeetingStatus.OPEN:
        return None
    seat = seats.seat_for(current_user, meeting)
    seats.take(request.sid, seat)
    return seat


def _rights(meeting) -> dict:
    participant = p.participant_of(current_user, meeting)
    return {
        'chair': may(current_user, 'meeting.moderate', meeting),
        'secretary': p.is_secretary(current_user, meeting),
        'chat': p.may_chat(current_user, meeting),
        'hand': p.may_raise_hand(current_user, meeting),
        'kind': participant.kind if participant is not None else None,
    }


def on_presence(data=None):
    """The room's presence with names, for a client whose list no longer matches the pushes' digest."""
    meeting, refusal = _meeting_in_room(data, writes=False)
    if refusal is not None:
        return refusal
    return {'ok': True, 'presence': _payload(build_presence(meeting, full=True))}


def on_replay(data=None):
    meeting, refusal = _meeting_in_room(data, writes=False)
    if refusal is not None:
        return refusal
    after = _int(data, 'after')
    if after is None or after < 0:
        return _refuse('bad_payload', _('The request is malformed.'))
    start = feeds.replay_after(request.sid, meeting.id, after)
    messages = live.missed(meeting, start)
    _found(meeting, start, messages)
    fresh = feeds.fresh(request.sid, meeting.id, messages)
    return {'ok': True, 'missed': _message_dicts(meeting, fresh), 'more': len(messages) == live.REPLAY_BATCH}


def on_history(data=None):
    meeting, refusal = _meeting_in_room(data)
    if refusal is not None:
        return refusal
    before = _int(data, 'before')
    if before is None or before < 1:
        return _refuse('bad_payload', _('The request is malformed.'))
    messages, earlier = history.earlier(meeting, before)
    return {'ok': True, 'messages': _message_dicts(meeting, messages), 'earlier': earlier}


def _seat(data):
    """Return the seat ``live.say`` posts from, for the meeting the event names (or a refusal dict).

    A socket seated in that open room (``on_join``) is known without reading anything: its person's seat,
    its room membership and the event rate are in the process. Any other socket is checked as every event is,
    its seat found in the database, and kept once the room is open so later messages skip these lookups.
    """
    kept = seats.seat_of(request.sid) if isinstance(data, dict) else None
    if kept is not None:
        if _flooding(kept.user_id):
            return None, _refuse('rate_limited', _('Too many requests; wait a moment.'))
        if kept.meeting_id == _int(data, 'meeting') and room(kept.meeting_id) in rooms():
            return kept, None
    meeting, refusal = _meeting_in_room(data, counted=kept is not None)
    if refusal is not None:
        return None, refusal
    seat = _take_seat(meeting) if kept is None else None  # joined before the session opened
    return seat or seats.seat_for(current_user, meeting), None  # not open, or seated in another room


def on_say(data=None):
    seat, refusal = _seat(data)
    if refusal is not None:
        return refusal
    try:
        said = live.say(seat, data.get('body'), data.get('client_id'))
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        return _refuse(exc.code, str(exc))
    return {'ok': True, 'seq': said.seq, 'duplicate': said.duplicate}


def _push_call(meeting) -> None:
    if video.has_video(meeting):
        emit_after_commit(MeetingCall(meeting=meeting.id, members=video.call_members(meeting)), room(meeting.id))


def on_call_join(data=None):
    meeting, refusal = _meeting_in_room(data)
    if refusal is not None:
        return refusal
    try:
        members = video.join_call(current_user, meeting, request.sid)
        _push_call(meeting)
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        return _refuse(exc.code, str(exc))
    me = next(m for m in members if m['sid'] == request.sid)
    return {
        'ok': True,
        'me': request.sid,
        'sends': me['sends'],
        'members': members,
        'ice': video.ice_servers(current_user),
        'ice_policy': video.ice_policy(),
    }


def on_call_leave(data=None):
    meeting, refusal = _meeting_in_room(data)
    if refusal is not None:
        return refusal
    if video.leave_call(request.sid) is not None:
        _push_call(meeting)
    db.session.commit()
    return {'ok': True}


def on_signal(data=None):
    if not seats.signal_allowed(current_user.id):
        return _refuse('rate_limited', _('Too many requests; wait a moment.'))
    meeting, refusal = _meeting_in_room(data, counted=True)
    if refusal is not None:
        return refusal
    try:
        target, kind, payload = video.signal_target(meeting, request.sid, data)
    except Refusal as exc:
        return _refuse(exc.code, str(exc))
    emit_committed(MeetingSignal(meeting=meeting.id, sender=request.sid, kind=kind, data=payload), target)
    return {'ok': True}


def on_hand(data=None):
    return _ack(_run(data, live.raise_hand))


def on_lower(data=None):
    return _ack(_run(data, live.lower_hand))


def on_floor(data=None):
    return _ack(_run(data, _and_call(live.give_floor), _int(data, 'user'), _int(data, 'minutes', 3)))


def on_end_turn(data=None):
    return _ack(_run(data, _and_call(live.end_turn)))


def on_mute(data=None):
    muted = data.get('muted', True) if isinstance(data, dict) else True
    reason = data.get('reason', '') if isinstance(data, dict) else ''
    reason = reason if isinstance(reason, str) else ''
    return _ack(_run(data, _and_call(live.set_mute), _int(data, 'user'), bool(muted), reason))


def on_hide(data=None):
    reason = data.get('reason', '') if isinstance(data, dict) else ''
    return _ack(_run(data, live.hide_message, _int(data, 'seq'), reason if isinstance(reason, str) else ''))


def on_item(data=None):
    return _ack(_run(data, live.start_item, _int(data, 'item')))


def _and_call(operation):
    """``operation``, then the call's members again: the floor and mutes decide who may send media."""

    def run(actor, meeting, *args):
        result = operation(actor, meeting, *args)
        db.session.flush()
        _push_call(meeting)
        return result

    return run


def _ack(result: dict) -> dict:
    result.pop('result', None)
    return result


def on_ping(data=None):
    meeting_id = _int(data, 'meeting')
    if meeting_id is None or room(meeting_id) not in rooms():
        return _refuse('not_in_room', _('Join the meeting room first.'))
    if _flooding():
        return _refuse('rate_limited', _('Too many requests; wait a moment.'))
    presence = db.session.get(Presence, request.sid)
    if presence is not None:
        presence.seen_at = utcnow()
        db.session.commit()
    return {'ok': True}


def _leave(sid: str) -> None:
    seats.leave(sid)
    presence = db.session.get(Presence, sid)
    if presence is None:
        return
    meeting = db.session.get(Meeting, presence.meeting_id)
    in_call = presence.in_call_at is not None
    db.session.delete(presence)
    db.session.flush()
    if meeting is not None:
        push(meeting, 'presence')
        if in_call:
            _push_call(meeting)
    db.session.commit()


def on_leave(data=None):
    meeting_id = _int(data, 'meeting')
    if meeting_id is not None:
        feeds.leave(request.sid, meeting_id)
    _leave(request.sid)
    return {'ok': True}


def on_disconnect(*args):
    feeds.forget(request.sid)
    try:
        _leave(request.sid)
    except Exception:
        db.session.rollback()
        raise


def register(sio) -> None:
    for name, handler in (
        ('meeting:join', on_join),
        ('meeting:replay', on_replay),
        ('meeting:history', on_history),
        ('meeting:presence', on_presence),
        ('meeting:say', on_say),
        ('meeting:hand', on_hand),
        ('meeting:lower', on_lower),
        ('meeting:floor', on_floor),
        ('meeting:end_turn', on_end_turn),
        ('meeting:mute', on_mute),
        ('meeting:hide', on_hide),
        ('meeting:item', on_item),
        ('meeting:ping', on_ping),
        ('meeting:call_join', on_call_join),
        ('meeting:call_leave', on_call_leave),
        ('meeting:signal', on_signal),
        ('meeting:leave', on_leave),
    ):
        sio.on_event(name, checked(handler))
    sio.on_event('disconnect', on_disconnect)
