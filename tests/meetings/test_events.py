"""The live room over Socket.IO (the Flask-SocketIO test client; real servers are in tests/live/)."""

import pytest
import sqlalchemy as sa

from consult.meetings.models import Attendance
from consult.meetings.models import LiveMessage
from consult.meetings.models import Presence
from tests.meetings.conftest import events


def join(sio, meeting, last_seq=0):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': last_seq}, callback=True)


def say(sio, meeting, body, client_id):
    return sio.emit('meeting:say', {'meeting': meeting.id, 'body': body, 'client_id': client_id}, callback=True)


def test_join_signs_in_online_and_pushes_presence_and_quorum(db, cast, open_meeting, sockets):
    chair = sockets(cast.director)
    assert join(chair, open_meeting)['ok']
    chair.get_received()
    resident = sockets(cast.resident)
    ack = join(resident, open_meeting)
    assert ack['ok']
    assert ack['rights']['chat']
    assert not ack['rights']['chair']
    assert ack['quorum'] == {'meeting': open_meeting.id, 'present': 1, 'members': 4, 'required': 3, 'met': False}
    assert db.session.scalar(sa.select(Attendance.method).where(Attendance.user_id == cast.resident.id)) == 'online'
    pushed = chair.get_received()
    names = [e['name'] for e in pushed]
    assert 'meeting:presence' in names
    assert 'meeting:quorum' in names
    presence = [e['args'][0] for e in pushed if e['name'] == 'meeting:presence'][-1]
    assert {p['id'] for p in presence['people']} == {cast.director.id, cast.resident.id}
    assert {p['badge'] for p in presence['people']} == {'chair', 'resident'}


def test_a_message_reaches_the_others_in_the_room_only(db, cast, open_meeting, sockets):
    a, b, outside = sockets(cast.resident), sockets(cast.neighbour), sockets(cast.outsider)
    join(a, open_meeting), join(b, open_meeting)
    assert not join(outside, open_meeting)['ok']
    for s in (a, b, outside):
        s.get_received()
    ack = say(a, open_meeting, '大家好', 'x1')
    assert ack == {'ok': True, 'seq': 1, 'duplicate': False}
    [message] = events(b, 'meeting:message')
    assert message['seq'] == 1
    assert message['body'] == '大家好'
    assert message['author']['badge'] == 'resident'
    assert events(outside, 'meeting:message') == []


def test_reconnecting_client_gets_exactly_what_it_missed_in_order(db, cast, open_meeting, sockets):
    a, b = sockets(cast.resident), sockets(cast.neighbour)
    join(a, open_meeting), join(b, open_meeting)
    say(a, open_meeting, '一', 'm1')
    seen = [m['seq'] for m in events(b, 'meeting:message')]
    assert seen == [1]
    b.disconnect()
    for n, text in enumerate(('二', '三', '四'), start=2):
        say(a, open_meeting, text, f'm{n}')
    b2 = sockets(cast.neighbour)
    ack = join(b2, open_meeting, last_seq=seen[-1])
    assert [(m['seq'], m['body']) for m in ack['missed']] == [(2, '二'), (3, '三'), (4, '四')]
    assert ack['seq'] == 4
    assert not ack['more']
    # A replay sends what this socket was not sent: 3 and 4 came in the join's answer.
    replay = b2.emit('meeting:replay', {'meeting': open_meeting.id, 'after': 2}, callback=True)
    assert replay['missed'] == []
    say(a, open_meeting, '五', 'm5')
    assert [m['seq'] for m in events(b2, 'meeting:message')] == [5]
    assert b2.emit('meeting:replay', {'meeting': open_meeting.id, 'after': 2}, callback=True)['missed'] == []
    b3 = sockets(cast.neighbour)
    assert [m['seq'] for m in join(b3, open_meeting, last_seq=3)['missed']] == [4, 5]


