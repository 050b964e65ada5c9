"""Issue 12: "forgot password" without SMS: a link mailed to the account's email (real SMTP, aiosmtpd on loopback).

The answer is the same page whether an account exists, has an email or not; the link works once, for a limited
time; using it ends every login session of the account (sockets included) and clears the lock.
"""

import re
import time
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import PasswordReset
from consult.accounts.models import User
from consult.extensions import socketio
from consult.kernel.clock import utcnow
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD

NEW = 'brand-new-pass-2'


def _forgot(c, identifier):
    return c.post('/account/forgot', data={'identifier': identifier, 'csrf_token': csrf_token(c, '/account/forgot')})


def _answer(response) -> tuple[int, str]:
    html = response.get_data(as_text=True)
    main = re.search(r'<main.*?</main>', html, re.S).group(0)
    return response.status_code, re.sub(r'(csrf-token|nonce)[^>]*', '', main)


def _mail_link(mail_server, address) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # sent from a background thread after the commit
        for _sender, rcpts, message in mail_server.messages:
            if address in rcpts:
                return re.search(r'http://\S+/account/reset/\S+', message.get_content()).group(0)
        time.sleep(0.02)
    raise AssertionError(f'no mail to {address}')


def _set(c, link, password=NEW):
    path = link.split('localhost', 1)[1]
    return c.post(path, data={'password': password, 'confirm': password, 'csrf_token': csrf_token(c, path)})


def test_login_page_links_to_forgot_password(client):
    assert 'href="/account/forgot"' in client.get('/account/login').get_data(as_text=True)


def test_the_answer_is_the_same_whether_an_account_exists(client, db, make_user, mail_server):
    with_email = make_user(email='has-mail@example.org')
    mobile_only = make_user()
    answers = {
        _answer(_forgot(client, identifier))
        for identifier in (with_email.email, with_email.mobile, mobile_only.mobile, '13800000001', 'no@example.org')
    }
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 200
    assert 'forgot-sent' in page
    _mail_link(mail_server, 'has-mail@example.org')
    time.sleep(0.2)
    assert set(mail_server.recipients()) == {'has-mail@example.org'}  # only the account with an email gets one
    live = sa.select(sa.func.count(PasswordReset.id)).where(PasswordReset.used_at.is_(None))
    assert db.session.scalar(live) == 1  # two asked for the same account: the newest link only works


def test_the_stored_token_is_a_hash(client, db, make_user, mail_server):
    user = make_user(email='hashed@example.org')
    _forgot(client, user.email)
    token = _mail_link(mail_server, user.email).rsplit('/', 1)[1]
    stored = db.session.scalar(sa.select(PasswordReset.secret_hash).where(PasswordReset.user_id == user.id))
    assert token not in stored
    assert len(stored) == 64


def test_the_link_sets_the_password_ends_every_session_and_clears_the_lock(app, client, db, make_user, mail_server):
    user = make_user(email='reset-me@example.org')
    phone = app.test_client()
    AuthActions(phone).login(user)
    phone_socket = socketio.test_client(app, flask_test_client=phone, auth={'csrf_token': csrf_token(phone)})
    assert phone_socket.is_connected()
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(failed_logins=3, locked_until=utcnow() + timedelta(hours=1))
    )
    db.session.commit()

    _forgot(client, 'RESET-me@example.org')
    link = _mail_link(mail_server, 'reset-me@example.org')
    response = _set(client, link)
    assert response.status_code == 302
    assert response.headers['Location'].endswith('/account/login')

    assert not phone_socket.is_connected()
    assert 'data-user=' not in phone.get('/').get_data(as_text=True)
    db.session.refresh(user)
    assert (user.failed_logins, user.locked_until) == (0, None)
    assert AuthActions(app.test_client()).login(user, password=PASSWORD).status_code == 401
    assert AuthActions(app.test_client()).login(user, password=NEW).status_code == 302


def test_the_link_works_once(client, make_user, mail_server):
    user = make_user(email='once@example.org')
    _forgot(client, user.email)
    link = _mail_link(mail_server, user.email)
    path = link.split('localhost', 1)[1]
    assert client.get(path).status_code == 200
    assert _set(client, link).status_code == 302
    assert client.get(path).status_code == 410
    assert _set(client, link, 'another-pass-3').status_code == 410
    assert AuthActions(client).login(user, password=NEW).status_code == 302


def test_the_link_expires(client, db, make_user, mail_server):
    user = make_user(email='late@example.org')
    _forgot(client, user.email)
    link = _mail_link(mail_server, user.email)
    db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _set(client, link).status_code == 410
    assert AuthActions(client).login(user).status_code == 302  # the old password still works


def test_a_newer_link_replaces_the_older_one(client, make_user, mail_server):
    user = make_user(email='twice@example.org')
    _forgot(client, user.email)
    first = _mail_link(mail_server, user.email)
    mail_server.messages.clear()
    _forgot(client, user.email)
    second = _mail_link(mail_server, user.email)
    assert _set(client, first).status_code == 410
    assert _set(client, second).status_code == 302


def test_an_unknown_or_overlong_token_is_refused(client):
    assert client.get('/account/reset/not-a-token').status_code == 410
    assert client.get('/account/reset/' + 'x' * 5000).status_code == 410


def test_forgot_requests_are_limited_per_account(app, db, make_user):
    user = make_user(email='limited@example.org')
    limit = int(app.config['PASSWORD_RESET_ACCOUNT_RATE_LIMIT'].split()[0])
    codes = []
    for n in range(limit + 1):
        c = app.test_client()
        c.environ_base['REMOTE_ADDR'] = f'203.0.113.{n + 1}'  # many addresses, one account
        codes.append(_forgot(c, user.email).status_code)
    assert codes == [200] * limit + [429]


def test_forgot_requests_are_limited_per_address(app, db):
    limit = int(app.config['PASSWORD_RESET_RATE_LIMIT'].split()[0])
    c = app.test_client()
    codes = [_forgot(c, f'1380000{n:04d}').status_code for n in range(limit + 1)]
    assert codes == [200] * limit + [429]
