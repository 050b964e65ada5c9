"""Issue 11 (8): registrations are limited per address; wrong current passwords lock the account too."""

import sqlalchemy as sa

from consult.accounts.models import User
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD


def _register(c, n):
    return c.post(
        '/account/register',
        data={
            'identifier': f'1391111{n:04d}',
            'display_name': f'新人{n}',
            'real_name': f'新人{n}',
            'birth_date': '1990-05-17',
            'password': 'long-enough-1',
            'confirm': 'long-enough-1',
            'csrf_token': csrf_token(c, '/account/register'),
        },
    ).status_code


def test_registrations_are_limited_per_address(app, db):
    limit = int(app.config['REGISTER_RATE_LIMIT'].split()[0])
    codes = []
    for n in range(limit + 1):
        c = app.test_client()  # a new browser each time, one address
        codes.append(_register(c, n))
    assert codes[:limit] == [302] * limit
    assert codes[limit] == 429
    elsewhere = app.test_client()
    elsewhere.environ_base['REMOTE_ADDR'] = '203.0.113.9'
    assert _register(elsewhere, limit + 1) == 302
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.mobile.like('1391111%'))) == limit + 1


def _change(c, current):
    return c.post(
        '/account/password',
        data={
            'current': current,
            'password': 'brand-new-pass-2',
            'confirm': 'brand-new-pass-2',
            'csrf_token': csrf_token(c, '/account/password'),
        },
    )


def test_wrong_current_passwords_lock_the_account(app, client, auth, make_user, db, monkeypatch):
    monkeypatch.setitem(app.config, 'PASSWORD_CHANGE_RATE_LIMIT', '100 per minute')
    user = make_user()
    auth.login(user)
    limit = app.config['LOGIN_MAX_FAILURES']
    for _ in range(limit):
        assert 'current password is wrong' in _change(client, 'not-it-at-all').get_data(as_text=True)
    db.session.refresh(user)
    assert user.locked_until is not None
    assert 'locked' in _change(client, PASSWORD).get_data(as_text=True)
    db.session.refresh(user)
    assert user.locked_until is not None
    assert AuthActions(app.test_client()).login(user).status_code == 401  # locked for logins as well


def test_password_changes_are_limited_per_account(app, client, auth, make_user, monkeypatch):
    monkeypatch.setitem(app.config, 'LOGIN_MAX_FAILURES', 1000)
    limit = int(app.config['PASSWORD_CHANGE_RATE_LIMIT'].split()[0])
    user = make_user()
    auth.login(user)
    codes = [_change(client, 'not-it-at-all').status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    assert codes[limit] == 429
    other = make_user()  # another account on the same address is not limited
    c = app.test_client()
    AuthActions(c).login(other)
    assert _change(c, 'not-it-at-all').status_code == 200
