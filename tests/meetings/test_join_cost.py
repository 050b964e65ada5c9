"""What joining the live room costs: a thousand people arriving together must not each rebuild the whole room.

The joins of one push interval share the room's presence and quorum (``pushes.snapshot``), the person's roster
entry is read once per join, the sign-in and the presence are one upsert each (no lookup first, no savepoint),
and the join commits once, after its answer is built (an earlier commit expired every row and read them all
again).
"""

import re
import time

import pytest
from flask import g

from tests.meetings.conftest import events


def join(sio, meeting):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0, 'latest': True}, callback=True)


@pytest.fixture
def coalescing(app, monkeypatch):
    """Pushes spaced as in production (tests push every change at once)."""
    monkeypatch.setitem(app.config, 'LIVE_COALESCE_SECONDS', 1.0)


def test_a_join_reads_the_room_once_per_interval_and_its_person_once(
    db, cast, open_meeting, sockets, count_queries, coalescing
):
    for user in (cast.director, cast.neighbour):
        assert join(sockets(user), open_meeting)['ok']
    resident = sockets(cast.resident)
    db.session.expunge_all()  # as in production: each socket event starts with an empty session
    with count_queries() as counted:
        ack = join(resident, open_meeting)
    assert ack['ok']
    shared = [s for s in counted.statements if 'OVER ()' in s or 'count(DISTINCT' in s]
    assert shared == []  # the presence and quorum of the joins just before
    tables = [re.search(r'\bFROM\s+(\w+)', s).group(1) for s in counted.statements if s.lstrip().startswith('SELECT')]
    # The meeting with its topic's status (is it writable?), the person's roster entry and role grants, in one
    # statement, not read again after a commit; the socket's person as its connect checked it; the room state
    # last pushed; roles in the meeting's community matched by its id.
    assert tables == ['meetings', 'meeting_messages']
    meeting_read = next(s for s in counted.statements if re.search(r'\bFROM\s+meetings\b', s))
    assert 'JOIN topics' in meeting_read
    assert 'JOIN meeting_participants' in meeting_read
    assert 'JOIN role_grants' in meeting_read
    assert counted.count <= 5  # was 26: reloads after an early commit, lookups before each insert, the room


def test_a_joiner_given_an_older_snapshot_is_corrected_by_the_push_that_follows(
    db, cast, open_meeting, sockets, coalescing
):
    chair = sockets(cast.director)
    assert join(chair, open_meeting)['quorum']['present'] == 0  # the chair is not on the roster
    resident = sockets(cast.resident)
    ack = join(resident, open_meeting)
    assert ack['presence']['count'] == 1  # the snapshot of the chair's join: the resident is not in it yet
    assert ack['quorum']['present'] == 0
    deadline, presence, quorum = time.monotonic() + 5, [], []
    while time.monotonic() < deadline and not (presence and quorum):
        time.sleep(0.1)
        received = resident.get_received()
        presence += [e['args'][0] for e in received if e['name'] == 'meeting:presence']
        quorum += [e['args'][0] for e in received if e['name'] == 'meeting:quorum']
    assert presence[-1]['count'] == 2
    assert {p['id'] for p in presence[-1]['people']} == {cast.director.id, cast.resident.id}
    assert quorum[-1]['present'] == 1
    assert events(resident, 'meeting:presence') == []


def test_people_joining_together_cost_one_presence_push_and_one_trailing_push(
    db, cast, open_meeting, sockets, coalescing
):
    """n people joining within an interval are not n pushes to n people (n² deliveries): the first change is
    pushed at once, the rest are folded into one trailing push that reads the room as it is then."""
    listener = sockets(cast.director)
    join(listener, open_meeting)
    arrivals = [sockets(user) for user in (cast.resident, cast.neighbour, cast.staff)]
    for sio in arrivals:
        assert join(sio, open_meeting)['ok']
    during = events(listener, 'meeting:presence')
    assert len(during) <= 1  # at most the leading push of the first arrival
    deadline, after = time.monotonic() + 5, []
    while time.monotonic() < deadline and not after:
        time.sleep(0.1)
        after = events(listener, 'meeting:presence')
    assert len(after) == 1
    assert after[0]['count'] == 4


def _reads_messages(count_queries, call):
    with count_queries() as counted:
        answer = call()
    assert answer['ok'], answer
    return answer, any(re.search(r'\bFROM\s+meeting_messages\b', s) for s in counted.statements)


