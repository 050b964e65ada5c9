"""Two production server processes share rooms through the Redis message queue (issue 4, "Scale and speed").

Starts two ``gunicorn -k gevent -w 1`` processes on different ports against one database and ``REDIS_URL`` =
``TEST_REDIS_URL``. An event caused by an HTTP request on server A reaches a socket connected to server B.
"""

import os
import re

import pytest
import sqlalchemy as sa

from tests.live.conftest import csrf_from
from tests.live.conftest import login
from tests.live.rejoins import churn
from tests.live.rejoins import duplicates_and_holes
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_servers
from tests.support import is_postgres

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get('TEST_REDIS_URL'),
        reason='needs TEST_REDIS_URL: two server processes share rooms only through the Redis message queue',
    ),
]

DEMO_REPRESENTATIVE = '13800000002'  # a verified adult resident of 东湖社区 who may co-sign the demo topic
WAITING_TOPIC = '3幢加装电梯'  # the demo topic awaiting co-signs, submitted by DEMO_RESIDENT
DEMO_MEETING = '垃圾分类投放点调整议事会'  # the demo meeting in session (online participation open)


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    with live_servers(tmp_path_factory.mktemp('two-processes'), 2, production=True) as servers:
        yield servers


def _topic_id(server) -> int:
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text('SELECT id FROM topics WHERE title = :t'), {'t': WAITING_TOPIC}).scalar_one()
    finally:
        engine.dispose()


def test_the_two_servers_are_separate_processes_on_separate_ports(pair):
    a, b = pair
    assert a.url != b.url
    assert a.process.pid != b.process.pid
    assert a.process.poll() is None
    assert b.process.poll() is None


def test_cosign_on_server_a_reaches_a_topic_viewer_connected_to_server_b(pair, sockets):
    a, b = pair
    topic_id = _topic_id(a)
    viewers = {}
    for name, server in (('on_a', a), ('on_b', b)):
        http, token = login(server, DEMO_RESIDENT)
        recorder = sockets(http)
        recorder.connect(server, auth={'csrf_token': token})
        recorder.wait_for('welcome')
        recorder.client.call('join_topic', {'topic_id': topic_id}, timeout=10)  # acknowledged once joined
        viewers[name] = recorder

    signer, _token = login(a, DEMO_REPRESENTATIVE)
    page = signer.get(f'{a.url}/topics/{topic_id}', timeout=10)
    assert re.search(rf'action="[^"]*/topics/{topic_id}/cosign"', page.text), 'the co-sign form is not on the page'
    response = signer.post(
        f'{a.url}/topics/{topic_id}/cosign',
        data={'csrf_token': csrf_from(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302

    on_b = viewers['on_b'].wait_for('cosign_count')
    assert on_b['topic_id'] == topic_id
    assert on_b['count'] == 1
    assert viewers['on_a'].wait_for('cosign_count') == on_b


def _meeting_id(server) -> int:
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT id FROM meetings WHERE status = 'open' AND title = :t"), {'t': DEMO_MEETING}
            ).scalar_one()
    finally:
        engine.dispose()


def _in_room(server, sockets, mobile, meeting_id):
    http, token = login(server, mobile)
    recorder = sockets(http)
    recorder.connect(server, auth={'csrf_token': token})
    ack = recorder.client.call('meeting:join', {'meeting': meeting_id, 'last_seq': 0}, timeout=10)
    assert ack['ok'], ack
    return recorder


def test_a_live_room_message_sent_through_server_a_reaches_a_participant_on_server_b(pair, sockets):
    a, b = pair
    meeting_id = _meeting_id(a)
    speaker = _in_room(a, sockets, DEMO_RESIDENT, meeting_id)
    listener = _in_room(b, sockets, DEMO_REPRESENTATIVE, meeting_id)

    ack = speaker.client.call(
        'meeting:say', {'meeting': meeting_id, 'body': '两个进程之间', 'client_id': 'two-proc-1'}, timeout=10
    )
    assert ack['ok'], ack

    heard = listener.wait_for('meeting:message')
    assert (heard['meeting'], heard['seq'], heard['body'], heard['client_id']) == (
        meeting_id,
        ack['seq'],
        '两个进程之间',
        'two-proc-1',
    )
    assert speaker.wait_for('meeting:message') == heard


@pytest.mark.skipif(
    not is_postgres(os.environ.get('TEST_DATABASE_URL') or ''),
    reason='needs PostgreSQL (TEST_DATABASE_URL): a busy room on SQLite meets "database is locked"',
)
def test_clients_that_rejoin_through_either_server_get_each_message_once(pair, sockets):
    """Issue 11, item 19, across processes: messages from the other server come through the Redis queue."""
    rejoiners, last = churn(pair, sockets)
    assert sum(r.rejoins for r in rejoiners) >= 100
    for rejoiner in rejoiners:
        assert duplicates_and_holes(rejoiner, last) == ({}, [])
