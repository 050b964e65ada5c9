"""Two steps racing on one row on PostgreSQL: the kernel's conditional UPDATE lets exactly one win.

Like ``tests/petitions/test_concurrency.py``: the rows are committed for real, each thread has its own app
context, session and connection, and every row the test made is deleted afterwards. Skipped on SQLite (one
writer: nothing can race).
"""

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.kernel.transitions import StateMachine
from consult.kernel.transitions import Transition
from consult.residency import operations
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus as S
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.web import attempt
from tests import support

URL = os.environ.get('TEST_DATABASE_URL', '')
pytestmark = pytest.mark.skipif(
    not support.is_postgres(URL), reason='needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer'
)
RACERS = 6


def _setup(app) -> tuple[int, int, int]:
    """A pending claim in community A and a committee staff member; returns (claim, claimant, staff) ids."""
    with app.app_context():
        session = _db.session
        place = support.build_place(session, suffix='krace')
        session.commit()
        session.expire_all()
        household = place.households(place.a)[0]
        people = []
        for n in range(2):
            user = User(
                mobile=f'1675{n:07d}',
                password_hash=support.password_hash(),
                display_name=f'竞态{n}',
                real_name=f'竞态{n}',
                birth_date=date(1980, 1, 1),
            )
            session.add(user)
            people.append(user)
        session.flush()
        claimant, staff = people
        session.add(RoleGrant(user_id=staff.id, role=str(Role.COMMITTEE_STAFF), reason='test', community_id=place.a.id))
        claim = Membership(
            user_id=claimant.id,
            household_id=household.id,
            community_id=place.a.id,
            grid_id=household.building.grid_id,
            status=S.PENDING,
        )
        session.add(claim)
        session.commit()
        result = claim.id, claimant.id, staff.id
        _db.session.remove()
        return result


def _race(app, racers: int, step) -> list[str]:
    """Run ``step(index)`` in ``racers`` threads released together; return each one's outcome."""
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context(), app.test_request_context():
                outcomes.append(step(index, barrier))
                _db.session.remove()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outcomes


def test_the_kernel_lets_exactly_one_of_racing_steps_win(app, engine):
    """A bare machine: every racer loaded the row in its source state; one UPDATE moves it, the rest conflict."""
    claim_id, _claimant, _staff = _setup(app)
    logged: list[str] = []
    machine = StateMachine(  # not registered in MACHINES: a machine of this test only
        'race',
        Membership,
        rule=Rule('race', 'test'),
        record=lambda subject, action, *_rest: logged.append(action),
    )
    machine.define(
        Transition('reject', frozenset({S.PENDING}), S.REJECTED, system=True),
        Transition('withdraw', frozenset({S.PENDING}), S.WITHDRAWN, system=True),
    )

    def step(index, barrier) -> str:
        claim = _db.session.get(Membership, claim_id)
        assert claim.status == S.PENDING
        barrier.wait(timeout=30)
        try:
            machine.apply(claim, 'reject' if index % 2 else 'withdraw', None)
        except Refusal as refusal:
            _db.session.rollback()
            return refusal.code
        _db.session.commit()
        return 'moved'

    outcomes = _race(app, RACERS, step)
    assert sorted(outcomes) == ['conflict'] * (RACERS - 1) + ['moved']
    assert len(logged) == 1
    with Session(engine) as session:
        assert session.get(Membership, claim_id).status == {'reject': S.REJECTED, 'withdraw': S.WITHDRAWN}[logged[0]]


def test_racing_decisions_on_a_claim_decide_it_once(app, engine):
    """Through the operations: staff reject while the claimant withdraws; one decision stands, audited once."""
    from consult.audit.models import AuditEntry

    claim_id, claimant_id, staff_id = _setup(app)

    def step(index, barrier) -> str:
        claim = _db.session.get(Membership, claim_id)
        actor = _db.session.get(User, staff_id if index % 2 else claimant_id)
        barrier.wait(timeout=30)
        if index % 2:
            _result, refusal = attempt(operations.reject, claim, actor, 'Not at this address.')
        else:
            _result, refusal = attempt(operations.withdraw, claim, actor)
        return 'decided' if refusal is None else refusal.code

    outcomes = _race(app, 2, step)
    assert sorted(outcomes) == ['conflict', 'decided']
    with Session(engine) as session:
        claim = session.get(Membership, claim_id)
        assert claim.status in (S.REJECTED, S.WITHDRAWN)
        rejections = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == 'residency.reject')).all()
        audited = [entry for entry in rejections if entry.details.get('membership_id') == claim_id]
        assert len(audited) == (1 if claim.status == S.REJECTED else 0)
        assert claim.decided_by_id == (staff_id if claim.status == S.REJECTED else None)
