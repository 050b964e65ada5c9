"""Socket limits against real servers (issue 11, item 14; consult/socket_limits.py), with small limits.

With ``TEST_REDIS_URL`` two servers share the count of a person's sockets through Redis; without it one
server counts in its process.
"""

import json
import os
import time

import pytest
import requests
import websocket

from tests.live.conftest import USER_AGENT
from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_servers

pytestmark = pytest.mark.live

PER_USER = 3
TIMEOUT = 1.5
PENDING = 6
MESSAGE_BYTES = 4096
TRANSPORT_BYTES = 16384


@pytest.fixture(scope='module')
def servers(tmp_path_factory):
    env = {
        'CONSULT_SOCKETIO_MAX_SOCKETS_PER_USER': str(PER_USER),
        'CONSULT_SOCKETIO_CONNECT_TIMEOUT': str(TIMEOUT),
        'CONSULT_SOCKETIO_MAX_PENDING': str(PENDING),
        'CONSULT_SOCKETIO_MAX_MESSAGE_BYTES': str(MESSAGE_BYTES),
        'CONSULT_SOCKETIO_MAX_TRANSPORT_BYTES': str(TRANSPORT_BYTES),
    }
    count = 2 if os.environ.get('TEST_REDIS_URL') else 1
    with live_servers(tmp_path_factory.mktemp('limits'), count, env=env) as running:
        yield running


def _connected(server, sockets, http, token):
    recorder = sockets(http)
    try:
        recorder.connect(server, auth={'csrf_token': token})
    except Exception:
        return recorder
    recorder.wait_for('welcome')
    return recorder


def test_a_person_has_at_most_the_configured_number_of_sockets(servers, sockets):
    a, b = servers[0], servers[-1]
    http_a, token_a = login(a, DEMO_RESIDENT)
    http_b, token_b = login(b, DEMO_RESIDENT)
    held = [_connected(a, sockets, http_a, token_a) for _ in range(PER_USER - 1)]
    held.append(_connected(b, sockets, http_b, token_b))
    assert all(r.client.connected for r in held)

    refused = _connected(b, sockets, http_b, token_b)
    assert not refused.client.connected
    assert refused.connect_errors, 'no connect_error'
    assert refused.connect_errors[-1]['message']  # the page shows it

    held[0].client.disconnect()
    time.sleep(0.5)
    again = _connected(b, sockets, http_b, token_b)
    assert again.client.connected


def _handshake(server) -> requests.Response:
    return requests.get(
        server.url + '/socket.io/?EIO=4&transport=polling', headers={'User-Agent': USER_AGENT}, timeout=10
    )


def _sid(response) -> str:
    assert response.status_code == 200, response.text
    return json.loads(response.text[1:])['sid']


def test_a_handshake_that_never_connects_is_closed_after_the_timeout(servers):
    server = servers[0]
    sid = _sid(_handshake(server))
    ws = websocket.create_connection(
        server.url.replace('http://', 'ws://', 1) + '/socket.io/?EIO=4&transport=websocket',
        header=[f'User-Agent: {USER_AGENT}'],
        timeout=10,
    )
    try:
        assert ws.recv().startswith('0{')
        time.sleep(TIMEOUT + 2.5)
        poll = requests.get(
            f'{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}', headers={'User-Agent': USER_AGENT}, timeout=10
        )
        assert poll.status_code == 400 or poll.text.startswith('1'), poll.text  # unknown session, or a close packet
        closed = False
        try:
            while True:
                frame = ws.recv()
                if not frame or frame.startswith('1'):
                    closed = True
                    break
                if frame == '2':
                    ws.send('3')  # answer pings: only the missing Socket.IO connection may close it
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
            closed = True
        assert closed
    finally:
        ws.close()


def test_handshakes_that_never_connect_are_capped(servers):
    server = servers[0]
    time.sleep(TIMEOUT + 2)  # earlier tests' sessions are swept
    opened = [_handshake(server) for _ in range(PENDING)]
    assert [r.status_code for r in opened] == [200] * PENDING
    assert _handshake(server).status_code == 401
    time.sleep(TIMEOUT + 2)
    assert _handshake(server).status_code == 200


def test_a_message_over_the_limit_gets_an_error_and_the_socket_stays(servers, sockets):
    server = servers[0]
    http, token = login(server, DEMO_RESIDENT)
    recorder = _connected(server, sockets, http, token)
    recorder.client.emit('meeting:ping', {'meeting': 1, 'padding': 'x' * (MESSAGE_BYTES + 100)})
    error = recorder.wait_for('error')
    assert error['code'] == 'too_large'
    assert str(MESSAGE_BYTES) in error['message']
    assert recorder.client.connected
    answer = recorder.client.call('meeting:ping', {'meeting': 1}, timeout=10)
    assert answer['code'] == 'not_in_room'  # handled as usual
    # Chinese text counts in bytes: 1,400 characters are 4,200 bytes.
    recorder.client.emit('meeting:ping', {'meeting': 1, 'padding': '长' * 1400})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len([e for e in recorder.events['error'] if e['code'] == 'too_large']) < 2:
        time.sleep(0.05)
    assert [e['code'] for e in recorder.events['error']].count('too_large') == 2


def test_a_frame_over_the_transport_limit_closes_the_connection(servers, sockets):
    server = servers[0]
    http, token = login(server, DEMO_RESIDENT)
    recorder = _connected(server, sockets, http, token)
    recorder.client.emit('meeting:ping', {'meeting': 1, 'padding': 'x' * (TRANSPORT_BYTES + 100)})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and recorder.client.connected:
        time.sleep(0.1)
    assert not recorder.client.connected
