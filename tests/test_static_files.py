"""Issue 12 (speed): anonymous pages load no Socket.IO; production serves static files hashed, gzipped, cached.

The production-config app is a real ``ProductionConfig`` app (with the test database and no outside services),
serving the directory that ``flask static build`` made, through WhiteNoise.
"""

import gzip
import json
import re

import pytest

from consult import create_app
from consult.config import ProductionConfig
from consult.static_files import MANIFEST
from consult.static_files import hashed_name

ANONYMOUS_PAGES = ['/', '/account/login', '/account/register', '/account/forgot', '/topics/', '/communities/']


@pytest.mark.parametrize('path', ANONYMOUS_PAGES)
def test_an_anonymous_page_loads_no_socket_code(client, path):
    html = client.get(path).get_data(as_text=True)
    assert 'js/site.js' in html
    assert 'socket.io' not in html
    assert 'js/live.js' not in html


def test_a_logged_in_page_loads_the_live_connection(client, auth, make_user):
    auth.login(make_user())
    html = client.get('/').get_data(as_text=True)
    assert html.index('vendor/socket.io.min.js') < html.index('js/live.js') < html.index('js/site.js')


def test_site_js_no_longer_connects(app):
    from pathlib import Path

    site = (Path(app.static_folder) / 'js' / 'site.js').read_text()
    assert 'io(' not in site
    assert 'consultSocket' not in site


def test_hashed_name_follows_the_content():
    assert re.fullmatch(r'js/site\.[0-9a-f]{12}\.js', hashed_name('js/site.js', b'a'))
    assert hashed_name('js/site.js', b'a') != hashed_name('js/site.js', b'b')
    assert hashed_name('js/site.js', b'a') == hashed_name('js/site.js', b'a')


@pytest.fixture(scope='module')
def production(app, tmp_path_factory):
    """A production app serving a static build made by the real ``flask static build`` command."""
    build = tmp_path_factory.mktemp('static-build')
    settings = {
        'SQLALCHEMY_DATABASE_URI': app.config['SQLALCHEMY_DATABASE_URI'],
        'SECRET_KEY': 'static-test-secret',
        'STATIC_BUILD_DIR': str(build),
        'SOCKETIO_MESSAGE_QUEUE': None,
        'REDIS_URL': None,
        'RATELIMIT_STORAGE_URI': 'memory://',
        'SOCKETIO_ASYNC_MODE': 'threading',
        'GC_FREEZE': False,
        'GC_THRESHOLDS': None,
    }
    builder = create_app(ProductionConfig, settings)
    result = builder.test_cli_runner().invoke(args=['static', 'build'])
    assert result.exit_code == 0, result.output
    prod = create_app(ProductionConfig, settings)
    return prod, json.loads((build / MANIFEST).read_text())


def test_production_pages_link_hashed_names(production, db):
    prod, manifest = production
    html = prod.test_client().get('/account/login').get_data(as_text=True)
    assert f'/static/{manifest["js/site.js"]}' in html
    assert f'/static/{manifest["css/site.css"]}' in html


def test_a_hashed_name_is_cached_for_a_year_and_gzipped_when_asked(production):
    prod, manifest = production
    client = prod.test_client()
    plain = client.get(f'/static/{manifest["vendor/socket.io.min.js"]}')
    assert plain.status_code == 200
    assert plain.headers.get('Content-Encoding') is None
    cache = plain.headers['Cache-Control']
    assert 'immutable' in cache
    assert int(re.search(r'max-age=(\d+)', cache).group(1)) >= 365 * 24 * 3600
    zipped = client.get(f'/static/{manifest["vendor/socket.io.min.js"]}', headers={'Accept-Encoding': 'gzip'})
    assert zipped.headers['Content-Encoding'] == 'gzip'
    assert zipped.headers['X-Content-Type-Options'] == 'nosniff'
    assert 'Accept-Encoding' in zipped.headers['Vary']
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2


def test_a_plain_name_is_served_with_a_short_cache(production):
    prod, _manifest = production
    response = prod.test_client().get('/static/js/site.js')
    assert response.status_code == 200
    assert 'immutable' not in response.headers['Cache-Control']


def test_the_build_never_replaces_static_itself(app, tmp_path):
    import click

    from consult.static_files import build

    source = tmp_path / 'static'
    (source / 'js').mkdir(parents=True)
    (source / 'js' / 'a.js').write_text('a')
    for target in (source, source / 'js', tmp_path):
        with pytest.raises(click.UsageError):
            build(source, target)
    assert (source / 'js' / 'a.js').read_text() == 'a'
