"""Fixtures for petition tests: residents inserted in bulk, custom-shaped communities, petitions."""

from datetime import date
from itertools import count

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from consult.accounts.models import User
from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Grid
from consult.communities.models import Household
from consult.petitions.models import Petition
from consult.petitions.models import PetitionSignature
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.rules.operations import ensure_initial_rules
from consult.rules.queries import rules_in_force
from tests import support

_mobiles = count(1)
ADULT = date(1980, 1, 1)
MINOR = date(2015, 1, 1)


@pytest.fixture
def english(db):
    with force_locale('en'):
        yield


@pytest.fixture
def residents(db):
    """Factory: ``residents(household, n, birth_date=ADULT, status='verified')`` bulk-inserts users with
    memberships of ``household`` in two statements (plus one to read their ids); returns the user ids."""

    def make(household, n, birth_date=ADULT, status=MembershipStatus.VERIFIED):
        mobiles = [f'17{next(_mobiles):09d}' for _ in range(n)]
        db.session.execute(
            sa.insert(User),
            [
                {
                    'mobile': m,
                    'password_hash': support.password_hash(),
                    'display_name': f'签名人{m[-4:]}',
                    'real_name': f'签名{m}',
                    'birth_date': birth_date,
                }
                for m in mobiles
            ],
        )
        ids = list(db.session.scalars(sa.select(User.id).where(User.mobile.in_(mobiles)).order_by(User.id)))
        building = db.session.get(Building, household.building_id)
        grid = db.session.get(Grid, building.grid_id)
        db.session.execute(
            sa.insert(Membership),
            [
                {
                    'user_id': user_id,
                    'household_id': household.id,
                    'community_id': grid.community_id,
                    'grid_id': grid.id,
                    'status': status,
                    'method': 'staff',
                }
                for user_id in ids
            ],
        )
        db.session.commit()
        return ids

    return make


@pytest.fixture
def shaped_community(db, place):
    """Factory: a community whose buildings have the given numbers of households, with default rules."""
    seq = count(1)

    def make(*households_per_building):
        n = next(seq)
        community = Community(central_community=place.central, name=f'形状社区{n}', code=f'shape{n}-{place.a.code}')
        grid = Grid(community=community, name='网格')
        for b, size in enumerate(households_per_building):
            building = Building(grid=grid, name=f'{b + 1}幢')
            for h in range(size):
                building.households.append(Household(number=f'{h + 1:03d}'))
        db.session.add(community)
        db.session.flush()
        ensure_initial_rules(community, date(2023, 9, 25))
        db.session.commit()
        return community

    return make


def households_of(community):
    return [h for grid in community.grids for b in grid.buildings for h in b.households]


@pytest.fixture
def petition(db):
    """Factory: an open petition in ``community`` (started by ``starter``, no signature yet)."""

    def make(community, starter_id, title='Repair the lift'):
        row = Petition(
            community_id=community.id,
            title=title,
            matter='The lift has been broken for a month.',
            started_by_id=starter_id,
            rule_set_id=rules_in_force(community, date.today()).id,
        )
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def signatures(db):
    """Factory: ``signatures(petition, user_ids)`` bulk-inserts active signatures with current households."""

    def make(petition, user_ids):
        rows = db.session.execute(
            sa.select(Membership.user_id, Membership.household_id, Household.building_id)
            .join(Household, Household.id == Membership.household_id)
            .where(Membership.user_id.in_(user_ids), Membership.status == MembershipStatus.VERIFIED)
        ).all()
        db.session.execute(
            sa.insert(PetitionSignature),
            [{'petition_id': petition.id, 'user_id': u, 'household_id': h, 'building_id': b} for u, h, b in rows],
        )
        db.session.commit()

    return make
