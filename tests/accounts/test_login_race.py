"""Concurrent wrong passwords on PostgreSQL: every failure counts, so the lock comes after exactly the limit.

Before the fix the count was ``user.failed_logins += 1`` on the loaded value: concurrent failures overwrote
each other and a guesser got more tries than ``LOGIN_MAX_FAILURES`` before the lock.
"""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from consult.accounts import operations
from consult.accounts.models import User
from consult.db import db as _db
from consult.kernel.refusals import Refusal
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 50


def _user(app) -> int:
    with app.app_context():
        user = User(
            mobile='16899000000',
            password_hash=support.password_hash(),
            display_name='猜测',
            real_name='猜测',
            birth_date=date(1980, 1, 1),
        )
        _db.session.add(user)
        _db.session.commit()
        user_id = user.id
        _db.session.remove()
        return user_id


def _fail(max_failures: int):
    def step(_index: int) -> str:
        try:
            operations.authenticate('16899000000', 'wrong-password', max_failures=max_failures, lockout_minutes=15)
        except Refusal as refusal:
            _db.session.commit()  # as the login route: the failure is remembered
            return refusal.code
        return 'in'

    return step


@pytest.mark.parametrize('max_failures', [1000, RACERS])
def test_concurrent_failures_each_count(app, engine, max_failures):  # noqa: F811
    user_id = _user(app)
    assert run_together(app, RACERS, _fail(max_failures)) == ['bad_credentials'] * RACERS
    with Session(engine) as session:
        user = session.get(User, user_id)
        if max_failures > RACERS:
            assert user.failed_logins == RACERS
            assert user.locked_until is None
        else:
            assert user.failed_logins == 0  # the 50th failure locked the account and reset the count
            assert user.locked_until is not None


def test_concurrent_password_changes_each_count(app, engine):  # noqa: F811
    """Changes at once each move the stored session version (login sessions themselves end by their records,
    ``tests/accounts/test_sessions.py``; the version is kept exact like every stored counter)."""
    user_id = _user(app)

    def step(index: int) -> str:
        user = _db.session.get(User, user_id)
        try:
            operations.change_password(
                user, support.PASSWORD, f'new-password-{index}', max_failures=5, lockout_minutes=15
            )
        except Refusal as refusal:
            _db.session.rollback()
            return refusal.code
        _db.session.commit()
        return 'changed'

    outcomes = run_together(app, 10, step)
    with Session(engine) as session:
        assert session.get(User, user_id).session_version == 1 + outcomes.count('changed')
