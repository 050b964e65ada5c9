"""Read side: the counts a petition is judged on, and the list pages.

Every count comes from one aggregate query grouped by building (no per-resident loop); the per-building
rows are summed in Python, which also yields the residents' groups (buildings) that petition.
"""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import today
from consult.petitions.models import Petition
from consult.petitions.models import PetitionSignature
from consult.petitions.models import PetitionStatus
from consult.residency.eligibility import adult_cutoff
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.rules.engine import Outcome
from consult.rules.engine import Threshold
from consult.rules.engine import evaluate
from consult.topics.models import Topic
from consult.topics.models import TopicStatus

PAGE_SIZE = 20


def city_date(moment) -> date:
    """The calendar date of an aware ``moment`` in the city's time zone."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo('Asia/Shanghai')).date()


def petition_threshold(rule_set) -> Threshold:
    """The rule set's petition threshold, reading old JSON in today's terms.

    Version-1 rule sets written by the rule-sets migration compare ``petitioners`` with ``groups``; a group
    petitions as a whole, so that condition means ``groups_petitioning`` (compatibility shim).
    """
    rules = []
    for rule in rule_set.params['petition']:
        rows = []
        for condition in rule:
            if condition.get('counted') == 'petitioners' and condition.get('base') == 'groups':
                condition = {**condition, 'counted': 'groups_petitioning'}
            rows.append(condition)
        rules.append(rows)
    return Threshold.from_list(rules)


def petition_counts(petition, day: date | None = None) -> dict[tuple[str, str], int]:
    """Counts for the engine, from current verified adult memberships of the petition's community.

    :return: ``('petitioners'|'adults', 'head')``, ``('petitioners'|'households'|'groups'|'groups_petitioning',
        'household')``.
    """
    cutoff = adult_cutoff(day or today())
    signature = so.aliased(PetitionSignature)
    rows = db.session.execute(
        sa.select(
            Household.building_id,
            sa.func.count(sa.distinct(Membership.user_id)),
            sa.func.count(sa.distinct(Membership.household_id)),
            sa.func.count(sa.distinct(signature.user_id)),
            sa.func.count(sa.distinct(sa.case((signature.id.is_not(None), Membership.household_id)))),
        )
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Household, Household.id == Membership.household_id)
        .outerjoin(
            signature,
            sa.and_(
                signature.user_id == Membership.user_id,
                signature.petition_id == petition.id,
                signature.withdrawn_at.is_(None),
            ),
        )
        .where(
            Membership.community_id == petition.community_id,
            Membership.status == MembershipStatus.VERIFIED,
            User.birth_date <= cutoff,
        )
        .group_by(Household.building_id)
    ).all()
    counts = {
        ('adults', 'head'): 0,
        ('petitioners', 'head'): 0,
        ('households', 'household'): 0,
        ('petitioners', 'household'): 0,
        ('groups', 'household'): len(rows),
        ('groups_petitioning', 'household'): 0,
    }
    for _building, adults, households, petitioners, petitioning_households in rows:
        counts[('adults', 'head')] += adults
        counts[('petitioners', 'head')] += petitioners
        counts[('households', 'household')] += households
        counts[('petitioners', 'household')] += petitioning_households
        if petitioning_households * 2 > households:
            counts[('groups_petitioning', 'household')] += 1
    return counts


def petition_outcome(petition, rule_set, day: date | None = None) -> Outcome:
    return evaluate(petition_threshold(rule_set), petition_counts(petition, day))


def has_signed(petition, user) -> bool:
    if user is None or not getattr(user, 'is_authenticated', False):
        return False
    return (
        db.session.scalar(
            sa.select(PetitionSignature.id).where(
                PetitionSignature.petition_id == petition.id,
                PetitionSignature.user_id == user.id,
                PetitionSignature.withdrawn_at.is_(None),
            )
        )
        is not None
    )


def signer_ids(petition) -> list[int]:
    """Users with an active signature (for socket rooms; never shown publicly)."""
    return list(
        db.session.scalars(
            sa.select(PetitionSignature.user_id).where(
                PetitionSignature.petition_id == petition.id, PetitionSignature.withdrawn_at.is_(None)
            )
        )
    )


AGENDA_TOPICS = 100


def agenda_topics(community) -> list:
    """The community's newest public topics that went past drafting (choices for the meeting's agenda topic)."""
    return list(
        db.session.scalars(
            sa.select(Topic)
            .where(
                Topic.community_id == community.id,
                Topic.public.is_(True),
                Topic.status.not_in([TopicStatus.DRAFT, TopicStatus.WITHDRAWN]),
            )
            .order_by(Topic.created_at.desc(), Topic.id.desc())
            .limit(AGENDA_TOPICS)
        )
    )


def petitions_of(community, page: int):
    """A community's petitions, newest first, paginated."""
    return db.paginate(
        sa.select(Petition)
        .where(Petition.community_id == community.id)
        .options(so.selectinload(Petition.rule_set))
        .order_by(Petition.created_at.desc(), Petition.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def committee_queue(community_ids: set[int], page: int, per_page: int = PAGE_SIZE):
    """Met petitions waiting for a meeting, earliest deadline (so overdue) first, then open ones."""
    waiting = Petition.status == PetitionStatus.THRESHOLD_MET
    return db.paginate(
        sa.select(Petition)
        .where(
            Petition.community_id.in_(community_ids),
            Petition.status.in_([PetitionStatus.THRESHOLD_MET, PetitionStatus.OPEN]),
        )
        .options(so.joinedload(Petition.community), so.selectinload(Petition.rule_set))
        .order_by(sa.case((waiting, 0), else_=1), Petition.convene_due_at, Petition.created_at, Petition.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )
