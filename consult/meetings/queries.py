"""Reading meetings: rosters, the sign-in sheet, the room's state, presence and badges."""

from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.rules.queries import rules_in_force

from .models import Attendance
from .models import JoinRequest
from .models import JoinStatus
from .models import LiveMessage
from .models import Meeting
from .models import MeetingEvent
from .models import MeetingStatus
from .models import Participant
from .models import Presence
from .models import SpeakerTurn
from .models import TurnStatus

#: A socket that has not been seen for this long is no longer present (its process may have died).
PRESENCE_TTL = timedelta(seconds=90)
#: Names in a presence list (the join answer, every push, ``meeting:presence``): the first arrivals, the rest
#: counted. One length everywhere, so a push's digest of its names describes the whole list a page shows.
PRESENCE_NAMES_MAX = 50
#: (meeting id, user id) -> badge; safe to keep because the roster is frozen once the room opens.
_badges: dict[tuple[int, int], str] = {}


def rules_for(meeting):
    """The rule set the meeting is judged under: frozen at opening, else the one in force today."""
    return meeting.rule_set or rules_in_force(meeting.community, today())


def roster_size(meeting) -> int:
    return db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.meeting_id == meeting.id))


def roster_page(meeting, page: int, per_page: int = 50):
    return db.paginate(
        sa.select(Participant)
        .where(Participant.meeting_id == meeting.id)
        .order_by(Participant.kind, Participant.id)
        .options(so.selectinload(Participant.user)),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def attended_ids(meeting, user_ids) -> dict[int, Attendance]:
    rows = db.session.scalars(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id.in_(list(user_ids)))
    )
    return {row.user_id: row for row in rows}


def attendance_sheet(meeting, page: int, per_page: int = 100):
    return db.paginate(
        sa.select(Attendance)
        .where(Attendance.meeting_id == meeting.id)
        .order_by(Attendance.at, Attendance.id)
        .options(so.selectinload(Attendance.user)),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def pending_requests(meeting) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .where(JoinRequest.meeting_id == meeting.id, JoinRequest.status == JoinStatus.PENDING)
            .order_by(JoinRequest.created_at)
            .options(so.selectinload(JoinRequest.user))
        )
    )


def own_request(meeting, user) -> JoinRequest | None:
    return db.session.scalar(
        sa.select(JoinRequest)
        .where(JoinRequest.meeting_id == meeting.id, JoinRequest.user_id == user.id)
        .order_by(JoinRequest.created_at.desc())
        .limit(1)
    )


def meetings_of(topic) -> list[Meeting]:
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.topic_id == topic.id).order_by(Meeting.starts_at)))


def timeline(meeting) -> list[MeetingEvent]:
    return list(
        db.session.scalars(
            sa.select(MeetingEvent)
            .where(MeetingEvent.meeting_id == meeting.id)
            .order_by(MeetingEvent.at, MeetingEvent.id)
            .options(so.selectinload(MeetingEvent.actor), so.selectinload(MeetingEvent.subject))
        )
    )


