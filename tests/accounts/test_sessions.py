"""Issue 11 (7): login sessions are records; logout, password change and "log out other devices" end them."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import LoginSession
from consult.accounts.session import describe_agent
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD

COOKIE = 'consult_session'


def _copy_cookie(app, source):
    thief = app.test_client()
    thief.set_cookie(COOKIE, source.get_cookie(COOKIE).value)
    return thief


def test_a_cookie_copied_before_logout_reads_nothing_after_it(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    thief = _copy_cookie(app, client)
    assert thief.get('/topics/mine').status_code == 200
    auth.logout()
    response = thief.get('/topics/mine')
    assert response.status_code == 302
    assert '/account/login' in response.headers['Location']


def test_logout_records_the_end(client, auth, make_user, db):
    user = make_user()
    auth.login(user)
    auth.logout()
    row = db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == user.id)).one()
    assert row.revoked_at is not None


def test_log_out_other_devices(app, client, auth, make_user, db):
    user = make_user()
    phone = app.test_client()
    AuthActions(phone).login(user)
    client.environ_base['HTTP_USER_AGENT'] = 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36'
    auth.login(user)
    page = client.get('/account/sessions').get_data(as_text=True)
    assert 'data-sessions="2"' in page
    assert 'Chrome · Windows' in page
    response = client.post('/account/sessions/others', data={'csrf_token': csrf_token(client, '/account/sessions')})
    assert response.status_code == 302
    assert '/account/login' in phone.get('/topics/mine').headers['Location']
    assert client.get('/topics/mine').status_code == 200
    assert 'data-sessions="1"' in client.get('/account/sessions').get_data(as_text=True)


def test_log_out_other_devices_needs_the_csrf_token(app, client, auth, make_user):
    user = make_user()
    phone = app.test_client()
    AuthActions(phone).login(user)
    auth.login(user)
    assert client.post('/account/sessions/others').status_code == 400
    assert phone.get('/topics/mine').status_code == 200


def test_the_sessions_page_shows_only_my_live_sessions(app, client, auth, make_user):
    me, other = make_user(), make_user()
    AuthActions(app.test_client()).login(other)
    ended = app.test_client()
    AuthActions(ended).login(me)
    AuthActions(ended).logout()
    auth.login(me)
    assert 'data-sessions="1"' in client.get('/account/sessions').get_data(as_text=True)


def test_password_change_ends_other_sessions_but_not_this_one(app, client, auth, csrf, make_user):
    user = make_user()
    other = app.test_client()
    AuthActions(other).login(user)
    auth.login(user)
    thief = _copy_cookie(app, client)
    response = client.post(
        '/account/password',
        data={
            'current': PASSWORD,
            'password': 'brand-new-pass-2',
            'confirm': 'brand-new-pass-2',
            'csrf_token': csrf('/account/password'),
        },
    )
    assert response.status_code == 302
    assert other.get('/topics/mine').status_code == 302
    assert client.get('/topics/mine').status_code == 200
    assert thief.get('/topics/mine').status_code == 200  # the same session as this device: it goes on


def test_loading_the_user_is_one_query_and_last_seen_is_not_written_each_time(
    app, client, auth, make_user, db, count_queries, monkeypatch
):
    user = make_user()
    auth.login(user)
    client.get('/account/sessions')
    seen = db.session.scalars(sa.select(LoginSession.last_seen_at).where(LoginSession.user_id == user.id)).one()
    from consult.accounts.session import load_user

    cookie_id = f'{user.id}:{_key(db, user)}'
    with app.test_request_context():
        with count_queries() as counter:
            assert load_user(cookie_id) is not None
    assert counter.count == 1
    for _ in range(3):
        client.get('/account/sessions')
    db.session.expire_all()
    assert db.session.scalars(sa.select(LoginSession.last_seen_at).where(LoginSession.user_id == user.id)).one() == seen
    monkeypatch.setitem(app.config, 'LOGIN_SESSION_TOUCH_SECONDS', 0)
    client.get('/account/sessions')
    db.session.expire_all()
    assert db.session.scalars(sa.select(LoginSession.last_seen_at).where(LoginSession.user_id == user.id)).one() > seen


def test_touches_of_a_crowd_are_written_together(db, make_user, app, monkeypatch, count_queries):
    """People arriving at once after being away: their touches wait and are written by one statement."""
    import time

    from consult.accounts import session as login_sessions

    people = [make_user() for _ in range(3)]
    keys = [f'crowd-{n}' for n in range(3)]
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    db.session.add_all(
        LoginSession(key=key, user_id=person.id, last_seen_at=long_ago)
        for person, key in zip(people, keys, strict=True)
    )
    db.session.commit()
    monkeypatch.setitem(app.config, 'LOGIN_SESSION_TOUCH_BATCH_SECONDS', 3600)
    monkeypatch.setattr(login_sessions, 'TOUCH_BATCH', 3)
    monkeypatch.setitem(login_sessions._touched, 'at', time.monotonic())
    monkeypatch.setattr(login_sessions, '_touches', {})

    def seen():
        db.session.expire_all()
        return [
            db.session.scalar(sa.select(LoginSession.last_seen_at).where(LoginSession.key == key)) > long_ago
            for key in keys
        ]

    with app.test_request_context():
        for person, key in zip(people[:2], keys[:2], strict=True):
            assert login_sessions.load_user(f'{person.id}:{key}') is not None
    assert seen() == [False, False, False]  # waiting
    with app.test_request_context(), count_queries() as counter:
        assert login_sessions.load_user(f'{people[2].id}:{keys[2]}') is not None
    assert seen() == [True, True, True]
    assert sum(1 for s in counter.statements if s.lstrip().upper().startswith('UPDATE')) == 1


def test_an_old_style_cookie_or_a_forged_key_loads_nobody(db, make_user, app):
    from consult.accounts.session import load_user

    user = make_user()
    with app.test_request_context():
        assert load_user(f'{user.id}:1') is None
        assert load_user(f'{user.id}:not-a-key') is None
        assert load_user('garbage') is None


def _key(db, user) -> str:
    return db.session.scalars(
        sa.select(LoginSession.key).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    ).one()


def test_describe_agent():
    iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1'
    assert describe_agent(iphone) == 'Safari · iOS'
    wechat = 'Mozilla/5.0 (Linux; Android 13) Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.40'
    assert describe_agent(wechat) == 'WeChat · Android'
    assert describe_agent(None) == ''
    assert len(describe_agent('x' * 500)) <= 80


def test_a_session_left_unused_for_the_idle_days_has_ended(app, client, auth, make_user, db):
    """GB/T 22239-2019: an idle session times out; a phone used within the idle days stays logged in."""
    from datetime import timedelta

    from consult.kernel.clock import utcnow

    user = make_user()
    phone = app.test_client()
    AuthActions(phone).login(user)
    auth.login(user)
    idle = timedelta(days=app.config['LOGIN_SESSION_IDLE_DAYS'])
    phone_key = db.session.scalars(
        sa.select(LoginSession.key).where(LoginSession.user_id == user.id).order_by(LoginSession.id).limit(1)
    ).one()
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.key == phone_key)
        .values(last_seen_at=utcnow() - idle + timedelta(minutes=10))
    )
    db.session.commit()
    assert phone.get('/topics/mine').status_code == 200  # used within the idle days: still live
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.key == phone_key)
        .values(last_seen_at=utcnow() - idle - timedelta(minutes=1))
    )
    db.session.commit()
    assert '/account/login' in phone.get('/topics/mine').headers['Location']
    assert 'data-sessions="1"' in client.get('/account/sessions').get_data(as_text=True)