def _rejoin(sio, meeting, last_seq):
    return lambda: sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': last_seq}, callback=True)


def _say(sio, meeting, body):
    ack = sio.emit('meeting:say', {'meeting': meeting.id, 'body': body, 'client_id': body}, callback=True)
    assert ack['ok'], ack
    return ack['seq']


def test_a_reconnect_storm_reads_the_missed_messages_once(db, cast, open_meeting, sockets, count_queries):
    """People coming back with the room's last number: once a read in the room found nothing above some number,
    a join at or past it reads nothing, since a message stored later reaches it live; a client behind a message
    delivered since reads again, and gets what it missed."""
    chair = sockets(cast.director)
    _answer, read = _reads_messages(count_queries, lambda: join(chair, open_meeting))
    assert read  # the room opened on its latest page: nothing above it then
    last = _say(chair, open_meeting, 'first')
    _answer, read = _reads_messages(count_queries, _rejoin(sockets(cast.resident), open_meeting, last))
    assert not read

    newer = _say(chair, open_meeting, 'second')  # delivered to the room: a client at ``last`` missed it
    behind, read = _reads_messages(count_queries, _rejoin(sockets(cast.staff), open_meeting, last))
    assert read
    assert [m['seq'] for m in behind['missed']] == [newer]
    _answer, read = _reads_messages(count_queries, _rejoin(sockets(cast.neighbour2), open_meeting, newer))
    assert not read


def test_a_process_that_knows_nothing_of_the_room_reads(db, cast, open_meeting, sockets, count_queries, monkeypatch):
    from consult.meetings import feeds

    chair = sockets(cast.director)
    assert join(chair, open_meeting)['ok']
    last = _say(chair, open_meeting, 'first')
    now = time.monotonic()
    monkeypatch.setattr(feeds.time, 'monotonic', lambda: now + feeds.KNOWN_MAX_AGE + 1)
    _answer, read = _reads_messages(count_queries, _rejoin(sockets(cast.resident), open_meeting, last))
    assert read  # what was read is too old: a delivery lost with the queue is read again by the next join
    _answer, read = _reads_messages(count_queries, _rejoin(sockets(cast.neighbour), open_meeting, last))
    assert not read
    feeds.reset()  # a process started since: it has read nothing and seen no delivery
    _answer, read = _reads_messages(count_queries, _rejoin(sockets(cast.neighbour2), open_meeting, last))
    assert read


def test_a_full_page_or_a_client_ahead_shows_nothing_to_trust(db, cast, open_meeting, sockets, count_queries):
    from consult.meetings import feeds

    chair = sockets(cast.director)
    assert join(chair, open_meeting)['ok']
    feeds.found_none_above(open_meeting.id, 50)  # a client claiming more than the room holds: only later ones skip
    last = _say(chair, open_meeting, 'first')
    behind, read = _reads_messages(count_queries, _rejoin(sockets(cast.resident), open_meeting, 0))
    assert read
    assert [m['seq'] for m in behind['missed']] == [last]
    assert feeds.upto_read(0, [object()] * 100, 100) is None  # a full page: more may be there


def test_the_grants_read_with_the_meeting_are_all_of_them(app, db, cast, open_meeting, sockets, grant, count_queries):
    """One row per grant: a person holding two roles is known by both, and the chair's rights follow."""
    from consult.meetings import permissions
    from consult.roles.models import Role
    from consult.roles.permissions import active_grants

    grant(cast.resident, Role.COMMITTEE_DIRECTOR, community=cast.place.a)
    grant(cast.resident, Role.GRID_WORKER, community=cast.place.a)
    resident = sockets(cast.resident)
    db.session.expunge_all()
    ack = join(resident, open_meeting)
    assert ack['ok']
    assert ack['rights']['chair']  # the director may stand in for the chair
    assert ack['rights']['kind'] is not None  # and on the roster
    with app.test_request_context():
        g.pop('_active_grants', None)  # a request of its own (the tests' requests share the pushed context's g)
        g.pop('_socket_person', None)
        db.session.expunge_all()
        with count_queries() as counted:
            meeting = permissions.meeting_for(cast.resident, open_meeting.id)
            roles = sorted(grant.role for grant in active_grants(cast.resident))
        assert meeting.id == open_meeting.id
        assert permissions.participant_of(cast.resident, meeting) is not None
    assert roles == ['committee_director', 'grid_worker']
    assert counted.count == 1
