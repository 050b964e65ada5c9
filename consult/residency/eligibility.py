"""Eligibility is computed, never typed: age from the birth date, residence from verified membership."""

from datetime import date

import sqlalchemy as sa

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import today
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus

#: Voting age. Source: Urban Residents Committee Organisation Law arts 8-9 (domain.md (c) ``min_voter_age``).
MIN_VOTER_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on ``day`` (a person born on 29 February turns a year older on 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def adult_cutoff(day: date, min_age: int = MIN_VOTER_AGE) -> date:
    """The latest birth date of someone ``min_age`` or older on ``day``: ``is_adult`` as a SQL bound.

    A person born on 29 February comes of age on 1 March in common years, as :func:`age_on` says.
    """
    try:
        return day.replace(year=day.year - min_age)
    except ValueError:  # ``day`` is 29 February and the cutoff year is not a leap year
        return day.replace(year=day.year - min_age, day=28)


def is_adult(user, day: date | None = None, min_age: int = MIN_VOTER_AGE) -> bool:
    """Return whether ``user`` is at least ``min_age`` on ``day`` (today, China time, by default)."""
    day = day or today()
    return age_on(user.birth_date, day) >= min_age


def active_membership(user) -> Membership | None:
    """Return the user's verified, unended membership, if any."""
    if user is None or not getattr(user, 'is_authenticated', False):
        return None
    return db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.status == MembershipStatus.VERIFIED)
    )


def is_verified_resident(user, community) -> bool:
    """Return whether ``user`` is a verified resident of ``community`` now."""
    membership = active_membership(user)
    return membership is not None and membership.community_id == community.id


def can_take_part(user, community) -> bool:
    """Residents take part (propose, co-sign, comment) once their residence is verified."""
    return is_verified_resident(user, community)


def voting_resident_criteria(community_id: int, day: date | None = None) -> list:
    """THE test of who takes part in a meeting as a resident (domain.md rule 10), as SQL criteria on
    :class:`Membership` joined to the user: a verified resident of the community, 18 or older on ``day``.

    Every path onto a meeting's roster in a voting capacity applies it: building from criteria, a request to
    join, an addition by staff (see :func:`consult.meetings.roster.require_eligible`).
    """
    return [
        Membership.community_id == community_id,
        Membership.status == MembershipStatus.VERIFIED,
        User.birth_date <= adult_cutoff(day or today()),
    ]


def voting_membership(user, community, day: date | None = None) -> Membership | None:
    """The membership that makes ``user`` eligible under :func:`voting_resident_criteria`, or ``None``."""
    if user is None or not getattr(user, 'is_authenticated', False):
        return None
    return db.session.scalar(
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.user_id == user.id, *voting_resident_criteria(community.id, day))
    )


def can_vote(user, community, day: date | None = None) -> bool:
    """Residents vote when verified in the community and 18 or older on ``day``."""
    return is_verified_resident(user, community) and is_adult(user, day)
