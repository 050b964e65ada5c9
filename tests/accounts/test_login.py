from datetime import timedelta

from consult.kernel.clock import utcnow
from tests.support import PASSWORD


def test_login_and_logout(client, auth, make_user):
    user = make_user()
    response = auth.login(user)
    assert response.status_code == 302
    assert f'data-user="{user.id}"' in client.get('/').get_data(as_text=True)
    auth.logout()
    assert 'data-user=' not in client.get('/').get_data(as_text=True)


def test_login_by_email(client, auth, make_user):
    make_user(mobile=None, email='a@example.org')
    assert auth.login('a@example.org').status_code == 302


def test_wrong_password_gives_a_clear_message(client, auth, make_user):
    user = make_user()
    response = auth.login(user, password='wrong-password')
    assert response.status_code == 401
    assert 'password is wrong' in response.get_data(as_text=True)


def test_unknown_account_gives_the_same_message(client, auth):
    response = auth.login('13900000000', password='whatever-1')
    assert response.status_code == 401
    assert 'password is wrong' in response.get_data(as_text=True)


def test_lockout_after_five_failures_even_with_the_right_password(client, auth, make_user, db):
    user = make_user()
    for _ in range(4):
        auth.login(user, password='wrong-password')
    assert user.locked_until is None
    auth.login(user, password='wrong-password')
    db.session.refresh(user)
    assert user.locked_until is not None
    response = auth.login(user, password=PASSWORD)
    assert response.status_code == 401
    assert 'locked' in response.get_data(as_text=True)
    assert '15 minutes' in response.get_data(as_text=True)


def test_lock_expires(client, auth, make_user, db):
    user = make_user(locked_until=utcnow() - timedelta(seconds=1))
    assert auth.login(user).status_code == 302


def test_success_resets_the_failure_count(client, auth, make_user, db):
    user = make_user()
    for _ in range(4):
        auth.login(user, password='wrong-password')
    auth.login(user)
    db.session.refresh(user)
    assert user.failed_logins == 0


def test_login_is_rate_limited_per_address(client, auth, make_user, app):
    limit = int(app.config['LOGIN_RATE_LIMIT'].split()[0])
    codes = [auth.login(f'1390000{n:04d}', password='x-password').status_code for n in range(limit + 1)]
    assert codes[:limit] == [401] * limit
    assert codes[limit] == 429


def test_open_redirect_is_ignored(client, auth, make_user):
    user = make_user()
    response = auth.login(user, query_string={'next': '//evil.example/'})
    assert response.headers['Location'] == '/'


def test_inactive_account_cannot_log_in(client, auth, make_user):
    user = make_user(active=False)
    assert auth.login(user).status_code == 401
