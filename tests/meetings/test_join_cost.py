"""What joining the live room costs: a thousand people arriving together must not each rebuild the whole room.

The joins of one push interval share the room's presence and quorum (``pushes.snapshot``), the person's roster
entry is read once per join, the sign-in and the presence are one upsert each (no lookup first, no savepoint),
and the join commits once, after its answer is built (an earlier commit expired every row and read them all
again).
"""

import re
import time

import pytest

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
    # The meeting with its topic's status (is it writable?) and the person's roster entry, in one statement, not
    # read again after a commit; the socket's person as its connect checked it; the room state last pushed; roles
    # in the meeting's community matched by its id.
    assert tables == ['meetings', 'meeting_messages', 'role_grants']
    meeting_read = next(s for s in counted.statements if re.search(r'\bFROM\s+meetings\b', s))
    assert 'JOIN topics' in meeting_read
    assert 'JOIN meeting_participants' in meeting_read
    assert counted.count <= 6  # was 26: reloads after an early commit, lookups before each insert, the room


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
