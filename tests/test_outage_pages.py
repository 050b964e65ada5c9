"""Pages while the database cannot be opened: the app's own 503 page in the user's language, then recovery.

The app here has its own SQLite file, opened afresh for each request (``NullPool``); moving the file's folder
away makes every connection fail for real ("unable to open database file"), as a stopped server refuses them.
``tests/live/test_outage.py`` does the same to PostgreSQL under the production server, sockets included.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from consult import create_app
from consult.config import TestingConfig
from consult.db import db
from tests import support
from tests.conftest import csrf_token

UNAVAILABLE = {
    'zh_Hans': '服务暂时不可用，请稍后再试。',
    'zh_Hant': '服務暫時不可用，請稍後再試。',
    'en': 'The service is temporarily unavailable. Please try again later.',
}


@pytest.fixture
def outage(tmp_path):
    """``(app, cut, restore)``: an app on a SQLite file whose folder ``cut`` moves away and ``restore`` back."""
    from consult.accounts.models import User

    folder = tmp_path / 'data'
    folder.mkdir()
    url = f'sqlite:///{folder}/outage.db'
    app = create_app(
        TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'SQLALCHEMY_ENGINE_OPTIONS': {'poolclass': sa.pool.NullPool}}
    )
    with app.app_context():
        support.upgrade(app)
        db.session.add(
            User(
                mobile='13900000001',
                password_hash=support.password_hash(),
                display_name='停电居民',
                real_name='测试',
                birth_date=date(1980, 1, 1),
            )
        )
        db.session.commit()
    away = tmp_path / 'away'
    yield app, lambda: folder.rename(away), lambda: away.rename(folder)
    if away.exists():
        away.rename(folder)


def _log_in(client):
    response = client.post(
        '/account/login',
        data={'identifier': '13900000001', 'password': support.PASSWORD, 'csrf_token': csrf_token(client)},
    )
    assert response.status_code == 302


def _unavailable_page(response, language: str) -> str:
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text[:300]
    assert response.headers['Retry-After'] == '30'
    assert f'<html lang="{language.replace("_", "-")}">' in text
    assert UNAVAILABLE[language] in text
    assert 'class="site-header"' in text
    assert 'Internal Server Error' not in text
    return text


def test_logged_in_pages_answer_the_translated_503_page_and_recover(outage):
    app, cut, restore = outage
    english = app.test_client()
    _log_in(english)  # before the switch below: its session keeps no language, so the browser's counts
    client = app.test_client()
    _log_in(client)
    client.post('/language', data={'locale': 'zh_Hant', 'csrf_token': csrf_token(client)})

    cut()
    # The session's language, whatever the browser says; the page needs neither the user nor the database.
    text = _unavailable_page(client.get('/meetings/mine', headers={'Accept-Language': 'en'}), 'zh_Hant')
    assert '停电居民' not in text  # the layout's user menu is not drawn
    _unavailable_page(english.get('/meetings/mine', headers={'Accept-Language': 'en-GB'}), 'en')
    _unavailable_page(english.get('/meetings/mine', headers={'Accept-Language': ''}), 'zh_Hans')
    # A page that is not there is still answered: its layout needs the user, so the database.
    _unavailable_page(english.get('/no-such-page', headers={'Accept-Language': 'en'}), 'en')
    answer = english.get('/meetings/mine', headers={'Accept': 'application/json', 'Accept-Language': 'en'})
    assert answer.status_code == 503
    assert answer.get_json() == {'error': {'code': 503, 'message': UNAVAILABLE['en']}}
    anonymous = app.test_client()
    _unavailable_page(anonymous.get('/topics/', headers={'Accept-Language': 'zh-TW'}), 'zh_Hant')

    restore()
    page = client.get('/meetings/mine')
    assert page.status_code == 200
    assert '停电居民' in page.get_data(as_text=True)  # still logged in
    assert english.get('/no-such-page').status_code == 404


def test_an_error_page_whose_layout_fails_falls_back_to_the_plain_page(outage):
    """A 500 whose error page cannot be drawn in the layout is still the app's page, not Werkzeug's."""
    app, cut, restore = outage

    @app.get('/boom-after-outage')
    def _boom():
        cut()  # the database goes while the request runs; the view then fails for another reason
        raise RuntimeError('boom')

    client = app.test_client()
    _log_in(client)

    response = client.get('/boom-after-outage', headers={'Accept-Language': 'en'})
    restore()
    assert response.status_code == 503
    assert UNAVAILABLE['en'] in response.get_data(as_text=True)
