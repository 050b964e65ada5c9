"""Votes over Socket.IO (the Flask-SocketIO test client): casting from the live room, refusals that save nothing
and keep the connection, ``vote:changed`` to the whole room on open and close, never with a count."""

import pytest
import sqlalchemy as sa

from consult.meetings import operations as meeting_ops
from consult.meetings import roster
from consult.votes.models import Elector
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from tests.meetings.conftest import events


@pytest.fixture
def open_meeting(db, cast, make_meeting):
    """The meeting in session, with an observer (the deputy) on its roster besides the voting adults."""
    meeting = make_meeting()
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    meeting_ops.open_meeting(cast.director, meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def sockets(sockets, db):
    """The meetings' socket factory, for people who read English (messages are checked by their words)."""

    def make(user):
        user.locale = 'en'
        db.session.commit()
        return sockets(user)

    return make


def join(sio, meeting):
    ack = sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0}, callback=True)
    assert ack['ok'], ack
    return ack


def cast_ballot(sio, vote, choice, **extra):
    return sio.emit('vote:cast', {'vote': vote.id, 'choice': choice, **extra}, callback=True)


def sealed(db, vote) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(SealedBallot).where(SealedBallot.vote_id == vote.id)
    )


def marked(db, vote, user):
    db.session.expire_all()
    return db.session.scalar(sa.select(Elector.voted_via).where(Elector.vote_id == vote.id, Elector.user_id == user.id))


def errors(sio):
    return events(sio, 'error')


def test_a_ballot_cast_from_the_room_is_answered_with_its_receipt(db, make_vote, voters, open_meeting, sockets):
    vote = make_vote()
    sio = sockets(voters[0])
    join(sio, open_meeting)
    ack = cast_ballot(sio, vote, [0])
    assert ack['ok'] is True
    assert set(ack) == {'ok', 'receipt'}
    assert len(ack['receipt']) == 19
    assert marked(db, vote, voters[0]) == 'room'
    assert sealed(db, vote) == 1


def test_a_ballot_from_the_vote_page_goes_by_its_socket_and_counts_as_cast_online(
    db, make_vote, voters, open_meeting, sockets
):
    """The vote page casts over its socket while connected (``channel: online``); a standalone vote is online."""
    vote = make_vote()
    page = sockets(voters[1])
    ack = cast_ballot(page, vote, [0], channel='online')
    assert ack['ok'] is True
    assert marked(db, vote, voters[1]) == 'online'
    room = sockets(voters[2])
    assert cast_ballot(room, vote, [0], channel='anything else')['ok'] is True
    assert marked(db, vote, voters[2]) == 'room'
    assert sealed(db, vote) == 2


def test_a_resent_ballot_is_already_voted_with_an_error_event_and_the_connection_stays_up(
    db, make_vote, voters, open_meeting, sockets
):
    """A lost acknowledgement: the page sends the same ballot again and is told it was already received."""
    vote = make_vote()
    sio = sockets(voters[0])
    join(sio, open_meeting)
    assert cast_ballot(sio, vote, [1])['ok']
    sio.get_received()
    again = cast_ballot(sio, vote, [1])
    assert again['ok'] is False
    assert again['code'] == 'already_voted'
    assert 'one ballot per voter' in again['message']
    assert [e['code'] for e in errors(sio)] == ['already_voted']
    assert sio.is_connected()
    assert sealed(db, vote) == 1
    # still answered on the same connection
    assert sio.emit('vote:join', {'vote': vote.id}, callback=True) == {'ok': True, 'status': 'open'}


@pytest.mark.parametrize(
    ('payload', 'code', 'words'),
    [
        ({'vote': 10**6, 'choice': [0]}, 'not_found', 'No such vote'),
        ({'vote': '{id}', 'choice': [0]}, 'bad_payload', 'malformed'),
        ({'vote': True, 'choice': [0]}, 'bad_payload', 'malformed'),
        ({'choice': [0]}, 'bad_payload', 'malformed'),
        ({'vote': '{vote}', 'choice': 0}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': '0'}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': {'0': 1}}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}'}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [True]}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [0.0]}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [1.5]}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [None]}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': list(range(100))}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [7]}, 'unknown_option', 'not on this ballot'),
        ({'vote': '{vote}', 'choice': [0, 1]}, 'too_many', 'Too many choices'),
        ({'vote': '{vote}', 'choice': []}, 'empty_motion', 'Choose for, against or abstain'),
        ({'vote': '{vote}', 'choice': [0], 'for': 'x'}, 'bad_payload', 'ballot is malformed'),
        ({'vote': '{vote}', 'choice': [0], 'for': '{other}'}, 'no_proxy', 'Proxies are not allowed'),
    ],
)
def test_a_bad_ballot_is_refused_clearly_and_nothing_is_saved(
    db, make_vote, voters, open_meeting, sockets, payload, code, words
):
    vote = make_vote()
    sio = sockets(voters[0])
    join(sio, open_meeting)
    sio.get_received()
    fill = {'{vote}': vote.id, '{id}': str(vote.id), '{other}': voters[1].id}
    payload = {k: fill.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    ack = sio.emit('vote:cast', payload, callback=True)
    assert ack['ok'] is False
    assert ack['code'] == code
    assert words in ack['message']
    assert [e['code'] for e in errors(sio)] == [code]
    assert sio.is_connected()
    assert sealed(db, vote) == 0
    assert marked(db, vote, voters[0]) is None
    assert marked(db, vote, voters[1]) is None
    assert cast_ballot(sio, vote, [2])['ok'], 'the voter may still vote'


def test_an_observer_in_the_room_cannot_vote(db, cast, make_vote, open_meeting, sockets):
    vote = make_vote()
    observer = sockets(cast.deputy)
    join(observer, open_meeting)
    observer.get_received()
    assert observer.emit('vote:join', {'vote': vote.id}, callback=True)['ok'], 'an observer follows the vote'
    ack = cast_ballot(observer, vote, [0])
    assert ack['ok'] is False
    assert ack['code'] == 'not_elector'
    assert 'not in the electorate' in ack['message']
    assert observer.is_connected()
    assert sealed(db, vote) == 0
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Elector)
        .where(Elector.vote_id == vote.id, Elector.user_id == cast.deputy.id)
    )


