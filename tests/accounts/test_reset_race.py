"""Issue 12: a reset code (or link) is used once even when sent many times at once; parallel wrong codes are all
counted (PostgreSQL, real concurrent transactions outside the per-test SAVEPOINT)."""

from datetime import date

import pytest
import sqlalchemy as sa

from consult.accounts import resets
from consult.accounts.models import LoginSession
from consult.accounts.models import PasswordReset
from consult.accounts.models import User
from consult.kernel.refusals import Refusal
from tests import support
from tests.races import URL
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 10
MOBILE = '13966660000'


@pytest.fixture
def resident(app):
    engine = sa.create_engine(URL)
    with engine.begin() as conn:
        user_id = conn.execute(
            sa.insert(User)
            .values(
                mobile=MOBILE,
                password_hash=support.password_hash(),
                display_name='忘记',
                real_name='忘记',
                birth_date=date(1980, 1, 1),
            )
            .returning(User.id)
        ).scalar_one()
    with app.app_context():
        from consult.db import db

        user = db.session.get(User, user_id)
        code = resets.issue_code(user, user, hours=24)
        db.session.commit()
        db.session.remove()
    yield engine, user_id, code
    with engine.begin() as conn:
        conn.execute(sa.delete(PasswordReset).where(PasswordReset.user_id == user_id))
        conn.execute(sa.delete(LoginSession).where(LoginSession.user_id == user_id))
        conn.execute(sa.delete(User).where(User.id == user_id))
    engine.dispose()


def _attempt(code, password, max_failures=5):
    from consult.db import db

    try:
        resets.reset_with_code(MOBILE, code, password, max_failures=max_failures)
    except Refusal:
        db.session.commit()
        return None
    db.session.commit()
    return password


def test_a_code_sent_many_times_at_once_sets_one_password(app, resident):
    _engine, user_id, code = resident
    results = run_together(app, RACERS, lambda n: _attempt(code, f'racer-password-{n}'))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    with app.app_context():
        from consult.db import db
        from consult.security import verify_password

        assert verify_password(db.session.get(User, user_id).password_hash, winners[0])
        db.session.remove()


def test_parallel_wrong_codes_are_all_counted(app, resident):
    engine, user_id, code = resident
    wrong = f'{(int(code) + 1) % 10**8:08d}'
    results = run_together(app, RACERS, lambda n: _attempt(wrong, 'never-set-1', max_failures=100))
    assert results == [None] * RACERS
    with engine.connect() as conn:
        failures = conn.execute(sa.select(PasswordReset.failures).where(PasswordReset.user_id == user_id)).scalar_one()
    assert failures == RACERS
