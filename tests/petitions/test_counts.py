"""Who counts: verified adults now (not minors, not unverified, not movers); a fixed number of queries."""

from datetime import date

import pytest

from consult.kernel.refusals import Refusal
from consult.petitions import operations
from consult.petitions import queries
from consult.petitions.models import PetitionSignature
from consult.residency import operations as residency
from consult.residency.models import MembershipStatus
from consult.rules.defaults import PETITION_THRESHOLD
from consult.rules.defaults import default_params
from consult.rules.engine import evaluate
from consult.rules.models import RuleSet
from tests.petitions.conftest import MINOR
from tests.petitions.conftest import households_of


def test_minors_and_unverified_residents_do_not_count(db, place, residents, petition):
    h = households_of(place.a)[0]
    adults = residents(h, 3)
    residents(h, 4, birth_date=MINOR)
    residents(h, 5, status=MembershipStatus.PENDING)
    residents(h, 6, status=MembershipStatus.ENDED)
    counts = queries.petition_counts(petition(place.a, adults[0]))
    assert counts[('adults', 'head')] == 3
    assert counts[('households', 'household')] == 1


def test_adulthood_is_judged_on_the_city_date(db, place, residents, petition):
    h = households_of(place.a)[0]
    starter = residents(h, 1)
    residents(h, 1, birth_date=date(2008, 3, 1))
    p = petition(place.a, starter[0])
    assert queries.petition_counts(p, day=date(2026, 2, 28))[('adults', 'head')] == 1
    assert queries.petition_counts(p, day=date(2026, 3, 1))[('adults', 'head')] == 2


def test_born_on_29_february_is_adult_on_1_march():
    assert queries.adult_cutoff(date(2026, 2, 28)) == date(2008, 2, 28)
    assert queries.adult_cutoff(date(2044, 2, 29)) == date(2026, 2, 28)


def test_minor_cannot_sign(db, place, make_resident, petition, english):
    minor = make_resident(households_of(place.a)[0], birth_date=MINOR)
    p = petition(place.a, minor.id)
    with pytest.raises(Refusal) as refusal:
        operations.sign(minor, p)
    assert refusal.value.rule.code == 'petition_right'


def test_unverified_and_other_community_residents_cannot_sign(db, place, make_user, make_resident, petition, english):
    outsider = make_resident(households_of(place.b)[0])
    p = petition(place.a, outsider.id)
    for user in (make_user(), outsider):
        with pytest.raises(Refusal):
            operations.sign(user, p)
    assert db.session.query(PetitionSignature).count() == 0


def test_a_signer_who_moves_keeps_the_signature_but_stops_counting(db, place, make_resident, petition, english):
    first, second = households_of(place.a)[0], households_of(place.a)[5]
    mover = make_resident(first)
    make_resident(second)
    p = petition(place.a, mover.id)
    # Count the signature directly so the threshold does not close the petition.
    db.session.add(
        PetitionSignature(petition_id=p.id, user_id=mover.id, household_id=first.id, building_id=first.building_id)
    )
    db.session.commit()
    assert queries.petition_counts(p)[('petitioners', 'head')] == 1
    claim = residency.claim_residence(mover, households_of(place.b)[0])
    if claim.status != MembershipStatus.VERIFIED:
        residency.verify(claim, None, 'staff')
    db.session.commit()
    counts = queries.petition_counts(p)
    assert counts[('petitioners', 'head')] == 0
    assert counts[('adults', 'head')] == 1
    assert db.session.query(PetitionSignature).filter_by(petition_id=p.id, withdrawn_at=None).count() == 1


def test_counts_take_a_fixed_number_of_queries(db, place, residents, petition, signatures, count_queries):
    households = households_of(place.a)
    few = residents(households[0], 3)
    p = petition(place.a, few[0])
    signatures(p, few)
    with count_queries() as small:
        queries.petition_counts(p)
    for h in households:
        signatures(p, residents(h, 20))
    with count_queries() as large:
        counts = queries.petition_counts(p)
    assert counts[('petitioners', 'head')] == 323
    assert small.count == large.count <= 2  # the aggregate, and reloading the committed petition


def test_old_rule_json_comparing_petitioners_with_groups_reads_as_groups_petitioning():
    old = default_params()
    old['petition'][2][0]['counted'] = 'petitioners'  # as the rule-sets migration stored version 1
    rules = RuleSet(params=old)
    threshold = queries.petition_threshold(rules)
    assert threshold == PETITION_THRESHOLD
    counts = {
        ('petitioners', 'head'): 1,
        ('adults', 'head'): 100,
        ('petitioners', 'household'): 2,
        ('households', 'household'): 100,
        ('groups', 'household'): 6,
        ('groups_petitioning', 'household'): 2,
    }
    assert evaluate(threshold, counts).met
    assert not evaluate(threshold, {**counts, ('groups_petitioning', 'household'): 1}).met


def test_the_default_rules_count_petitioning_groups():
    assert default_params()['petition'][2] == [
        {'counted': 'groups_petitioning', 'op': '>=', 'num': 1, 'den': 3, 'base': 'groups', 'by': 'household'}
    ]
