"""Who may do what with a meeting. The same predicates guard routes and socket events."""

import functools

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import grants_held
from consult.roles.permissions import grants_joined
from consult.roles.permissions import hold_grants
from consult.roles.permissions import is_admin
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import can_view_topic
from consult.topics.permissions import topic_writable

from .models import CHAT_KINDS
from .models import Meeting
from .models import MeetingStatus
from .models import Participant

#: Topic states in which a meeting may be scheduled: a new round after deferral, a failed quorum, or a failed
#: legality check (RETURNED: opening the session takes the topic back into consultation), and the residents'
#: (representatives') meeting that votes on a matter the law reserves to it (PENDING_VOTE; reconvened after a
#: failed quorum).
SCHEDULABLE = frozenset(
    {
        TopicStatus.ANNOUNCED,
        TopicStatus.IN_CONSULTATION,
        TopicStatus.DEFERRED,
        TopicStatus.RETURNED,
        TopicStatus.PENDING_VOTE,
    }
)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def _holds(user, role: Role, meeting) -> bool:
    """``user`` holds ``role`` in the meeting's community (by its id: the community row is not read)."""
    return meeting.community_id in community_ids_for(user, role)


def participant_of(user, meeting) -> Participant | None:
    """The user's roster entry, if any (cached per request on the meeting object)."""
    if not _authenticated(user):
        return None
    cache = _entries(meeting)
    if user.id not in cache:
        cache[user.id] = db.session.scalar(_entry(), {'meeting': meeting.id, 'user': user.id})
    return cache[user.id]


#: Built once: read on every join and room event, where building it again cost a third of its time.
@functools.cache
def _entry():
    return sa.select(Participant).where(
        Participant.meeting_id == sa.bindparam('meeting'), Participant.user_id == sa.bindparam('user')
    )


def meeting_for(user, meeting_id: int):
    """The meeting, its topic's status and ``user``'s roster entry in one statement (a room's join), or ``None``.

    The topic comes with only its status (whether it is archived: ``topic_writable``); its other columns load if
    read. The entry is kept for the predicates below, as ``participant_of`` keeps it. When this request or socket
    does not hold the user's role grants yet (a join), they come in the same statement and are kept as the
    roles context keeps what it reads.
    """
    with_grants = not grants_held(user)
    statement = _meeting_and_grants() if with_grants else _meeting_for()
    rows = db.session.execute(statement, {'meeting': meeting_id, 'user': user.id}).all()
    if not rows:
        return None
    meeting, participant = rows[0][0], rows[0][1]
    _entries(meeting)[user.id] = participant
    if with_grants:
        hold_grants(user, [row[2] for row in rows if row[2] is not None])
    return meeting


def _entries(meeting) -> dict:
    """Roster entries read for ``meeting`` in this request, by user id (``None``: not on the roster)."""
    return meeting.__dict__.setdefault('_participant_cache', {})


@functools.cache
def _meeting_for():
    return (
        sa.select(Meeting, Participant)
        .join(Meeting.topic)
        .outerjoin(
            Participant, sa.and_(Participant.meeting_id == Meeting.id, Participant.user_id == sa.bindparam('user'))
        )
        .where(Meeting.id == sa.bindparam('meeting'))
        .options(so.contains_eager(Meeting.topic).load_only(Topic.status))
    )


@functools.cache
def _meeting_and_grants():
    return grants_joined(_meeting_for(), sa.bindparam('user'))


def forget_participants(meeting) -> None:
    meeting.__dict__.pop('_participant_cache', None)


def can_prepare(user, community) -> bool:
    """Committee staff and director of the community prepare its meetings (domain.md (b) table)."""
    return _authenticated(user) and can_review(user, community)


def can_manage(user, meeting) -> bool:
    if not topic_writable(meeting.topic):
        return False
    return can_prepare(user, meeting.community)


def may_open(user, meeting) -> bool:
    """The chair or the committee opens the session."""
    if not topic_writable(meeting.topic):
        return False
    return is_chair(user, meeting) or can_manage(user, meeting)


def is_chair(user, meeting) -> bool:
    return _authenticated(user) and user.id == meeting.chair_id


def is_secretary(user, meeting) -> bool:
    return _authenticated(user) and user.id == meeting.secretary_id


def is_supervisor(user, meeting) -> bool:
    """The residents' affairs supervisory committee may attend every meeting (read-only)."""
    return _authenticated(user) and _holds(user, Role.SUPERVISORY_COMMITTEE, meeting)


def can_view_meeting(user, meeting) -> bool:
    """The meeting page (time, place, agenda, outcome) is as public as its topic."""
    return can_view_topic(user, meeting.topic)


def is_deputy_observer(user, meeting) -> bool:
    """NPC deputies of the community attend its meetings as observers (列席, domain.md rule 38), roster or not;
    they never vote (the electorate is the roster's voting kinds) and speak only when given the floor."""
    return _authenticated(user) and _holds(user, Role.NPC_DEPUTY, meeting)


def can_enter_room(user, meeting) -> bool:
    """The live room: the roster, the chair and secretary, the committee, the supervisory committee and the
    community's NPC deputies (observers)."""
    if not _authenticated(user) or meeting.status == MeetingStatus.CANCELLED:
        return False
    return (
        participant_of(user, meeting) is not None
        or is_chair(user, meeting)
        or is_secretary(user, meeting)
        or can_manage(user, meeting)
        or is_supervisor(user, meeting)
        or is_deputy_observer(user, meeting)
        or is_admin(user)
    )


