"""Issue 16 over a real socket (a real server process, websockets): the room's history in pages.

The demo meeting in session is given 1,000 stored messages on a server of its own. A reader opening the room is
sent the latest page only; scrolling back by ``meeting:history`` walks every earlier page to the first message;
a reconnect with a ``last_seq`` is filled forward in bounded pages; together each message arrives once.
"""

import time

import pytest
import sqlalchemy as sa

from tests.live.conftest import login
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_server

pytestmark = pytest.mark.live

STORED = 1_000
MEETING_TITLE = '垃圾分类投放点调整议事会'


@pytest.fixture(scope='module')
def busy(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp('live-history')) as server:
        engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            meeting = conn.execute(sa.text('SELECT id FROM meetings WHERE title = :t'), {'t': MEETING_TITLE}).scalar()
            author = conn.execute(
                sa.text('SELECT user_id FROM meeting_participants WHERE meeting_id = :m ORDER BY id LIMIT 1'),
                {'m': meeting},
            ).scalar()
            conn.execute(sa.text('DELETE FROM meeting_messages WHERE meeting_id = :m'), {'m': meeting})
            conn.execute(
                sa.text(
                    'INSERT INTO meeting_messages (meeting_id, seq, author_id, client_id, body, created_at) '
                    'VALUES (:m, :seq, :author, :client, :body, CURRENT_TIMESTAMP)'
                ),
                [
                    {'m': meeting, 'seq': s, 'author': author, 'client': f'l{s}', 'body': f'第{s}条'}
                    for s in range(1, STORED + 1)
                ],
            )
            conn.execute(sa.text('UPDATE meetings SET last_seq = :n WHERE id = :m'), {'n': STORED, 'm': meeting})
        engine.dispose()
        yield server, meeting


def _call(recorder, name, data):
    """A page, asked again after a refusal by the event rate (as the room's client does)."""
    for wait in (0, 0.25, 0.5, 1, 2, 4):
        time.sleep(wait)
        ack = recorder.client.call(name, data, timeout=10)
        if ack.get('code') != 'rate_limited':
            return ack
    raise AssertionError(f'{name} refused throughout')


def test_opening_then_scrolling_back_gives_every_message_once(busy, sockets):
    server, meeting = busy
    http, token = login(server, DEMO_RESIDENT)
    reader = sockets(http)
    reader.connect(server, auth={'csrf_token': token})
    ack = _call(reader, 'meeting:join', {'meeting': meeting, 'last_seq': 0, 'latest': True})
    assert ack['ok'], ack
    got = [m['seq'] for m in ack['missed']]
    assert got == list(range(STORED - 99, STORED + 1))
    assert ack['earlier']
    assert not ack['more']
    earlier = ack['earlier']
    while earlier:
        page = _call(reader, 'meeting:history', {'meeting': meeting, 'before': got[0]})
        assert page['ok'], page
        assert 0 < len(page['messages']) <= 100
        got = [m['seq'] for m in page['messages']] + got
        earlier = page['earlier']
    assert got == list(range(1, STORED + 1))


def test_a_reconnect_is_filled_forward_in_bounded_pages(busy, sockets):
    server, meeting = busy
    http, token = login(server, DEMO_RESIDENT)
    reader = sockets(http)
    reader.connect(server, auth={'csrf_token': token})
    ack = _call(reader, 'meeting:join', {'meeting': meeting, 'last_seq': 650})
    got = [m['seq'] for m in ack['missed']]
    assert len(got) == 100
    while ack['more']:
        ack = _call(reader, 'meeting:replay', {'meeting': meeting, 'after': got[-1]})
        assert len(ack['missed']) <= 100
        got += [m['seq'] for m in ack['missed']]
    assert got == list(range(651, STORED + 1))
