"""Keep-alive on the production server: sockets answer Engine.IO pings for as long as they stay.

``gunicorn -k gevent`` with a 1-second ping interval and timeout, so several ping rounds pass in a few seconds.
A participant who sits quietly in the room must stay connected and still receive what is said there; the
websocket writes of ``consult/websocket.py`` carry the pings like any other packet.
"""

import time

import pytest

from tests.live.test_meeting_room import _joined
from tests.live.test_meeting_room import _wait
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_server

pytestmark = pytest.mark.live

DEMO_REPRESENTATIVE = '13800000002'
QUIET_SECONDS = 6


@pytest.fixture(scope='module')
def production(tmp_path_factory):
    env = {'CONSULT_SOCKETIO_PING_INTERVAL': '1', 'CONSULT_SOCKETIO_PING_TIMEOUT': '1'}
    with live_server(tmp_path_factory.mktemp('keepalive'), production=True, env=env) as server:
        yield server


def test_quiet_participants_stay_connected_through_many_pings(production, sockets):
    speaker, meeting, _ack = _joined(production, sockets, DEMO_RESIDENT)
    listener, _meeting, _ack = _joined(production, sockets, DEMO_REPRESENTATIVE)
    time.sleep(QUIET_SECONDS)  # six ping rounds with nothing else on the sockets
    assert listener.client.connected
    assert speaker.client.connected
    assert 'disconnect' not in listener.events
    sent = speaker.client.call('meeting:say', {'meeting': meeting, 'body': '还在吗', 'client_id': 'ka-1'}, timeout=10)
    assert sent['ok'], sent
    [message] = _wait(listener, 'meeting:message', lambda e: e['client_id'] == 'ka-1')
    assert message['seq'] == sent['seq']
