"""Issue 11: the next URL after login, unknown accounts answered like known ones, limits keyed per client."""

import time

import pytest
from argon2 import PasswordHasher

import consult.security
from consult import _trust_proxies
from consult import create_app
from consult.accounts.forms import safe_next
from consult.config import TestingConfig
from tests.conftest import csrf_token
from tests.support import PASSWORD


@pytest.mark.parametrize(
    'target',
    [
        '/%09/evil.example',
        '/\t/evil.example',
        '/\n/evil.example',
        '\t//evil.example',
        ' //evil.example',
        '//evil.example/',
        '/\\evil.example',
        '\\\\evil.example',
        'https://evil.example/',
        'javascript:alert(1)',
        '///evil.example',
        'evil.example',
    ],
)
def test_next_url_off_the_site_goes_home(client, auth, make_user, target):
    from urllib.parse import unquote

    user = make_user()
    response = auth.login(user, query_string={'next': unquote(target) if '%' in target else target})
    assert response.status_code == 302
    assert response.headers['Location'] == '/'


def test_next_url_with_a_nul_is_refused_before_the_login(client, auth, make_user):
    """A NUL in the query string is bad input (``consult.inputs``): the request is refused, nothing redirects."""
    user = make_user()
    response = auth.login(user, query_string={'next': '/\x00/evil.example'})
    assert response.status_code == 400
    assert 'Location' not in response.headers
    assert safe_next('/\x00/evil.example') is None


def test_next_url_on_the_site_is_followed(client, auth, make_user):
    user = make_user()
    response = auth.login(user, query_string={'next': '/topics/mine?page=2'})
    assert response.headers['Location'] == '/topics/mine?page=2'


def test_safe_next_judges_what_the_browser_follows():
    assert safe_next('/\t/evil.example') is None
    assert safe_next('/topics/\t7') == '/topics/7'
    assert safe_next(None) is None


def test_unknown_account_locks_like_a_known_one(client, auth, make_user, app):
    user = make_user()
    limit = app.config['LOGIN_MAX_FAILURES']
    answers = {}
    for identifier in (user.mobile, '13912345678'):
        codes = [auth.login(identifier, password='wrong-password').status_code for _ in range(limit)]
        after = auth.login(identifier, password=PASSWORD if identifier == user.mobile else 'x-password')
        answers[identifier] = (codes, after.status_code, _message(after))
    known, unknown = answers[user.mobile], answers['13912345678']
    assert known == unknown
    assert known[0] == [401] * limit
    assert 'locked' in known[2]
    assert '15 minutes' in known[2]


def _message(response) -> str:
    import re

    match = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return match.group(1).strip() if match else response.get_data(as_text=True)


@pytest.fixture
def measurable_hashing():
    """Argon2id slow enough (about 0.1 s) that hashing dominates a request's time."""
    fast = consult.security.password_hasher
    consult.security.password_hasher = PasswordHasher(time_cost=2, memory_cost=64 * 1024, parallelism=1)
    yield
    consult.security.password_hasher = fast


def test_wrong_password_takes_as_long_with_or_without_an_account(client, auth, make_user, measurable_hashing, app):
    app.config['LOGIN_MAX_FAILURES'], before = 1000, app.config['LOGIN_MAX_FAILURES']
    try:
        user = make_user(password_hash=consult.security.hash_password(PASSWORD))
        auth.login('13912340000', password='wrong-password')  # the dummy hash is made once, not timed

        def timed(identifier):
            started = time.perf_counter()
            assert auth.login(identifier, password='wrong-password').status_code == 401
            return time.perf_counter() - started

        # Interleaved, the fastest of five each: a busy machine slows single requests, not the fastest of several.
        pairs = [(timed(user.mobile), timed(f'1391234{n:04d}')) for n in range(5)]
        known = min(k for k, _u in pairs)
        unknown = min(u for _k, u in pairs)
    finally:
        app.config['LOGIN_MAX_FAILURES'] = before
    one_hash = min(_timed_hash(user.password_hash) for _ in range(3))
    # Without the dummy hash an unknown number answered in a fraction of one hash's time.
    assert unknown > 0.6 * one_hash, (known, unknown, one_hash)
    # Without the dummy hash the ratio was about 0.05; noise on a loaded 2-core machine stays well inside this.
    assert 1 / 3 < unknown / known < 3, (known, unknown)


def _timed_hash(password_hash) -> float:
    started = time.perf_counter()
    consult.security.verify_password(password_hash, 'wrong-password')
    return time.perf_counter() - started


def test_another_client_behind_the_proxy_is_not_limited(app, db, make_user, monkeypatch):
    """Ten wrong logins from one client behind nginx; another client with the right password gets in."""
    monkeypatch.setitem(app.config, 'PROXY_COUNT', 1)
    monkeypatch.setattr(app, 'wsgi_app', app.wsgi_app)
    _trust_proxies(app)
    user = make_user()
    limit = int(app.config['LOGIN_RATE_LIMIT'].split()[0])
    nginx = {'REMOTE_ADDR': '127.0.0.1'}
    guesser = app.test_client()
    guesser.environ_base.update(nginx, HTTP_X_FORWARDED_FOR='203.0.113.7')
    codes = [_login(guesser, f'1390000{n:04d}', 'wrong-password') for n in range(limit + 1)]
    assert codes[-1] == 429
    other = app.test_client()
    other.environ_base.update(nginx, HTTP_X_FORWARDED_FOR='198.51.100.20')
    assert _login(other, user.mobile, PASSWORD) == 302


def test_without_trusted_proxies_the_forwarded_header_is_ignored(app, db, make_user):
    limit = int(app.config['LOGIN_RATE_LIMIT'].split()[0])
    codes = []
    for n in range(limit + 1):
        guesser = app.test_client()  # a new "address" in the header each time: ignored, nginx is not trusted
        guesser.environ_base.update(REMOTE_ADDR='127.0.0.1', HTTP_X_FORWARDED_FOR=f'203.0.113.{n}')
        codes.append(_login(guesser, f'1390000{n:04d}', 'wrong-password'))
    assert codes[-1] == 429


def test_proxy_count_installs_proxy_fix():
    from werkzeug.middleware.proxy_fix import ProxyFix

    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'PROXY_COUNT': 2})
    assert isinstance(app.wsgi_app, ProxyFix)
    assert app.wsgi_app.x_for == 2
    plain = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': 'sqlite://'})
    assert not isinstance(plain.wsgi_app, ProxyFix)


def test_successful_logins_do_not_use_up_the_address(client, auth, make_user, app):
    limit = int(app.config['LOGIN_RATE_LIMIT'].split()[0])
    user = make_user()
    for _ in range(limit + 2):
        assert auth.login(user).status_code == 302
        auth.logout()


def test_logins_are_limited_per_account_across_addresses(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, 'LOGIN_MAX_FAILURES', 1000)
    limit = int(app.config['LOGIN_ACCOUNT_RATE_LIMIT'].split()[0])
    user = make_user()
    codes = []
    for n in range(limit + 1):
        c = app.test_client()
        c.environ_base['REMOTE_ADDR'] = f'203.0.113.{n}'
        codes.append(_login(c, user.mobile, 'wrong-password'))
    assert codes[:limit] == [401] * limit
    assert codes[limit] == 429


def _login(c, identifier, password) -> int:
    response = c.post(
        '/account/login',
        data={'identifier': identifier, 'password': password, 'csrf_token': csrf_token(c)},
        headers={'Accept-Language': 'en'},
    )
    return response.status_code
