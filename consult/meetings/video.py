"""Video in the live room: a small WebRTC call beside the chat, signalled over the room's socket.

Browsers send audio and video to each other directly (a mesh: no media server, nothing leaves for a third
party); the server only admits people to the call and relays their offers, answers and ICE candidates, and
only between two sockets that are both in the call of the same meeting. A mesh costs every member one
upload per other member, so a call holds at most ``VIDEO_CALL_MAX`` people (6 by default, tech-notes §3);
everyone else in the room follows the chat. Who may send their camera and microphone is who may speak in
the room (``permissions.may_chat``): observers (列席) and experts watch unless the chair gives them the floor,
and a muted participant sends nothing. Members whose clients say otherwise are not shown by the others.

Video is part of meetings held by video or in a mixed form (domain.md rule 18). Behind NAT, browsers need a
TURN relay: ``VIDEO_TURN_URLS`` with a shared ``VIDEO_TURN_SECRET`` (coturn's ``use-auth-secret``), for which
``ice_servers`` mints credentials valid for ``VIDEO_TURN_TTL`` seconds (coturn's REST API scheme). With
``VIDEO_ICE_POLICY=relay`` browsers send media only through that relay, so no member of a call learns
another's IP address (residents may not want their neighbours, or an official, to have it).
"""

import base64
import hashlib
import hmac
import time

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics.models import ConsultationForm

from . import guards as g
from . import permissions as p
from .models import Meeting
from .models import MeetingStatus
from .models import Presence
from .queries import badge_of
from .queries import current_speaker

VIDEO_FORMS = frozenset({ConsultationForm.VIDEO, ConsultationForm.HYBRID})
SIGNAL_KINDS = frozenset({'offer', 'answer', 'ice'})
ICE_POLICIES = frozenset({'all', 'relay'})
SDP_MAX = 20_000
CANDIDATE_MAX = 1_000


def has_video(meeting) -> bool:
    return meeting.form in VIDEO_FORMS


def call_max() -> int:
    return int(current_app.config.get('VIDEO_CALL_MAX', 6))


def join_call(actor, meeting, sid: str) -> list[dict]:
    """Put the socket ``sid`` (already in the room) into the meeting's call; return the call's members.

    :raises Refusal: no video in this meeting, the meeting not in session, or the call full.
    """
    if not has_video(meeting):
        raise Refusal(_('This meeting is not held by video.'), g.VIDEO, code='no_video')
    if meeting.status != MeetingStatus.OPEN:
        raise Refusal(_('The video call is open only while the meeting is in session.'), g.VIDEO, code='wrong_state')
    presence = db.session.get(Presence, sid)
    if presence is None or presence.meeting_id != meeting.id or presence.user_id != actor.id:
        raise Refusal(_('Join the meeting room first.'), g.VIDEO, code='not_in_room')
    if presence.in_call_at is None:
        # Serialise joins per meeting (the row lock), so two last places are never both taken.
        db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
        in_call = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Presence)
            .where(Presence.meeting_id == meeting.id, Presence.in_call_at.is_not(None))
        )
        if in_call >= call_max():
            raise Refusal(
                _('The video call is full (%(n)s people); follow the discussion in the chat.', n=call_max()),
                g.VIDEO,
                code='call_full',
            )
        presence.in_call_at = utcnow()
        db.session.flush()
    return call_members(meeting)


def leave_call(sid: str) -> Presence | None:
    """Take the socket out of its meeting's call; return its presence if it was in one."""
    presence = db.session.get(Presence, sid)
    if presence is None or presence.in_call_at is None:
        return None
    presence.in_call_at = None
    db.session.flush()
    return presence


def call_members(meeting) -> list[dict]:
    """The call's members in the order they joined: socket, person, badge, and whether they may send media."""
    rows = db.session.execute(
        sa.select(Presence.sid, User)
        .join(User, User.id == Presence.user_id)
        .where(Presence.meeting_id == meeting.id, Presence.in_call_at.is_not(None))
        .order_by(Presence.in_call_at, Presence.sid)
    ).all()
    speaker = current_speaker(meeting)
    members = []
    for sid, user in rows:
        members.append(
            {
                'sid': sid,
                'user': user.id,
                'name': user.display_name,
                'badge': badge_of(meeting.id, user.id),
                'sends': p.may_chat(user, meeting, holds_floor=speaker is not None and speaker.user_id == user.id),
            }
        )
    return members


