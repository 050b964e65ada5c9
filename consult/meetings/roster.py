"""The roster (一事一议一主体): built from criteria, completed by hand, frozen when the session opens."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.audit.operations import record
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import VOTING_AGE
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.residency.eligibility import is_verified_resident
from consult.residency.eligibility import voting_membership
from consult.residency.eligibility import voting_resident_criteria
from consult.residency.models import Membership
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.roles.permissions import has_role
from consult.security import clean_text
from consult.topics.models import AreaKind

from . import guards as g
from . import permissions as p
from .models import VOTING_KINDS
from .models import JoinRequest
from .models import JoinStatus
from .models import Participant
from .models import ParticipantKind
from .notices import notify_latecomers
from .operations import _require_manager
from .operations import _require_scheduled
from .record import log

MODES = ('adults', 'households', 'representatives')
REASON_MAX = 1000


def _area_filter(meeting, by_area: bool):
    """Eligible memberships (:func:`voting_resident_criteria`), in the topic's grids/buildings when ``by_area``."""
    topic = meeting.topic
    criteria = voting_resident_criteria(meeting.community_id)
    if by_area and topic.area_kind == AreaKind.GRIDS:
        criteria.append(Membership.grid_id.in_([grid.id for grid in topic.grids]))
    elif by_area and topic.area_kind == AreaKind.BUILDINGS:
        building_ids = [building.id for building in topic.buildings]
        criteria.append(
            Membership.household_id.in_(sa.select(Household.id).where(Household.building_id.in_(building_ids)))
        )
    return criteria


def candidates(meeting, mode: str, by_area: bool) -> list[tuple[int, int, str]]:
    """``(user_id, household_id, kind)`` of the people the criteria select (adults on the day it runs)."""
    if mode not in MODES:
        raise Refusal(_('Choose who is on the roster.'), g.ROSTER, code='bad_mode')
    rows = db.session.execute(
        sa.select(Membership.user_id, Membership.household_id)
        .join(User, User.id == Membership.user_id)
        .where(*_area_filter(meeting, by_area))
        .order_by(Membership.household_id, Membership.decided_at, Membership.user_id)
    ).all()
    representatives = set(
        db.session.scalars(
            sa.select(RoleGrant.user_id).where(
                RoleGrant.role == Role.REPRESENTATIVE,
                RoleGrant.community_id == meeting.community_id,
                RoleGrant.revoked_at.is_(None),
            )
        )
    )
    chosen, households = [], set()
    for user_id, household_id in rows:
        if user_id in representatives:
            chosen.append((user_id, household_id, ParticipantKind.REPRESENTATIVE))
        elif mode == 'adults':
            chosen.append((user_id, household_id, ParticipantKind.RESIDENT))
        elif mode == 'households' and household_id not in households:
            households.add(household_id)
            chosen.append((user_id, household_id, ParticipantKind.HOUSEHOLD_REP))
    return chosen


def build_from_criteria(actor, meeting, mode: str, by_area: bool) -> int:
    """Add everyone the criteria select who is not on the roster yet; return how many were added."""
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    present = set(db.session.scalars(sa.select(Participant.user_id).where(Participant.meeting_id == meeting.id)))
    rows = [
        {
            'meeting_id': meeting.id,
            'user_id': user_id,
            'kind': str(kind),
            'household_id': household_id,
            'organisation': '',
            'source': 'criteria',
            'added_by_id': actor.id,
            'added_at': utcnow(),
        }
        for user_id, household_id, kind in candidates(meeting, mode, by_area)
        if user_id not in present
    ]
    if rows:
        db.session.execute(sa.insert(Participant), rows)
        notify_latecomers(meeting, [row['user_id'] for row in rows])
    p.forget_participants(meeting)
    log(meeting, 'roster_built', actor, detail=f'{mode}{" area" if by_area else ""}: +{len(rows)}')
    record(actor, 'meeting.roster', community=meeting.community, meeting_id=meeting.id, mode=mode, added=len(rows))
    return len(rows)


def require_eligible(user, meeting) -> Membership:
    """Return the membership that lets ``user`` take part in a voting capacity, or refuse, naming the rule.

    The same criteria as :func:`candidates` (:func:`voting_resident_criteria`): whoever adds a person (the
    criteria, a request to join, staff), a voting participant is a verified resident aged 18 or over.
    """
    membership = voting_membership(user, meeting.community)
    if membership is not None:
        return membership
    if not is_verified_resident(user, meeting.community):
        raise Refusal(
            _('Only verified residents of this community take part as residents.'), g.ROSTER, code='not_resident'
        )
    raise Refusal(
        _("Only residents aged 18 or over take part in the meeting's deliberation and vote."),
        VOTING_AGE,
        code='under_age',
    )


#: Kinds added by hand, and the role the person must hold in the community (None: anyone).
_ROLE_FOR_KIND = {
    ParticipantKind.EXPERT: Role.EXPERT,
    ParticipantKind.DEPARTMENT: Role.DEPARTMENT,
    ParticipantKind.REPRESENTATIVE: Role.REPRESENTATIVE,
}


