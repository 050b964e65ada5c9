"""Read-side queries for residence pages; each list page is a fixed number of queries."""

from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.communities.models import Building
from consult.communities.models import Grid
from consult.communities.models import Household
from consult.db import db
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus

PAGE_SIZE = 20


def memberships_of(user) -> list[Membership]:
    """The user's claims, newest first, with their households loaded."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.user_id == user.id)
            .options(
                so.joinedload(Membership.household).joinedload(Household.building).joinedload(Building.grid),
                so.joinedload(Membership.community),
            )
            .order_by(Membership.claimed_at.desc(), Membership.id.desc())
        ).unique()
    )


def pending_claims(community_ids: set[int], page: int, per_page: int = PAGE_SIZE):
    """Pending claims in the given communities, oldest first, paginated."""
    return db.paginate(
        sa.select(Membership)
        .where(Membership.community_id.in_(community_ids), Membership.status == MembershipStatus.PENDING)
        # selectinload, not joinedload: the page query stays on memberships alone (sort + LIMIT on one
        # table), and the 20 shown rows' people and addresses come in two small IN queries.
        .options(
            so.selectinload(Membership.user),
            so.selectinload(Membership.community),
            so.selectinload(Membership.household).joinedload(Household.building).joinedload(Building.grid),
        )
        .order_by(Membership.claimed_at, Membership.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def buildings_of(community_id: int) -> list[Building]:
    return list(
        db.session.scalars(
            sa.select(Building)
            .join(Building.grid)
            .where(Grid.community_id == community_id)
            .options(so.contains_eager(Building.grid))
            .order_by(Grid.name, Building.name)
        )
    )


def households_of(building_id: int) -> list[Household]:
    return list(
        db.session.scalars(sa.select(Household).where(Household.building_id == building_id).order_by(Household.number))
    )


class Standing(NamedTuple):
    """Where a person stands as a resident of one community, for pages that say why a step is missing."""

    verified_here: bool
    pending: bool  # a claim waits for review
    verified_elsewhere: bool


def residence_standing(user, community) -> Standing:
    """Where ``user`` stands as a resident of ``community`` (two columns of their current claims, one query)."""
    if user is None or not getattr(user, 'is_authenticated', False):
        return Standing(False, False, False)
    rows = db.session.execute(
        sa.select(Membership.community_id, Membership.status).where(
            Membership.user_id == user.id,
            Membership.status.in_([MembershipStatus.VERIFIED, MembershipStatus.PENDING]),
        )
    ).all()
    verified = {c for c, s in rows if s == MembershipStatus.VERIFIED}
    return Standing(
        verified_here=community.id in verified,
        pending=any(s == MembershipStatus.PENDING for _c, s in rows),
        verified_elsewhere=bool(verified - {community.id}),
    )