def test_resending_after_a_lost_ack_does_not_duplicate(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    join(a, open_meeting)
    assert say(a, open_meeting, '同一条', 'same')['seq'] == 1
    assert say(a, open_meeting, '同一条', 'same') == {'ok': True, 'seq': 1, 'duplicate': True}
    assert db.session.scalar(sa.select(sa.func.count(LiveMessage.id))) == 1


@pytest.mark.parametrize(
    ('name', 'payload', 'code'),
    [
        ('meeting:say', None, 'bad_payload'),
        ('meeting:say', 'text', 'bad_payload'),
        ('meeting:say', {'meeting': 'x'}, 'bad_payload'),
        ('meeting:say', {'meeting': 99999, 'body': 'hi', 'client_id': 'a'}, 'not_in_room'),
        ('meeting:say', {'body': 'hi', 'client_id': 'a'}, 'bad_payload'),
        ('meeting:floor', {'user': 1, 'minutes': 3}, 'bad_payload'),
        ('meeting:join', {'meeting': True}, 'bad_payload'),
        ('meeting:join', {'meeting': 1, 'last_seq': -1}, 'bad_payload'),
        ('meeting:replay', {'meeting': 1, 'after': 0}, 'not_in_room'),
        ('meeting:presence', {'meeting': 1}, 'not_in_room'),
        ('meeting:presence', None, 'bad_payload'),
        ('meeting:hide', [1, 2], 'bad_payload'),
    ],
)
def test_bad_events_get_an_error_event_and_the_connection_stays(db, cast, open_meeting, sockets, name, payload, code):
    a = sockets(cast.resident)
    ack = a.emit(name, payload, callback=True)
    assert ack['ok'] is False
    assert ack['code'] == code
    [error] = events(a, 'error')
    assert error['code'] == code
    assert error['message']
    assert a.is_connected()
    assert join(a, open_meeting)['ok']


def test_events_for_a_room_not_joined_are_refused(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    ack = say(a, open_meeting, '没进房间', 'n1')
    assert ack['code'] == 'not_in_room'
    assert db.session.scalar(sa.select(sa.func.count(LiveMessage.id))) == 0


def test_oversized_and_flooding_messages_are_refused_and_the_connection_stays(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    join(a, open_meeting)
    assert say(a, open_meeting, 'x' * 100_000, 'big')['code'] == 'too_long'
    codes = [say(a, open_meeting, f'刷屏{n}', f'f{n}').get('code') for n in range(12)]
    assert codes[:10] == [None] * 10
    assert codes[10:] == ['rate_limited', 'rate_limited']
    assert a.is_connected()


def test_an_observer_cannot_send_until_given_the_floor(db, cast, make_meeting, sockets):
    from consult.meetings import operations as ops
    from consult.meetings import roster

    meeting = make_meeting()
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    ops.open_meeting(cast.director, meeting)
    db.session.commit()
    deputy, chair = sockets(cast.deputy), sockets(cast.director)
    assert join(deputy, meeting)['rights']['chat'] is False
    join(chair, meeting)
    assert say(deputy, meeting, '我想发言', 'd1')['code'] == 'no_floor'
    assert deputy.emit('meeting:hand', {'meeting': meeting.id}, callback=True)['ok']
    chair.get_received()
    assert chair.emit('meeting:floor', {'meeting': meeting.id, 'user': cast.deputy.id, 'minutes': 2}, callback=True)[
        'ok'
    ]
    state = events(deputy, 'meeting:state')[-1]
    assert state['speaker']['id'] == cast.deputy.id
    assert state['speaker']['ends_at']
    assert say(deputy, meeting, '我想发言', 'd1')['ok']


def test_disconnect_removes_presence(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    join(a, open_meeting)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Presence)) == 1
    a.disconnect()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Presence)) == 0


