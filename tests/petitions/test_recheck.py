"""Residents moving re-check open petitions: counts use current residence, the denominator may shrink."""

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.notifications.models import Notification
from consult.petitions import queries
from consult.petitions import sweeps
from consult.petitions.models import PetitionStatus
from consult.residency import operations as residency
from consult.residency.hooks import batched
from tests.petitions.conftest import households_of


def _move(db, user_id, household):
    user = db.session.get(User, user_id)
    claim = residency.claim_residence(user, household)
    if claim.status != 'verified':
        residency.verify(claim, None, 'staff')
    db.session.commit()


@pytest.fixture
def one_short(db, place, residents, petition, signatures):
    """161 adults in community A; 32 petitioners in its first household: 32 * 5 = 160 < 161, one short.

    No other alternative is near: 1 of 16 households, 0 of 4 buildings petition.
    """
    households = households_of(place.a)
    crowd = residents(households[0], 41)
    others = {h.id: residents(h, 8) for h in households[1:]}
    p = petition(place.a, crowd[0])
    signatures(p, crowd[:32])
    assert not queries.petition_outcome(p, p.rule_set).met
    return p, crowd, others


def test_a_move_out_that_shrinks_the_denominator_meets_the_threshold(db, place, one_short):
    p, _crowd, others = one_short
    mover = others[households_of(place.a)[1].id][0]  # did not sign
    _move(db, mover, households_of(place.b)[0])
    db.session.refresh(p)
    assert queries.petition_counts(p)[('adults', 'head')] == 160
    assert p.status == PetitionStatus.THRESHOLD_MET
    assert p.met_at is not None
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(Notification.petition_id == p.id, Notification.kind == 'petition_met')
        )
        == 32
    )  # the starter is a signer: one notification each


def test_a_signer_moving_out_lowers_the_count_and_does_not_meet(db, place, one_short):
    p, crowd, _others = one_short
    _move(db, crowd[1], households_of(place.b)[0])  # a signer leaves: 31 of 160
    db.session.refresh(p)
    counts = queries.petition_counts(p)
    assert (counts[('petitioners', 'head')], counts[('adults', 'head')]) == (31, 160)
    assert p.status == PetitionStatus.OPEN


def test_a_move_within_the_community_is_rechecked_too(db, place, one_short):
    p, crowd, _others = one_short
    # A signer moves to another household of A: the count stays, nothing is met, nothing fails.
    _move(db, crowd[1], households_of(place.a)[15])
    db.session.refresh(p)
    assert queries.petition_counts(p)[('petitioners', 'head')] == 32
    assert p.status == PetitionStatus.OPEN


def test_a_met_petition_stays_met_when_signers_move_out(db, place, one_short):
    """Once the committee's duty to convene has arisen it stays (DESIGN): later moves do not undo it."""
    p, crowd, others = one_short
    _move(db, others[households_of(place.a)[1].id][0], households_of(place.b)[0])
    db.session.refresh(p)
    met_at = p.met_at
    for signer in crowd[1:6]:
        _move(db, signer, households_of(place.b)[1])
    db.session.refresh(p)
    assert queries.petition_counts(p)[('petitioners', 'head')] == 27
    assert not queries.petition_outcome(p, p.rule_set).met
    assert (p.status, p.met_at) == (PetitionStatus.THRESHOLD_MET, met_at)
    assert sweeps.recheck_community(place.a.id) == []


def test_a_roster_batch_rechecks_once_at_the_end(db, place, one_short):
    p, _crowd, others = one_short
    with batched():
        _move(db, others[households_of(place.a)[1].id][0], households_of(place.b)[0])
        db.session.refresh(p)
        assert p.status == PetitionStatus.OPEN  # not yet: the batch tells listeners when it ends
    db.session.refresh(p)
    assert p.status == PetitionStatus.THRESHOLD_MET


def test_a_roster_import_that_moves_a_resident_out_rechecks(db, place, one_short, make_user, grant):
    from consult.residency import roster
    from consult.roles.models import Role

    p, _crowd, others = one_short
    mover = db.session.get(User, others[households_of(place.a)[1].id][0])
    target = households_of(place.b)[0]
    claim = residency.claim_residence(mover, target)
    db.session.commit()
    assert claim.status == 'pending'
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.b)
    building = target.building
    csv = (
        '姓名,出生日期,网格,楼栋,户号\n'
        f'{mover.real_name},{mover.birth_date.isoformat()},{building.grid.name},{building.name},{target.number}\n'
    ).encode()
    imported = roster.import_roster(staff, place.b, 'roster.csv', csv, max_bytes=1_000_000)
    db.session.commit()
    assert imported.verified_count == 1
    db.session.refresh(p)
    assert p.status == PetitionStatus.THRESHOLD_MET