def transcript_page(meeting, page: int, per_page: int = 200):
    return db.paginate(
        sa.select(LiveMessage)
        .where(LiveMessage.meeting_id == meeting.id)
        .order_by(LiveMessage.seq)
        .options(so.selectinload(LiveMessage.author)),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def badge_of(meeting_id: int, user_id: int) -> str:
    key = (meeting_id, user_id)
    if key not in _badges:
        meeting = db.session.get(Meeting, meeting_id)
        badges = badges_for(meeting, [user_id])
        if not meeting.frozen:
            return badges[user_id]
        if len(_badges) > 100_000:
            _badges.clear()
        _badges[key] = badges[user_id]
    return _badges[key]


def badges_for(meeting, user_ids) -> dict[int, str]:
    """The badge shown next to each person: chair, secretary, their roster capacity, or staff."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    kinds = dict(
        db.session.execute(
            sa.select(Participant.user_id, Participant.kind).where(
                Participant.meeting_id == meeting.id, Participant.user_id.in_(user_ids)
            )
        ).all()
    )
    return {user_id: badge_in(meeting, user_id, kinds.get(user_id)) for user_id in user_ids}


def badge_in(meeting, user_id: int, kind: str | None) -> str:
    """The badge of a person whose roster capacity is ``kind`` (``None``: not on the roster)."""
    if user_id == meeting.chair_id:
        return 'chair'
    if user_id == meeting.secretary_id:
        return 'secretary'
    return kind or 'staff'


def presence(meeting, limit: int = PRESENCE_NAMES_MAX) -> tuple[int, list[dict]]:
    """Distinct people in the room now, across every server process: how many, and the first ``limit`` by arrival.

    One statement: the count of people is a window over the grouped rows, so a room of a thousand sends back
    ``limit`` rows, not a thousand.
    """
    since = utcnow() - PRESENCE_TTL
    first_seen = sa.func.min(Presence.seen_at)
    rows = db.session.execute(
        sa.select(Presence.user_id, User.display_name, sa.func.count().over())
        .join(User, User.id == Presence.user_id)
        .where(Presence.meeting_id == meeting.id, Presence.seen_at >= since)
        .group_by(Presence.user_id, User.display_name)
        .order_by(first_seen, Presence.user_id)
        .limit(limit)
    ).all()
    badges = badges_for(meeting, [row[0] for row in rows])
    people = [{'id': uid, 'name': name, 'badge': badges[uid]} for uid, name, _total in rows]
    return (rows[0][2] if rows else 0), people


def _person(user, meeting_badges) -> dict:
    return {'id': user.id, 'name': user.display_name, 'badge': meeting_badges.get(user.id, 'staff')}


def room_state(meeting) -> dict:
    """Everything a client needs to draw the room: agenda item and timer, speaker, queue, mutes."""
    turns = list(
        db.session.scalars(
            sa.select(SpeakerTurn)
            .where(
                SpeakerTurn.meeting_id == meeting.id,
                SpeakerTurn.status.in_([TurnStatus.WAITING, TurnStatus.SPEAKING]),
            )
            .order_by(SpeakerTurn.raised_at, SpeakerTurn.id)
            .options(so.selectinload(SpeakerTurn.user))
        )
    )
    badges = badges_for(meeting, [t.user_id for t in turns])
    speaker = next((t for t in turns if t.status == TurnStatus.SPEAKING), None)
    item = meeting.current_item
    muted = list(
        db.session.scalars(
            sa.select(Participant.user_id).where(
                Participant.meeting_id == meeting.id, Participant.muted_at.is_not(None)
            )
        )
    )
    return {
        'meeting': meeting.id,
        'status': str(meeting.status),
        'seq': meeting.last_seq,
        'item': None
        if item is None
        else {
            'id': item.id,
            'title': item.title,
            'position': item.position,
            'started_at': item.started_at.isoformat() if item.started_at else None,
            'ends_at': (item.started_at + timedelta(minutes=item.minutes)).isoformat() if item.started_at else None,
        },
        'speaker': None
        if speaker is None
        else {**_person(speaker.user, badges), 'ends_at': speaker.ends_at.isoformat()},
        'queue': [_person(t.user, badges) for t in turns if t.status == TurnStatus.WAITING],
        'muted': muted,
        'server_now': utcnow().isoformat(),
    }


def _mine_clause(user):
    """Meetings ``user`` is on the roster of, chairs, records, or prepares as committee."""
    from consult.roles.models import Role
    from consult.roles.permissions import community_ids_for

    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    on_roster = sa.select(Participant.meeting_id).where(Participant.user_id == user.id)
    return sa.or_(
        Meeting.id.in_(on_roster),
        Meeting.chair_id == user.id,
        Meeting.secretary_id == user.id,
        Meeting.community_id.in_(committee),
    )


def in_session_for(user, limit: int = 10) -> list[Meeting]:
    """Meetings in session that ``user`` takes part in or runs, the earliest started first (one statement)."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(_mine_clause(user), Meeting.status == MeetingStatus.OPEN)
            .options(so.joinedload(Meeting.community))
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def upcoming_for(user, per_page: int = 5):
    """Scheduled meetings of ``user``, the soonest first (a count and a page)."""
    return db.paginate(
        sa.select(Meeting)
        .where(_mine_clause(user), Meeting.status == MeetingStatus.SCHEDULED)
        .options(so.joinedload(Meeting.community))
        .order_by(Meeting.starts_at, Meeting.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )


def mine_page(user, page: int, per_page: int = 20):
    """Meetings ``user`` takes part in, chairs or records, or prepares as committee: in session first, then
    the next ones, then the past."""
    order = sa.case({'open': 0, 'scheduled': 1}, value=Meeting.status, else_=2)
    return db.paginate(
        sa.select(Meeting)
        .where(_mine_clause(user))
        .order_by(order, sa.case((order < 2, Meeting.starts_at), else_=None), Meeting.starts_at.desc(), Meeting.id)
        .options(so.selectinload(Meeting.topic), so.selectinload(Meeting.community)),
        page=page,
        per_page=per_page,
        error_out=False,
    )


#: Sign-in opens this long before a meeting starts (people arrive early).
EARLY = timedelta(hours=2)


def sign_in_open(meeting, now: datetime) -> bool:
    """Whether people may sign in: while the session is open, and from ``EARLY`` before it starts."""
    if meeting.status == MeetingStatus.OPEN:
        return True
    return meeting.status == MeetingStatus.SCHEDULED and now >= meeting.starts_at - EARLY


def current_speaker(meeting) -> SpeakerTurn | None:
    """The turn of whoever holds the floor now, if anyone."""
    return db.session.scalar(
        sa.select(SpeakerTurn).where(SpeakerTurn.meeting_id == meeting.id, SpeakerTurn.status == TurnStatus.SPEAKING)
    )
