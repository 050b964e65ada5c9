"""The live room's video call over Socket.IO: who may join, who may send, and a relay that goes nowhere else."""

import base64
import hashlib
import hmac

import pytest

from consult.meetings import operations as ops
from consult.meetings import roster
from consult.meetings import video
from tests.meetings.conftest import events
from tests.meetings.test_events import join

OFFER = {'type': 'offer', 'sdp': 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n'}
ICE = {'candidate': 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', 'sdpMid': '0', 'sdpMLineIndex': 0}


@pytest.fixture
def video_meeting(db, cast, make_meeting):
    meeting = make_meeting(form='video')
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    ops.open_meeting(cast.director, meeting)
    db.session.commit()
    return meeting


def call(sio, meeting):
    return sio.emit('meeting:call_join', {'meeting': meeting.id}, callback=True)


def signal(sio, meeting, to, kind='offer', data=None):
    payload = {'meeting': meeting.id, 'to': to, 'kind': kind, 'data': OFFER if data is None else data}
    return sio.emit('meeting:signal', payload, callback=True)


def in_call(user, meeting, sockets):
    sio = sockets(user)
    assert join(sio, meeting)['ok']
    ack = call(sio, meeting)
    assert ack['ok'], ack
    sio.get_received()
    return sio, ack['me']


def test_members_join_the_call_and_everyone_in_the_room_sees_who_is_on_it(db, cast, video_meeting, sockets):
    chair = sockets(cast.director)
    join(chair, video_meeting)
    a, a_sid = in_call(cast.resident, video_meeting, sockets)
    b = sockets(cast.neighbour)
    join(b, video_meeting)
    ack = call(b, video_meeting)
    assert ack['ok']
    assert ack['sends'] is True
    assert [m['user'] for m in ack['members']] == [cast.resident.id, cast.neighbour.id]  # in the order they came
    assert ack['members'][0]['sid'] == a_sid
    pushed = events(chair, 'meeting:call')[-1]
    assert pushed['meeting'] == video_meeting.id
    assert {m['user'] for m in pushed['members']} == {cast.resident.id, cast.neighbour.id}
    assert events(a, 'meeting:call')[-1] == pushed


def test_an_offer_goes_to_its_member_only_and_nowhere_else(db, cast, video_meeting, sockets):
    a, a_sid = in_call(cast.resident, video_meeting, sockets)
    b, b_sid = in_call(cast.neighbour, video_meeting, sockets)
    watcher = sockets(cast.neighbour2)  # in the room, not in the call
    join(watcher, video_meeting)
    watcher.get_received()
    assert signal(a, video_meeting, b_sid) == {'ok': True}
    assert signal(a, video_meeting, b_sid, 'ice', ICE) == {'ok': True}
    relayed = events(b, 'meeting:signal')
    assert [(s['sender'], s['kind']) for s in relayed] == [(a_sid, 'offer'), (a_sid, 'ice')]
    assert relayed[0]['data'] == OFFER
    assert relayed[1]['data'] == ICE
    assert events(watcher, 'meeting:signal') == []
    assert events(a, 'meeting:signal') == []


@pytest.mark.parametrize(
    ('kind', 'data'),
    [
        ('renegotiate', OFFER),
        ('offer', {'type': 'answer', 'sdp': 'v=0'}),
        ('offer', {'type': 'offer', 'sdp': 'x' * (video.SDP_MAX + 1)}),
        ('offer', 'v=0'),
        ('ice', {'candidate': 'c' * (video.CANDIDATE_MAX + 1)}),
        ('ice', {'candidate': 'candidate:1', 'sdpMLineIndex': 'zero'}),
        ('ice', {'candidate': 'candidate:1', 'sdpMLineIndex': True}),
    ],
)
def test_malformed_signals_are_refused_and_the_connection_stays(db, cast, video_meeting, sockets, kind, data):
    a, _a_sid = in_call(cast.resident, video_meeting, sockets)
    b, b_sid = in_call(cast.neighbour, video_meeting, sockets)
    ack = signal(a, video_meeting, b_sid, kind, data)
    assert ack['code'] == 'bad_payload'
    assert events(a, 'error')[-1]['code'] == 'bad_payload'
    assert events(b, 'meeting:signal') == []
    assert a.is_connected()
    assert signal(a, video_meeting, b_sid) == {'ok': True}


def test_signals_to_or_from_outside_the_call_are_refused(db, cast, video_meeting, sockets):
    a, a_sid = in_call(cast.resident, video_meeting, sockets)
    watcher = sockets(cast.neighbour2)
    join(watcher, video_meeting)
    watcher_sid = call(watcher, video_meeting)['me']
    watcher.emit('meeting:call_leave', {'meeting': video_meeting.id}, callback=True)
    watcher.get_received()
    assert signal(a, video_meeting, watcher_sid)['code'] == 'not_in_call'  # in the room, not in the call
    assert signal(watcher, video_meeting, a_sid)['code'] == 'not_in_call'
    assert signal(a, video_meeting, a_sid)['code'] == 'not_in_call'  # not to oneself
    assert signal(a, video_meeting, 'no-such-socket')['code'] == 'not_in_call'
    assert events(watcher, 'meeting:signal') == []
    outsider = sockets(cast.outsider)
    assert signal(outsider, video_meeting, a_sid)['code'] == 'not_in_room'


def test_only_meetings_held_by_video_have_a_call(db, cast, open_meeting, sockets):
    a = sockets(cast.resident)
    join(a, open_meeting)  # an online (text) meeting
    ack = call(a, open_meeting)
    assert ack['code'] == 'no_video'
    assert events(a, 'error')[-1]['code'] == 'no_video'


def test_the_call_holds_its_maximum_and_a_place_frees_when_someone_leaves(app, db, cast, video_meeting, sockets):
    app.config['VIDEO_CALL_MAX'] = 2
    try:
        a, _a_sid = in_call(cast.resident, video_meeting, sockets)
        in_call(cast.neighbour, video_meeting, sockets)
        c = sockets(cast.neighbour2)
        join(c, video_meeting)
        assert call(c, video_meeting)['code'] == 'call_full'
        a.disconnect()  # leaving the room leaves the call
        ack = call(c, video_meeting)
        assert ack['ok']
        assert [m['user'] for m in ack['members']] == [cast.neighbour.id, cast.neighbour2.id]
    finally:
        app.config['VIDEO_CALL_MAX'] = 6


def test_observers_watch_until_given_the_floor_and_a_muted_member_stops_sending(db, cast, video_meeting, sockets):
    chair = sockets(cast.director)
    join(chair, video_meeting)
    deputy = sockets(cast.deputy)
    join(deputy, video_meeting)
    assert call(deputy, video_meeting)['sends'] is False  # 列席: sees and listens
    resident, _sid = in_call(cast.resident, video_meeting, sockets)
    assert deputy.emit('meeting:hand', {'meeting': video_meeting.id}, callback=True)['ok']
    chair.get_received()
    floor = {'meeting': video_meeting.id, 'user': cast.deputy.id, 'minutes': 2}
    assert chair.emit('meeting:floor', floor, callback=True)['ok']
    members = {m['user']: m for m in events(resident, 'meeting:call')[-1]['members']}
    assert members[cast.deputy.id]['sends'] is True
    mute = {'meeting': video_meeting.id, 'user': cast.resident.id, 'muted': True, 'reason': '离题'}
    assert chair.emit('meeting:mute', mute, callback=True)['ok']
    members = {m['user']: m for m in events(deputy, 'meeting:call')[-1]['members']}
    assert members[cast.resident.id]['sends'] is False


def test_signalling_is_rate_limited_apart_from_chat(db, cast, video_meeting, sockets):
    a, _a_sid = in_call(cast.resident, video_meeting, sockets)
    _b, b_sid = in_call(cast.neighbour, video_meeting, sockets)
    codes = [signal(a, video_meeting, b_sid, 'ice', ICE).get('code') for _n in range(320)]
    assert codes[:250].count(None) == 250  # a burst of candidates is normal
    assert 'rate_limited' in codes
    assert a.is_connected()


def test_turn_credentials_expire_and_are_signed_with_the_shared_secret(app, cast):
    app.config.update(VIDEO_TURN_URLS=['turn:turn.example.org:3478'], VIDEO_TURN_SECRET='s3cret', VIDEO_TURN_TTL=600)
    try:
        with app.test_request_context():
            [turn] = video.ice_servers(cast.resident, now=1_800_000_000)
    finally:
        app.config.update(VIDEO_TURN_URLS=[], VIDEO_TURN_SECRET=None)
    assert turn['urls'] == ['turn:turn.example.org:3478']
    assert turn['username'] == f'1800000600:{cast.resident.id}'
    expected = hmac.new(b's3cret', turn['username'].encode(), hashlib.sha1).digest()
    assert turn['credential'] == base64.b64encode(expected).decode()
    with app.test_request_context():
        assert video.ice_servers(cast.resident) == []  # nothing configured: host candidates only (a LAN)


def test_the_call_needs_the_room_and_a_meeting_in_session(db, cast, make_meeting, sockets):
    scheduled = make_meeting(form='video')  # notice sent, not yet opened
    a = sockets(cast.resident)
    assert call(a, scheduled)['code'] == 'not_in_room'  # the room first
    assert join(a, scheduled)['ok']
    assert call(a, scheduled)['code'] == 'wrong_state'
    assert a.emit('meeting:call_join', {'meeting': 'one'}, callback=True)['code'] == 'bad_payload'
    assert a.emit('meeting:call_join', 'nonsense', callback=True)['code'] == 'bad_payload'
    assert a.is_connected()


def test_joining_twice_keeps_one_place(db, cast, video_meeting, sockets):
    a, a_sid = in_call(cast.resident, video_meeting, sockets)
    ack = call(a, video_meeting)
    assert ack['ok']
    assert [m['sid'] for m in ack['members']] == [a_sid]


def test_the_relay_only_policy_reaches_the_browser_and_needs_a_turn_server(app, cast, video_meeting, sockets):
    a = sockets(cast.resident)
    assert join(a, video_meeting)['ok']
    assert call(a, video_meeting)['ice_policy'] == 'all'
    assert a.emit('meeting:call_leave', {'meeting': video_meeting.id}, callback=True)['ok']
    app.config.update(VIDEO_ICE_POLICY='relay')
    try:
        assert call(a, video_meeting)['ice_policy'] == 'relay'
    finally:
        app.config.update(VIDEO_ICE_POLICY='all')

    turn = {'VIDEO_TURN_URLS': ['turn:turn.example.org:3478'], 'VIDEO_TURN_SECRET': 's3cret'}
    video.check_config({**turn, 'VIDEO_ICE_POLICY': 'relay'})
    video.check_config({'VIDEO_ICE_POLICY': 'all'})
    for bad in ({'VIDEO_ICE_POLICY': 'relay'}, {**turn, 'VIDEO_ICE_POLICY': 'relay', 'VIDEO_TURN_SECRET': None}):
        with pytest.raises(RuntimeError, match='VIDEO_TURN_URLS and VIDEO_TURN_SECRET'):
            video.check_config(bad)
    with pytest.raises(RuntimeError, match='VIDEO_ICE_POLICY'):
        video.check_config({**turn, 'VIDEO_ICE_POLICY': 'direct'})
    from consult import create_app
    from consult.config import TestingConfig

    with pytest.raises(RuntimeError, match='VIDEO_ICE_POLICY=relay needs'):
        create_app(TestingConfig, {'VIDEO_ICE_POLICY': 'relay', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})
