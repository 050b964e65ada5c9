"""The live room against a real server process: websockets and long-polling, replay after a reconnect."""

import os
import re
import time

import pytest

from tests.live.conftest import login
from tests.live.rejoins import churn
from tests.live.rejoins import duplicates_and_holes
from tests.live_server import DEMO_RESIDENT
from tests.support import is_postgres

pytestmark = pytest.mark.live

DEMO_REPRESENTATIVE = '13800000002'


def _meeting_id(live, http) -> int:
    page = http.get(live.url + '/topics/', timeout=10).text
    topic = re.search(r'href="/topics/(\d+)"[^>]*>[^<]*垃圾分类投放点调整', page)
    detail = http.get(f'{live.url}/topics/{topic.group(1)}', timeout=10).text
    return int(re.search(r'href="/meetings/(\d+)"', detail).group(1))


def _joined(live, sockets, mobile, transports=('websocket',), last_seq=0):
    http, token = login(live, mobile)
    recorder = sockets(http)
    recorder.connect(live, auth={'csrf_token': token}, transports=transports)
    meeting = _meeting_id(live, http)
    ack = recorder.client.call('meeting:join', {'meeting': meeting, 'last_seq': last_seq}, timeout=10)
    assert ack['ok'], ack
    return recorder, meeting, ack


def _wait(recorder, name, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in recorder.events.get(name, []) if predicate(e)]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f'no matching {name} within {timeout} s: {recorder.events.get(name)}')


def test_a_long_polling_client_takes_part_like_a_websocket_one(live, sockets):
    speaker, meeting, _ack = _joined(live, sockets, DEMO_RESIDENT)
    listener, _meeting, _ack = _joined(live, sockets, DEMO_REPRESENTATIVE, transports=('polling',))
    assert listener.client.transport() == 'polling'
    sent = speaker.client.call('meeting:say', {'meeting': meeting, 'body': '轮询也能收到', 'client_id': 'lp-1'})
    assert sent['ok']
    [message] = _wait(listener, 'meeting:message', lambda e: e['client_id'] == 'lp-1')
    assert message['seq'] == sent['seq']
    assert message['body'] == '轮询也能收到'
    answer = listener.client.call('meeting:say', {'meeting': meeting, 'body': '我用轮询发言', 'client_id': 'lp-2'})
    assert answer['ok']
    _wait(speaker, 'meeting:message', lambda e: e['client_id'] == 'lp-2')


def test_a_client_that_reconnects_gets_exactly_what_it_missed(live, sockets):
    speaker, meeting, _ack = _joined(live, sockets, DEMO_RESIDENT)
    listener, _meeting, first = _joined(live, sockets, DEMO_REPRESENTATIVE)
    seen = first['seq']
    listener.client.disconnect()
    sent = [
        speaker.client.call('meeting:say', {'meeting': meeting, 'body': f'断线期间 {n}', 'client_id': f'rc-{seen}-{n}'})
        for n in range(5)
    ]
    assert all(s['ok'] for s in sent)
    again, _meeting, ack = _joined(live, sockets, DEMO_REPRESENTATIVE, last_seq=seen)
    missed = [m for m in ack['missed'] if m['client_id'].startswith(f'rc-{seen}-')]
    assert [m['seq'] for m in missed] == [s['seq'] for s in sent]
    assert [m['seq'] for m in ack['missed']] == sorted({m['seq'] for m in ack['missed']})
    assert ack['missed'][-1]['seq'] == ack['seq']
    # A resend of the last message with the same client id is answered, not stored again.
    resend = speaker.client.call('meeting:say', {'meeting': meeting, 'body': '断线期间 4', 'client_id': f'rc-{seen}-4'})
    assert resend == {'ok': True, 'seq': sent[-1]['seq'], 'duplicate': True}
    assert again.client.connected


def test_websockets_are_not_compressed_per_recipient(live):
    """The server declines permessage-deflate (a room's fan-out would compress each message once per socket)."""
    import websocket

    url = live.url.replace('http://', 'ws://', 1) + '/socket.io/?EIO=4&transport=websocket'
    ws = websocket.create_connection(
        url,
        header=['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
        timeout=10,
    )
    try:
        headers = {key.lower(): value for key, value in ws.getheaders().items()}
        assert 'sec-websocket-extensions' not in headers
        assert ws.recv().startswith('0{')  # the engine.io handshake still works
    finally:
        ws.close()


@pytest.mark.skipif(
    not is_postgres(os.environ.get('TEST_DATABASE_URL') or ''),
    reason='needs PostgreSQL (TEST_DATABASE_URL): a busy room on SQLite meets "database is locked"',
)
def test_clients_that_rejoin_during_a_busy_chat_get_each_message_once(live, sockets):
    """Issue 11, item 19: a message stored while a client joins came both live and in the join's replay."""
    rejoiners, last = churn([live], sockets)
    assert sum(r.rejoins for r in rejoiners) >= 100
    assert last - min(r.first for r in rejoiners) >= 60, 'the chat was not busy'
    for rejoiner in rejoiners:
        assert duplicates_and_holes(rejoiner, last) == ({}, [])