def test_a_flood_of_joins_and_control_events_is_refused_and_the_connection_stays(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    codes = [join(a, open_meeting).get('code') for _n in range(25)]
    assert codes.count(None) >= 1
    assert 'rate_limited' in codes
    assert a.is_connected()


def test_a_seated_message_costs_one_statement_on_postgresql_and_two_on_sqlite(
    db, cast, open_meeting, sockets, count_queries
):
    a = sockets(cast.resident)
    join(a, open_meeting)
    say(a, open_meeting, '热身', 'w1')
    payload = {'meeting': open_meeting.id, 'body': '只用一条语句', 'client_id': 'fast-1'}
    with count_queries() as counter:
        assert a.emit('meeting:say', payload, callback=True)['seq'] == 2
    writes = [s for s in counter.statements if not s.lstrip().upper().startswith(('BEGIN', 'COMMIT'))]
    assert len(writes) == (1 if db.engines[None].dialect.name == 'postgresql' else 2), writes
    assert db.session.scalar(sa.select(LiveMessage.body).where(LiveMessage.client_id == 'fast-1')) == '只用一条语句'


def test_a_seated_socket_still_meets_the_mute_and_the_closing(db, cast, open_meeting, sockets):
    from consult.meetings import checkin
    from consult.meetings import live
    from consult.meetings import operations as ops

    a = sockets(cast.resident)
    join(a, open_meeting)
    assert say(a, open_meeting, '第一句', 's1')['ok']
    live.set_mute(cast.director, open_meeting, cast.resident.id, True, '刷屏')
    db.session.commit()
    assert say(a, open_meeting, '被禁言后', 's2')['code'] == 'muted'
    live.set_mute(cast.director, open_meeting, cast.resident.id, False)
    db.session.commit()
    assert say(a, open_meeting, '解除后', 's3')['ok']
    checkin.mark_present(cast.staff, open_meeting, cast.resident)
    ops.save_minutes(cast.staff, open_meeting, '记录', 0)
    ops.close_meeting(cast.director, open_meeting, 'no_consensus', '再议')
    db.session.commit()
    assert say(a, open_meeting, '散会后', 's4')['code'] == 'not_open'
    assert [b for (b,) in db.session.execute(sa.select(LiveMessage.body).order_by(LiveMessage.seq))] == [
        '第一句',
        '解除后',
    ]


def test_presence_pushes_carry_the_names_only_when_they_changed(db, cast, open_meeting, sockets):
    chair = sockets(cast.director)
    assert join(chair, open_meeting)['ok']
    resident = sockets(cast.resident)
    ack = join(resident, open_meeting)
    [first] = events(chair, 'meeting:presence')[-1:]
    assert [p['id'] for p in first['people']] == [cast.director.id, cast.resident.id]
    assert first['digest'] == ack['presence']['digest']

    # a second tab of the resident: the same people, so the push is the count and the digest only
    join(sockets(cast.resident), open_meeting)
    [same] = events(chair, 'meeting:presence')
    assert same == {'meeting': open_meeting.id, 'count': 2, 'people': None, 'digest': first['digest']}

    join(sockets(cast.neighbour), open_meeting)
    [changed] = events(chair, 'meeting:presence')
    assert changed['count'] == 3
    assert [p['id'] for p in changed['people']][-1] == cast.neighbour.id
    assert changed['digest'] != first['digest']


def test_a_client_asks_for_the_names_again(db, cast, open_meeting, sockets):
    resident, outsider = sockets(cast.resident), sockets(cast.outsider)
    join(resident, open_meeting)
    join(sockets(cast.neighbour), open_meeting)
    ask = {'meeting': open_meeting.id}
    answer = resident.emit('meeting:presence', ask, callback=True)
    assert answer['ok']
    assert [p['id'] for p in answer['presence']['people']] == [cast.resident.id, cast.neighbour.id]
    assert answer['presence']['count'] == 2
    # asking again gives the names again (an answer is never the pushes' "unchanged")
    assert resident.emit('meeting:presence', ask, callback=True)['presence']['people']
    assert outsider.emit('meeting:presence', ask, callback=True)['code'] == 'not_in_room'
    assert resident.emit('meeting:presence', {'meeting': 'x'}, callback=True)['code'] == 'bad_payload'
    assert resident.is_connected()
