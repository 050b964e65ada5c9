"""The documented production command really serves Consult: gunicorn + gevent, one worker, Redis queue.

Starts ``gunicorn -k gevent -w 1 app:app`` with ``CONSULT_ENV=production`` (plus ``REDIS_URL`` when
``TEST_REDIS_URL`` is set, as CI does), then logs in and connects over a real websocket and over
long-polling, and checks that a decision made over HTTP is pushed to the resident's socket.
"""

import re

import pytest

from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF
from tests.live_server import DEMO_WAITING
from tests.live_server import live_server

pytestmark = pytest.mark.live


@pytest.fixture(scope='module')
def production(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp('production'), production=True) as server:
        yield server


def test_gunicorn_gevent_serves_the_chinese_home_page_with_security_headers(production):
    http, _ = login(production, DEMO_RESIDENT)
    response = http.get(production.url + '/', headers={'Accept-Language': ''}, timeout=10)
    assert 'lang="zh-Hans"' in response.text
    assert "script-src 'self'" in response.headers['Content-Security-Policy']
    assert 'gunicorn' in production.log_tail()
    assert 'Using worker: gevent' in production.log_tail(20000)


@pytest.mark.parametrize('transport', ['websocket', 'polling'])
def test_logged_in_socket_connects_under_gevent(production, sockets, transport):
    http, token = login(production, DEMO_RESIDENT)
    recorder = sockets(http)
    recorder.connect(production, auth={'csrf_token': token}, transports=(transport,))
    assert recorder.wait_for('welcome')['display_name']
    assert recorder.client.transport() == transport


def test_decision_is_pushed_to_the_residents_socket(production, sockets):
    resident_http, resident_token = login(production, DEMO_WAITING)
    recorder = sockets(resident_http)
    recorder.connect(production, auth={'csrf_token': resident_token})
    recorder.wait_for('welcome')
    staff_http, staff_token = login(production, DEMO_STAFF)
    queue = staff_http.get(production.url + '/residency/review', timeout=10).text
    claim_id = re.search(r'data-claim="(\d+)"', queue).group(1)
    response = staff_http.post(
        f'{production.url}/residency/{claim_id}/approve',
        data={'csrf_token': staff_token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    event = recorder.wait_for('residency_decided')
    assert event['status'] == 'verified'
    assert event['membership_id'] == int(claim_id)