def test_a_ballot_after_the_close_is_refused_and_not_counted(db, cast, make_vote, voters, open_meeting, sockets):
    vote = make_vote()
    chair, voter = sockets(cast.director), sockets(voters[0])
    join(chair, open_meeting), join(voter, open_meeting)
    assert chair.emit('vote:close', {'vote': vote.id}, callback=True) == {'ok': True, 'status': 'closed'}
    voter.get_received()
    ack = cast_ballot(voter, vote, [0])
    assert ack['ok'] is False
    assert ack['code'] == 'not_open'
    assert 'not open' in ack['message']
    assert voter.is_connected()
    db.session.expire_all()
    closed = db.session.get(Vote, vote.id)
    assert closed.result['tally']['ballots'] == 0
    assert marked(db, vote, voters[0]) is None


def test_a_draft_vote_takes_no_ballot(db, make_vote, voters, open_meeting, sockets):
    vote = make_vote(opened=False)
    sio = sockets(voters[0])
    ack = cast_ballot(sio, vote, [0])
    assert (ack['ok'], ack['code']) == (False, 'not_open')
    assert sealed(db, vote) == 0


def _ints(value) -> set:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_ints(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_ints(v) for v in value)) if value else set()
    return set()


def test_the_whole_room_is_told_of_the_opening_and_the_close_and_no_payload_holds_a_count(
    db, cast, make_vote, voters, open_meeting, sockets
):
    vote = make_vote(opened=False)
    chair = sockets(cast.director)
    people = [sockets(user) for user in voters[:3]] + [sockets(cast.deputy)]
    for sio in [chair, *people]:
        join(sio, open_meeting)
    outside = sockets(voters[3])  # connected, but not in the room and not following the vote
    for sio in [chair, *people, outside]:
        sio.get_received()

    opened = chair.emit('vote:open', {'vote': vote.id}, callback=True)
    assert opened == {'ok': True, 'status': 'open'}
    for sio in [chair, *people]:
        assert events(sio, 'vote:changed') == [{'vote': vote.id, 'meeting': open_meeting.id, 'status': 'open'}]
    assert events(outside, 'vote:changed') == []

    acks = [cast_ballot(sio, vote, [0]) for sio in people[:3]]
    assert all(a['ok'] for a in acks)
    pushed_while_open = [e for sio in [chair, *people] for e in sio.get_received()]
    assert not [e for e in pushed_while_open if e['name'].startswith('vote:')], 'a ballot is announced to nobody'

    closed = chair.emit('vote:close', {'vote': vote.id}, callback=True)
    assert closed == {'ok': True, 'status': 'closed'}
    for sio in [chair, *people]:
        received = sio.get_received()
        changes = [e['args'][0] for e in received if e['name'] == 'vote:changed']
        assert changes == [{'vote': vote.id, 'meeting': open_meeting.id, 'status': 'closed'}]
    for payload in [opened, closed, *acks]:
        assert _ints(payload) <= {vote.id, open_meeting.id}, payload
        assert not {'count', 'ballots', 'tally', 'result', 'votes'} & set(payload)
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).result['tally']['ballots'] == 3


def test_a_vote_page_follower_is_told_of_the_close(db, cast, make_vote, voters, sockets):
    """Someone on the vote page, not in the room: ``vote:join`` then ``vote:changed``."""
    vote = make_vote()
    follower = sockets(voters[1])
    assert follower.emit('vote:join', {'vote': vote.id}, callback=True) == {'ok': True, 'status': 'open'}
    chair = sockets(cast.director)
    assert chair.emit('vote:close', {'vote': vote.id}, callback=True)['ok']
    assert events(follower, 'vote:changed') == [{'vote': vote.id, 'meeting': vote.meeting_id, 'status': 'closed'}]


def test_a_socket_that_may_not_see_the_vote_cannot_follow_it(db, cast, make_vote, sockets):
    """A vote on a private matter: someone of another community (resident or staff) may not follow it."""
    from consult.topics.models import Topic

    vote = make_vote()
    db.session.execute(sa.update(Topic).where(Topic.id == vote.topic_id).values(public=False))
    db.session.commit()
    strangers = [sockets(user) for user in (cast.outsider, cast.staff_b)]
    for sio in strangers:
        ack = sio.emit('vote:join', {'vote': vote.id}, callback=True)
        assert ack['ok'] is False
        assert ack['code'] == 'not_found'
        assert [e['code'] for e in errors(sio)] == ['not_found']
        assert sio.is_connected()
    assert sockets(cast.director).emit('vote:close', {'vote': vote.id}, callback=True)['ok']
    for sio in strangers:
        assert events(sio, 'vote:changed') == []


def test_only_who_runs_the_vote_opens_or_closes_it_by_socket(db, cast, make_vote, voters, open_meeting, sockets):
    vote = make_vote(opened=False)
    sio = sockets(voters[0])
    join(sio, open_meeting)
    sio.get_received()
    ack = sio.emit('vote:open', {'vote': vote.id}, callback=True)
    assert (ack['ok'], ack['code']) == (False, 'forbidden')
    assert sio.is_connected()
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).status == 'draft'
    assert events(sio, 'vote:changed') == []