def add_participant(actor, meeting, user, kind: str, organisation: str = '', source: str = 'added') -> Participant:
    """Add one person in a capacity: a unit, a department, an expert, an observer, a resident."""
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    if kind not in set(ParticipantKind):
        raise Refusal(_('Choose the capacity the person takes part in.'), g.ROSTER, code='bad_kind')
    if user is None:
        raise Refusal(_('No account with that mobile number.'), g.ROSTER, code='no_user')
    role = _ROLE_FOR_KIND.get(ParticipantKind(kind))
    if role is not None and not has_role(user, role, meeting.community):
        raise Refusal(
            _('That person does not hold the role this capacity needs in this community.'), g.ROSTER, code='no_role'
        )
    household_id = None
    if kind in VOTING_KINDS:
        membership = require_eligible(user, meeting)
        if kind != ParticipantKind.REPRESENTATIVE:
            household_id = membership.household_id
    organisation = clean_text(organisation)
    if kind in (ParticipantKind.UNIT, ParticipantKind.DEPARTMENT) and not organisation:
        raise Refusal(_('Name the unit or department the person represents.'), g.ROSTER, code='no_organisation')
    if len(organisation) > 120:
        raise Refusal(_('The organisation name is too long.'), g.ROSTER, code='too_long')
    participant = Participant(
        meeting_id=meeting.id,
        user_id=user.id,
        kind=kind,
        household_id=household_id,
        organisation=organisation,
        source=source,
        added_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError as exc:
        raise Refusal(_('That person is already on the roster.'), g.ROSTER, code='duplicate') from exc
    notify_latecomers(meeting, [user.id])
    p.forget_participants(meeting)
    log(meeting, 'participant_added', actor, subject=user, detail=kind)
    return participant


def remove_participant(actor, meeting, participant, reason: str) -> None:
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    reason = require_reason(reason, _('Say why the person is taken off the roster.'))
    log(meeting, 'participant_removed', actor, subject=participant.user, detail=reason)
    record(
        actor,
        'meeting.roster_remove',
        community=meeting.community,
        subject=participant.user,
        reason=reason,
        meeting_id=meeting.id,
    )
    db.session.delete(participant)
    p.forget_participants(meeting)
    db.session.flush()


def request_to_join(actor, meeting, reason: str) -> JoinRequest:
    """A resident outside the criteria asks to take part (domain.md rule 9)."""
    if p.participant_of(actor, meeting) is not None:
        raise Refusal(_('You are already on the roster.'), g.ROSTER, code='duplicate')
    if meeting.frozen:
        raise Refusal(_('The roster is frozen: the session has opened.'), g.ROSTER, code='frozen')
    require_eligible(actor, meeting)
    reason = require_reason(reason, _('Say why you want to take part (your stake in the matter).'))
    if len(reason) > REASON_MAX:
        raise Refusal(_('The reason is too long.'), g.ROSTER, code='too_long')
    join = JoinRequest(meeting_id=meeting.id, user_id=actor.id, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(join)
    except IntegrityError as exc:
        raise Refusal(_('Your request is already waiting for the committee.'), g.ROSTER, code='duplicate') from exc
    return join


def decide_join(actor, join: JoinRequest, approve: bool, reason: str) -> JoinRequest:
    from .models import Meeting

    meeting = db.session.get(Meeting, join.meeting_id)
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    if join.status != JoinStatus.PENDING:
        raise Refusal(_('This request was already decided.'), g.ROSTER, code='duplicate')
    if approve:
        reason = clean_text(reason)
        add_participant(actor, meeting, join.user, ParticipantKind.RESIDENT, source='request')
    else:
        reason = require_reason(reason, _('Say why the request is refused.'))
    moved = db.session.execute(
        sa.update(JoinRequest)
        .where(JoinRequest.id == join.id, JoinRequest.status == JoinStatus.PENDING)
        .values(
            status=JoinStatus.APPROVED if approve else JoinStatus.REFUSED,
            decided_by_id=actor.id,
            decided_at=utcnow(),
            decision_reason=reason,
        )
    ).rowcount
    if moved != 1:
        raise Refusal(_('This request was already decided.'), g.ROSTER, code='duplicate')
    db.session.refresh(join)
    record(
        actor, 'meeting.join_decided', community=meeting.community, subject=join.user, reason=reason, approved=approve
    )
    return join


def set_name_public(actor, meeting, consent: bool) -> Participant:
    """A participant consents (or not) to be named in the published minutes and result (domain.md rule 43).

    The default is not to be named: the public record then shows their capacity only. The choice is theirs
    alone, until the chair signs the minutes off (the signed record is what is published).
    """
    participant = p.participant_of(actor, meeting)
    if participant is None:
        raise Refusal(_('You are not a participant of this meeting.'), g.NAMING, code='not_participant')
    if meeting.minutes_signed:
        raise Refusal(_('The minutes are signed: the published record stays as signed.'), g.NAMING, code='signed')
    db.session.execute(sa.update(Participant).where(Participant.id == participant.id).values(name_public=bool(consent)))
    db.session.refresh(participant)
    record(actor, 'meeting.naming', community=meeting.community, meeting_id=meeting.id, consent=bool(consent))
    return participant
