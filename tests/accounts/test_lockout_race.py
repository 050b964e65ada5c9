"""Issue 11 (3): parallel wrong passwords are all counted, so parallel guessing locks the account (PostgreSQL).

Runs outside the per-test SAVEPOINT: real parallel requests through the app, each thread with its own test
client, app context, session and connection; the user is committed for real and deleted afterwards.
"""

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from consult.accounts.models import LoginSession
from consult.accounts.models import User
from tests import support
from tests.conftest import csrf_token

URL = os.environ.get('TEST_DATABASE_URL', '')
pytestmark = pytest.mark.skipif(
    not support.is_postgres(URL), reason='needs PostgreSQL (TEST_DATABASE_URL): SQLite has a single writer'
)
GUESSERS = 20


@pytest.fixture
def victim(app):
    engine = sa.create_engine(URL)
    with engine.begin() as conn:
        user_id = conn.execute(
            sa.insert(User)
            .values(
                mobile='13977770000',
                password_hash=support.password_hash(),
                display_name='受害人',
                real_name='受害人',
                birth_date=date(1980, 1, 1),
            )
            .returning(User.id)
        ).scalar_one()
    yield engine, user_id
    with engine.begin() as conn:
        conn.execute(sa.delete(LoginSession).where(LoginSession.user_id == user_id))
        conn.execute(sa.delete(User).where(User.id == user_id))
    engine.dispose()


def _guess_in_parallel(app) -> list[int]:
    clients = [app.test_client() for _ in range(GUESSERS)]
    for n, c in enumerate(clients):
        c.environ_base['REMOTE_ADDR'] = f'203.0.113.{n}'
    tokens = [csrf_token(c, '/account/login') for c in clients]
    start = threading.Barrier(GUESSERS)
    codes = [None] * GUESSERS

    def guess(n):
        start.wait()
        response = clients[n].post(
            '/account/login',
            data={'identifier': '13977770000', 'password': f'wrong-guess-{n}', 'csrf_token': tokens[n]},
            headers={'Accept-Language': 'en'},
        )
        codes[n] = response.status_code

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return codes


def test_every_parallel_failure_is_counted(app, victim, monkeypatch):
    engine, user_id = victim
    monkeypatch.setitem(app.config, 'LOGIN_MAX_FAILURES', 1000)
    monkeypatch.setitem(app.config, 'LOGIN_ACCOUNT_RATE_LIMIT', '1000 per minute')
    assert _guess_in_parallel(app) == [401] * GUESSERS
    with engine.connect() as conn:
        assert conn.scalar(sa.select(User.failed_logins).where(User.id == user_id)) == GUESSERS


def test_parallel_guessing_locks_the_account(app, victim, monkeypatch):
    engine, user_id = victim
    monkeypatch.setitem(app.config, 'LOGIN_ACCOUNT_RATE_LIMIT', '1000 per minute')
    assert _guess_in_parallel(app) == [401] * GUESSERS
    with engine.connect() as conn:
        assert conn.scalar(sa.select(User.locked_until).where(User.id == user_id)) is not None
    c = app.test_client()
    response = c.post(
        '/account/login',
        data={'identifier': '13977770000', 'password': support.PASSWORD, 'csrf_token': csrf_token(c)},
        headers={'Accept-Language': 'en'},
    )
    assert response.status_code == 401
    assert 'locked' in response.get_data(as_text=True)