def moderates(user, meeting) -> bool:
    """The chair runs the room: floor, agenda, muting, hiding (the committee director may stand in)."""
    if not topic_writable(meeting.topic):
        return False
    return is_chair(user, meeting) or (_authenticated(user) and _holds(user, Role.COMMITTEE_DIRECTOR, meeting))


def chats_by_right(user, meeting) -> bool:
    """The chair, the secretary and participants whose capacity lets them speak freely (not observers)."""
    if is_chair(user, meeting) or is_secretary(user, meeting):
        return True
    participant = participant_of(user, meeting)
    return participant is not None and participant.kind in CHAT_KINDS


def may_chat(user, meeting, holds_floor: bool = False) -> bool:
    """Participants chat by their kind's rights; observers only while they hold the floor (列席); not when muted."""
    if not topic_writable(meeting.topic):
        return False
    participant = participant_of(user, meeting)
    if participant is not None and participant.muted_at is not None:
        return False
    if chats_by_right(user, meeting):
        return True
    return participant is not None and holds_floor


def may_raise_hand(user, meeting) -> bool:
    if not topic_writable(meeting.topic):
        return False
    return participant_of(user, meeting) is not None


def may_write_minutes(user, meeting) -> bool:
    if not topic_writable(meeting.topic):
        return False
    return is_secretary(user, meeting)


def may_request_to_join(user, meeting) -> bool:
    """Residents eligible for the roster (verified, 18 or over) who are not on it, before it freezes."""
    if not topic_writable(meeting.topic):
        return False
    from consult.residency.eligibility import voting_membership

    return (
        _authenticated(user)
        and not meeting.frozen
        and participant_of(user, meeting) is None
        and voting_membership(user, meeting.community) is not None
    )


def chairs_meeting_of(user, topic) -> bool:
    from .models import Meeting

    return _authenticated(user) and bool(
        db.session.scalar(
            sa.select(sa.func.count(Meeting.id)).where(Meeting.topic_id == topic.id, Meeting.chair_id == user.id)
        )
    )


def can_schedule(user, topic) -> bool:
    """``meeting.schedule``, asked of a topic: the committee, on an announced topic or one in consultation."""
    if not topic_writable(topic):
        return False
    return topic.status in SCHEDULABLE and can_prepare(user, topic.community)


def may_prepare(user, meeting) -> bool:
    """Roster, materials, notice: the committee, while the meeting is scheduled (not yet open)."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.status == MeetingStatus.SCHEDULED and can_manage(user, meeting)


def may_enter(user, meeting) -> bool:
    """The live room of a meeting ahead or in session, for those who may enter it."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.ahead_or_in_session and can_enter_room(user, meeting)


def may_show_code(user, meeting) -> bool:
    """The rotating sign-in code: the committee, the chair and the secretary, while sign-in is in use."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.ahead_or_in_session and (
        can_manage(user, meeting) or is_chair(user, meeting) or is_secretary(user, meeting)
    )


def may_mark_present(user, meeting) -> bool:
    """Committee staff mark people present from the roster of a meeting ahead or in session."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.ahead_or_in_session and can_manage(user, meeting)


def may_check_in(user, meeting) -> bool:
    """A participant signs in by the room's code while sign-in is open."""
    if not topic_writable(meeting.topic):
        return False
    from consult.kernel.clock import utcnow

    from .queries import sign_in_open

    return participant_of(user, meeting) is not None and sign_in_open(meeting, utcnow())


def minutes_editable(meeting) -> bool:
    """Minutes are written from the opening of the session until the chair signs them off."""
    return meeting.held and not meeting.minutes_signed


def may_minute(user, meeting) -> bool:
    """The secretary writes the minutes while the session is open and after it closed, until they are signed."""
    if not topic_writable(meeting.topic):
        return False
    return minutes_editable(meeting) and may_write_minutes(user, meeting)


def keeps_record(user, meeting) -> bool:
    """The secretary and whoever moderates the room (the chair, the committee director standing in)."""
    return is_secretary(user, meeting) or moderates(user, meeting)


def may_sign_minutes(user, meeting) -> bool:
    """The chair signs the minutes off once the session is closed, once."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.status == MeetingStatus.CLOSED and not meeting.minutes_signed and moderates(user, meeting)


def may_correct_minutes(user, meeting) -> bool:
    """The secretary or the chair appends a correction to signed minutes (they are never edited)."""
    if not topic_writable(meeting.topic):
        return False
    return meeting.minutes_signed and keeps_record(user, meeting)


def may_say(user, meeting) -> bool:
    """Chat in the room of an open session (observers while they hold the floor; not when muted)."""
    if not topic_writable(meeting.topic):
        return False
    if not (meeting.in_session and can_enter_room(user, meeting)):
        return False
    participant = participant_of(user, meeting)
    holds_floor = False
    if participant is not None and participant.kind == 'observer':
        from .queries import current_speaker

        speaker = current_speaker(meeting)
        holds_floor = speaker is not None and speaker.user_id == user.id
    return may_chat(user, meeting, holds_floor=holds_floor)
