"""Ending a login session on one process disconnects its sockets on another (issue 11, item 2).

Two ``gunicorn -k gevent -w 1`` processes share the Redis message queue. A person logs in, their page's socket
is connected to server B; they log out (or change their password on another device) through server A: the
socket on B is told ``session_ended`` and disconnected at once, before it can speak again.
"""

import os
import time

import pytest

from tests.live.conftest import csrf_from
from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_servers

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get('TEST_REDIS_URL'),
        reason='needs TEST_REDIS_URL: two server processes reach each other only through the Redis message queue',
    ),
]


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    with live_servers(tmp_path_factory.mktemp('session-end'), 2, production=True) as servers:
        yield servers


def _socket_on(server, http, token, sockets):
    recorder = sockets(http)
    recorder.connect(server, auth={'csrf_token': token})
    recorder.wait_for('welcome')
    return recorder


def _disconnected(recorder, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while recorder.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not recorder.client.connected


def test_logout_on_a_ends_the_sessions_socket_on_b(pair, sockets):
    a, b = pair
    http, token = login(a, DEMO_RESIDENT)
    on_b = _socket_on(b, http, token, sockets)
    other_http, other_token = login(a, DEMO_RESIDENT)  # another device of the same person
    other_on_b = _socket_on(b, other_http, other_token, sockets)
    response = http.post(a.url + '/account/logout', data={'csrf_token': token}, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert _disconnected(on_b), b.log_tail()
    assert on_b.wait_for('error')['code'] == 'session_ended'
    time.sleep(0.5)
    assert other_on_b.client.connected  # the other device's session goes on


def test_log_out_other_devices_on_a_ends_the_phones_socket_on_b(pair, sockets):
    a, b = pair
    phone_http, phone_token = login(a, DEMO_RESIDENT)
    phone_on_b = _socket_on(b, phone_http, phone_token, sockets)
    laptop_http, _token = login(a, DEMO_RESIDENT)
    page = laptop_http.get(a.url + '/account/sessions', timeout=10).text
    response = laptop_http.post(
        a.url + '/account/sessions/others', data={'csrf_token': csrf_from(page)}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302
    assert _disconnected(phone_on_b), b.log_tail()
    assert phone_on_b.wait_for('error')['code'] == 'session_ended'
    assert phone_http.get(a.url + '/topics/mine', allow_redirects=False, timeout=10).status_code == 302
