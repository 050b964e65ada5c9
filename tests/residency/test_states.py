"""The claim's state machine (consult/residency/states.py): decisions move a pending claim once."""

import pytest
import sqlalchemy as sa

from consult.kernel.actions import may
from consult.kernel.refusals import Refusal
from consult.residency import operations
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.states import MACHINE


def _pending(db, person, place):
    membership = operations.claim_residence(person(), place.households(place.a)[0])
    db.session.commit()
    assert membership.status == MembershipStatus.PENDING
    return membership


def _row(db, membership):
    return db.session.execute(
        sa.select(Membership.status, Membership.decided_at, Membership.decided_by_id).where(
            Membership.id == membership.id
        )
    ).one()


def test_who_decides_a_claim(db, person, place, staff):
    membership = _pending(db, person, place)
    claimant = membership.user
    assert may(staff, 'claim.verify', membership)
    assert may(staff, 'claim.reject', membership)
    assert not may(claimant, 'claim.verify', membership)
    assert may(claimant, 'claim.withdraw', membership)
    assert not may(staff, 'claim.withdraw', membership)


def test_a_decided_claim_is_refused_and_unchanged(db, person, place, staff, english):
    membership = _pending(db, person, place)
    operations.reject(membership, staff, 'Not at this address.')
    db.session.commit()
    before = _row(db, membership)
    assert before.status == MembershipStatus.REJECTED
    assert before.decided_by_id == staff.id
    for step in ('verify', 'withdraw'):
        with pytest.raises(Refusal) as refused:
            MACHINE.apply(membership, step, staff if step == 'verify' else membership.user)
        assert refused.value.code == 'wrong_state'
        db.session.rollback()
    assert _row(db, membership) == before


def test_a_claim_decided_meanwhile_is_refused_with_conflict(db, person, place, staff, english):
    membership = _pending(db, person, place)
    db.session.execute(
        sa.update(Membership).where(Membership.id == membership.id).values(status=MembershipStatus.WITHDRAWN),
        execution_options={'synchronize_session': False},
    )
    with pytest.raises(Refusal) as refused:
        operations.reject(membership, staff, 'Not at this address.')
    assert refused.value.code == 'conflict'
    assert refused.value.message == 'This claim has already been decided.'


def test_a_withdrawal_records_no_decider(db, person, place, english):
    membership = _pending(db, person, place)
    operations.withdraw(membership, membership.user)
    db.session.commit()
    row = _row(db, membership)
    assert row.status == MembershipStatus.WITHDRAWN
    assert row.decided_at is not None
    assert row.decided_by_id is None