def signal_target(meeting, sender_sid: str, data) -> tuple[str, str, dict]:
    """Check a signalling message; return ``(target sid, kind, payload)`` to relay.

    Only between two sockets in the call of this meeting, and only offers, answers and ICE candidates of
    bounded size: the relay never carries anything else to anyone else.

    :raises Refusal: a malformed message, or a sender or target not in this meeting's call.
    """
    target = data.get('to') if isinstance(data, dict) else None
    kind = data.get('kind') if isinstance(data, dict) else None
    payload = _clean_signal(kind, data.get('data') if isinstance(data, dict) else None)
    if not isinstance(target, str) or kind not in SIGNAL_KINDS or payload is None:
        raise Refusal(_('The request is malformed.'), g.VIDEO, code='bad_payload')
    members = set(
        db.session.scalars(
            sa.select(Presence.sid).where(
                Presence.meeting_id == meeting.id,
                Presence.in_call_at.is_not(None),
                Presence.sid.in_([sender_sid, target]),
            )
        )
    )
    if sender_sid not in members or target not in members or target == sender_sid:
        raise Refusal(_('Both sides must be in this meeting’s video call.'), g.VIDEO, code='not_in_call')
    return target, kind, payload


def _clean_signal(kind, data) -> dict | None:
    if not isinstance(data, dict):
        return None
    if kind in ('offer', 'answer'):
        sdp = data.get('sdp')
        if data.get('type') != kind or not isinstance(sdp, str) or not sdp or len(sdp) > SDP_MAX:
            return None
        return {'type': kind, 'sdp': sdp}
    if kind == 'ice':
        candidate = data.get('candidate')
        mid = data.get('sdpMid')
        index = data.get('sdpMLineIndex')
        if not isinstance(candidate, str) or len(candidate) > CANDIDATE_MAX:
            return None
        if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
            return None
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64):
            return None
        return {'candidate': candidate, 'sdpMid': mid, 'sdpMLineIndex': index}
    return None


def ice_servers(user, now: float | None = None) -> list[dict]:
    """STUN and TURN servers for the browser; TURN with a time-limited credential (coturn ``use-auth-secret``).

    The username is ``<expiry unix time>:<user id>`` and the credential base64(HMAC-SHA1(secret, username)),
    so the relay can check it without a database and it stops working after ``VIDEO_TURN_TTL`` seconds.
    """
    config = current_app.config
    servers = []
    stun = list(config.get('VIDEO_STUN_URLS') or [])
    if stun:
        servers.append({'urls': stun})
    turn = list(config.get('VIDEO_TURN_URLS') or [])
    secret = config.get('VIDEO_TURN_SECRET')
    if turn and secret:
        expiry = int((now if now is not None else time.time()) + int(config.get('VIDEO_TURN_TTL', 3600)))
        username = f'{expiry}:{user.id}'
        digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
        servers.append({'urls': turn, 'username': username, 'credential': base64.b64encode(digest).decode()})
    return servers


def ice_policy() -> str:
    """The browsers' ICE transport policy: ``relay`` (media through TURN only) or ``all``."""
    return current_app.config.get('VIDEO_ICE_POLICY') or 'all'


def check_config(config) -> None:
    """Refuse to start with a video setting that would break every call rather than fail in the browser.

    :raises RuntimeError: an unknown ICE policy, or ``relay`` without a TURN server and its secret.
    """
    policy = config.get('VIDEO_ICE_POLICY') or 'all'
    if policy not in ICE_POLICIES:
        raise RuntimeError(f'VIDEO_ICE_POLICY must be one of {sorted(ICE_POLICIES)}, not {policy!r}')
    if policy == 'relay' and not (config.get('VIDEO_TURN_URLS') and config.get('VIDEO_TURN_SECRET')):
        raise RuntimeError('VIDEO_ICE_POLICY=relay needs VIDEO_TURN_URLS and VIDEO_TURN_SECRET')
