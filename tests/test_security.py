import re

import pytest

from consult import create_app
from consult.config import ProductionConfig
from consult.security import CSP
from consult.security import clean_text


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get('/')
    headers = response.headers
    csp = headers['Content-Security-Policy']
    assert "script-src 'self'" in csp
    assert 'unsafe-inline' not in csp
    assert 'unsafe-eval' not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert headers['Referrer-Policy'] == 'same-origin'


def test_no_inline_script_or_handler_in_pages(client, auth, make_user):
    auth.login(make_user())
    for path in ('/', '/account/login', '/residency/', '/residency/claim', '/communities/'):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r'<script(?![^>]*\bsrc=)[^>]*>', page), path
        assert not re.search(r'\son[a-z]+=', page), path
        assert not re.search(r'\sstyle=', page), path


def test_no_asset_from_the_internet(client):
    page = client.get('/').get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv('SECRET_KEY', 'x' * 40)
    # No vote closer: its background task (a gevent greenlet here) would outlive the test and block a later one.
    app = create_app(
        ProductionConfig, {'SQLALCHEMY_DATABASE_URI': f'sqlite:///{tmp_path}/p.db', 'VOTE_CLOSER_SECONDS': 0}
    )
    assert app.config['SESSION_COOKIE_SECURE'] is True
    assert app.config['SESSION_COOKIE_HTTPONLY'] is True
    assert app.config['SESSION_COOKIE_SAMESITE'] == 'Lax'
    assert app.config['REMEMBER_COOKIE_SECURE'] is True
    response = app.test_client().get('/account/login', base_url='https://consult.example')
    cookie = response.headers['Set-Cookie']
    assert 'Secure' in cookie
    assert 'HttpOnly' in cookie
    assert 'SameSite=Lax' in cookie
    assert 'Strict-Transport-Security' in response.headers


def test_secret_key_is_generated_in_the_instance_folder_when_unset(tmp_path, monkeypatch):
    from consult.config import load_or_create_secret

    monkeypatch.delenv('SECRET_KEY', raising=False)
    first = load_or_create_secret(str(tmp_path))
    assert len(first) >= 40
    assert load_or_create_secret(str(tmp_path)) == first
    assert (tmp_path / 'secret_key').stat().st_mode & 0o077 == 0


def test_unexpected_error_shows_no_stack_trace(app, client):
    app.view_functions['communities.index'], original = (lambda: 1 / 0), app.view_functions['communities.index']
    try:
        response = client.get('/communities/')
    finally:
        app.view_functions['communities.index'] = original
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert 'Traceback' not in page
    assert 'ZeroDivisionError' not in page


def test_errors_answer_json_to_json_clients(client):
    response = client.get('/nowhere', headers={'Accept': 'application/json'})
    assert response.status_code == 404
    assert response.get_json()['error']['code'] == 404


def test_csrf_is_enforced_on_fetch_too(client, auth, make_user, csrf):
    auth.login(make_user())
    assert client.post('/language', data={'locale': 'en'}).status_code == 400
    response = client.post('/language', data={'locale': 'en'}, headers={'X-CSRFToken': csrf()})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ('raw', 'clean'),
    [
        ('<img src=x onerror=alert(1)>小明', '小明'),
        ('  张三\x00\x07 ', '张三'),
        ('a &amp; b', 'a & b'),
        ('<a href="javascript:alert(1)">点我</a>', '点我'),
        (None, ''),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_oversized_request_is_refused(client):
    response = client.post('/account/login', data={'identifier': 'x' * (6 * 1024 * 1024)})
    assert response.status_code == 413


def test_csp_allows_websocket_to_self():
    assert "connect-src 'self'" in CSP


def test_production_password_hashing_is_argon2id_at_owasp_strength():
    from consult.security import make_password_hasher

    hasher = make_password_hasher()
    assert hasher.hash('x').startswith('$argon2id$')
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2


def test_form_fields_carry_aria_only_when_meaningful(client, csrf):
    page = client.get('/account/login').get_data(as_text=True)
    assert '="None"' not in page
    response = client.post('/account/register', data={'identifier': 'bad', 'csrf_token': csrf('/account/register')})
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="identifier-help identifier-error"' in page
