"""The three alternatives of S1 art 10, each at its exact boundary, counted from current verified adults."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.petitions import operations
from consult.petitions import queries
from consult.petitions.models import PetitionStatus
from consult.rules.queries import rules_in_force
from tests.petitions.conftest import households_of


def _user(db, user_id):
    from consult.accounts.models import User

    return db.session.get(User, user_id)


def test_adults_alternative_200_of_1000_meets_199_does_not(db, place, residents, petition, signatures):
    households = households_of(place.a)  # 16 households in 4 buildings
    sizes = [70, 70, 70] + [60] * 10 + [63, 63, 64]
    ids = {h.id: residents(h, n) for h, n in zip(households, sizes, strict=True)}
    pool = ids[households[0].id] + ids[households[1].id] + ids[households[2].id]
    p = petition(place.a, pool[0])
    signatures(p, pool[:199])
    counts = queries.petition_counts(p)
    assert counts[('adults', 'head')] == 1000
    assert counts[('petitioners', 'head')] == 199
    assert counts[('petitioners', 'household')] == 3  # 4 of 16 needed
    assert counts[('groups_petitioning', 'household')] == 1  # 2 of 4 needed
    assert not operations.check_threshold(p)
    assert p.status == PetitionStatus.OPEN

    operations.sign(_user(db, pool[199]), p)
    db.session.commit()
    assert p.status == PetitionStatus.THRESHOLD_MET
    rules = rules_in_force(place.a, date.today())
    assert p.met_rule_set_id == rules.id
    assert p.convene_due_at == p.met_at + timedelta(days=rules.number('review_deadline_days'))
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == 'petition.met')) == 1


def test_households_alternative_4_of_16_meets_3_does_not(db, place, residents, petition, signatures):
    households = households_of(place.a)
    ids = {h.id: residents(h, 10) for h in households}  # 160 adults: 32 heads needed
    # One petitioner in the first household of each building: no building has more than half.
    first = [ids[households[i].id][0] for i in (0, 4, 8, 12)]
    p = petition(place.a, first[0])
    signatures(p, first[:3])
    outcome = queries.petition_outcome(p, rules_in_force(place.a, date.today()))
    households_result = outcome.results[1][0]
    assert (households_result.counted, households_result.base, households_result.required) == (3, 16, 4)
    assert not outcome.met
    operations.sign(_user(db, first[3]), p)
    assert p.status == PetitionStatus.THRESHOLD_MET


def test_groups_alternative_2_of_6_buildings_meets_1_does_not(db, shaped_community, residents, petition, signatures):
    community = shaped_community(1, 1, 10, 10, 10, 10)  # 42 households: 9 needed; 6 groups: 2 needed
    households = households_of(community)
    ids = {h.id: residents(h, 3) for h in households}  # 126 adults: 26 needed
    p = petition(community, ids[households[0].id][0])
    signatures(p, [ids[households[0].id][0]])
    counts = queries.petition_counts(p)
    assert counts[('groups', 'household')] == 6
    assert counts[('groups_petitioning', 'household')] == 1
    assert not operations.check_threshold(p)
    operations.sign(_user(db, ids[households[1].id][0]), p)
    assert p.status == PetitionStatus.THRESHOLD_MET
    counts = queries.petition_counts(p)
    assert (counts[('petitioners', 'head')], counts[('petitioners', 'household')]) == (2, 2)


def test_a_building_petitions_only_with_more_than_half_of_its_households(
    db, shaped_community, residents, petition, signatures
):
    community = shaped_community(2, 3, 4)
    households = households_of(community)
    ids = {h.id: residents(h, 1) for h in households[:5]}  # the third building's households have no adults
    residents(households[5], 2, birth_date=date(2015, 1, 1))  # minors do not make a household eligible
    p = petition(community, ids[households[0].id][0])
    signers = [ids[households[i].id][0] for i in (0, 2, 3)]  # 1 of 2 households; 2 of 3 households
    signatures(p, signers)
    counts = queries.petition_counts(p)
    assert counts[('groups', 'household')] == 2
    assert counts[('households', 'household')] == 5
    assert counts[('groups_petitioning', 'household')] == 1
