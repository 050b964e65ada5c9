"""Issue 16: the live room's history in pages over the socket (the Flask-SocketIO test client).

A room opens on its latest page, earlier pages come by sequence number as the reader scrolls back, a gap after a
reconnect is filled a bounded page at a time, and a page refused by the event rate is given once the rate allows.
"""

import time

import pytest

from consult.meetings import history
from consult.meetings import live
from consult.meetings import queries
from tests.meetings import crowd
from tests.meetings.conftest import events


def _join(sio, meeting, last_seq=0, latest=True):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': last_seq, 'latest': latest}, callback=True)


def _back(sio, meeting, before):
    return sio.emit('meeting:history', {'meeting': meeting.id, 'before': before}, callback=True)


@pytest.fixture
def busy(db, cast, open_meeting):
    """The open meeting with 5,000 stored messages."""
    crowd.messages(db, open_meeting, 5_000, [cast.resident.id, cast.neighbour.id])
    db.session.commit()
    return open_meeting


def test_opening_a_room_of_5000_messages_sends_only_its_latest_page(db, cast, busy, sockets):
    ack = _join(sockets(cast.resident), busy)
    assert ack['ok']
    assert [m['seq'] for m in ack['missed']] == list(range(4_901, 5_001))
    assert ack['more'] is False
    assert ack['earlier'] is True
    assert ack['missed'][-1]['body'] == '第5000条'


def test_scrolling_back_gives_the_previous_page_then_the_one_before(db, cast, busy, sockets):
    sio = sockets(cast.resident)
    oldest = _join(sio, busy)['missed'][0]['seq']
    page = _back(sio, busy, oldest)
    assert [m['seq'] for m in page['messages']] == list(range(4_801, 4_901))
    assert page['earlier'] is True
    assert page['messages'][0]['author']['badge'] == 'resident'
    page = _back(sio, busy, 4_801)
    assert [m['seq'] for m in page['messages']] == list(range(4_701, 4_801))
    start = _back(sio, busy, 51)
    assert [m['seq'] for m in start['messages']] == list(range(1, 51))
    assert start['earlier'] is False


def test_a_message_said_after_opening_comes_live_once(db, cast, busy, sockets):
    reader, speaker = sockets(cast.resident), sockets(cast.neighbour)
    _join(reader, busy)
    _join(speaker, busy)
    reader.get_received()
    said = speaker.emit('meeting:say', {'meeting': busy.id, 'body': '新的一条', 'client_id': 'n1'}, callback=True)
    assert said['seq'] == 5_001
    assert [m['seq'] for m in events(reader, 'meeting:message')] == [5_001]
    assert reader.emit('meeting:replay', {'meeting': busy.id, 'after': 5_000}, callback=True)['missed'] == []


def test_a_gap_after_a_reconnect_is_filled_in_bounded_pages(db, cast, busy, sockets):
    sio = sockets(cast.resident)
    ack = _join(sio, busy, last_seq=4_750, latest=False)
    got = [m['seq'] for m in ack['missed']]
    assert len(got) == live.REPLAY_BATCH == history.PAGE
    assert ack['more'] is True
    while ack['more']:
        ack = sio.emit('meeting:replay', {'meeting': busy.id, 'after': got[-1]}, callback=True)
        assert len(ack['missed']) <= history.PAGE
        got += [m['seq'] for m in ack['missed']]
    assert got == list(range(4_751, 5_001))


def test_a_refused_page_is_given_when_asked_again_after_the_limit(db, cast, busy, sockets):
    sio = sockets(cast.resident)
    _join(sio, busy)
    answers = [_back(sio, busy, 4_901) for _ in range(25)]
    refused = [a for a in answers if not a['ok']]
    assert refused, 'twenty-five pages in a moment pass the event rate'
    assert {a['code'] for a in refused} == {'rate_limited'}
    assert all(a['ok'] for a in answers[:19])
    time.sleep(1.1)
    again = _back(sio, busy, 4_901)
    assert again['ok']
    assert [m['seq'] for m in again['messages']] == list(range(4_801, 4_901))


@pytest.mark.parametrize('payload', [None, {}, {'before': 0}, {'before': True}, {'before': '5'}, {'before': -3}])
def test_a_malformed_history_request_is_refused(db, cast, busy, sockets, payload):
    sio = sockets(cast.resident)
    _join(sio, busy)
    data = None if payload is None else {'meeting': busy.id, **payload}
    ack = sio.emit('meeting:history', data, callback=True)
    assert ack['ok'] is False
    assert ack['code'] == 'bad_payload'


def test_history_needs_the_room(db, cast, busy, sockets):
    ack = _back(sockets(cast.resident), busy, 100)
    assert ack == {'ok': False, 'code': 'not_in_room', 'message': ack['message']}
    assert _join(sockets(cast.outsider), busy)['code'] == 'not_found'


def test_a_bad_latest_flag_is_refused(db, cast, busy, sockets):
    ack = sockets(cast.resident).emit('meeting:join', {'meeting': busy.id, 'latest': 'yes'}, callback=True)
    assert ack['code'] == 'bad_payload'


def test_an_empty_room_opens_empty(db, cast, open_meeting, sockets):
    ack = _join(sockets(cast.resident), open_meeting)
    assert ack['missed'] == []
    assert ack['earlier'] is False


def test_opening_and_scrolling_back_read_as_many_statements_in_a_small_room_as_in_a_large_one(
    db, cast, make_meeting, sockets, count_queries
):
    from consult.meetings import operations as ops

    rooms = []
    for size in (150, 5_000):
        meeting = make_meeting()
        ops.open_meeting(cast.director, meeting)
        crowd.messages(db, meeting, size, [cast.resident.id, cast.neighbour.id, cast.director.id])
        rooms.append(meeting)
    db.session.commit()
    counts = []
    for meeting in rooms:
        # Each room is measured cold: the process's badge cache (kept per meeting id) may hold an earlier test's.
        queries._badges.clear()
        sio = sockets(cast.resident)
        with count_queries() as opening:
            oldest = _join(sio, meeting)['missed'][0]['seq']
        with count_queries() as back:
            assert _back(sio, meeting, oldest)['messages']
        counts.append((opening.statements, back.count))
    assert [len(o) for o, _b in counts] == [len(o) for o, _b in counts[:1]] * 2, counts
    assert counts[0][1] == counts[1][1]
