"""A joining socket is given the room state last pushed to the room, not read again per join (issue 16).

Every change of the room state is pushed whole to the room by whichever process made it, and every process sees
every push go by (``consult.delivery.watch``), so the last push is what the room holds. These tests show the
joiner gets exactly that state, including one pushed by another process, and that a state read from the
database never replaces a push that came while it was being read.
"""

import time

import pytest

from consult.extensions import socketio
from consult.kernel.rooms import meeting_room
from consult.meetings import pushes
from tests.meetings.conftest import events


def join(sio, meeting):
    return sio.emit('meeting:join', {'meeting': meeting.id, 'last_seq': 0, 'latest': True}, callback=True)


def _state_reads(statements) -> list[str]:
    return [s for s in statements if 'FROM meeting_turns' in s or 'FROM agenda_items' in s]


def _as_another_process(event: str, payload: dict, room: str) -> None:
    """Deliver ``event`` here as the message queue delivers another process's emit (or, with no queue, as the
    process's own emit: both go through the client manager)."""
    manager = socketio.server.manager
    if hasattr(manager, '_handle_emit'):
        message = {'method': 'emit', 'event': event, 'data': [payload], 'binary': False, 'namespace': '/'}
        manager._handle_emit({**message, 'room': room, 'skip_sid': None, 'callback': None, 'host_id': 'other'})
    else:
        manager.emit(event, payload, namespace='/', room=room)


def test_a_joiner_gets_the_state_the_chair_just_pushed_without_reading_it(
    db, cast, open_meeting, sockets, count_queries
):
    chair = sockets(cast.director)
    assert join(chair, open_meeting)['ok']
    second = open_meeting.items[1]
    assert chair.emit('meeting:item', {'meeting': open_meeting.id, 'item': second.id}, callback=True)['ok']
    pushed = events(chair, 'meeting:state')[-1]
    assert pushed['item']['id'] == second.id
    resident = sockets(cast.resident)
    db.session.expunge_all()
    with count_queries() as counted:
        ack = join(resident, open_meeting)
    assert _state_reads(counted.statements) == []
    assert ack['state']['item'] == pushed['item']
    assert ack['state']['queue'] == pushed['queue']
    assert ack['state']['muted'] == pushed['muted']
    assert ack['state']['seq'] == ack['seq']  # the meeting row's, which a message moves without a state push


def test_a_state_pushed_by_another_process_is_what_the_next_joiner_gets(db, cast, open_meeting, sockets):
    assert join(sockets(cast.director), open_meeting)['ok']  # this process has read and kept the state
    there = dict(join(sockets(cast.neighbour), open_meeting)['state'])
    there['item'] = {
        'id': open_meeting.items[1].id,
        'title': '讨论',
        'position': 2,
        'started_at': None,
        'ends_at': None,
    }
    _as_another_process('meeting:state', there, meeting_room(open_meeting.id))
    ack = join(sockets(cast.resident), open_meeting)
    assert ack['state']['item'] == there['item']


def test_a_state_read_while_a_push_arrives_does_not_replace_the_push(db, cast, open_meeting, sockets, monkeypatch):
    read = pushes.build_state

    def read_while_pushed(meeting):
        built = read(meeting)
        pushed = {**pushes._payload(built), 'queue': [{'id': -1, 'name': 'newer', 'badge': ''}]}
        pushes.seen_state(meeting_room(meeting.id), pushed)  # the push goes by while the read is under way
        return built

    monkeypatch.setattr(pushes, 'build_state', read_while_pushed)
    first = join(sockets(cast.director), open_meeting)
    assert first['state']['queue'] == []  # what this join read
    monkeypatch.setattr(pushes, 'build_state', read)
    later = join(sockets(cast.resident), open_meeting)
    assert later['state']['queue'] == [{'id': -1, 'name': 'newer', 'badge': ''}]


def test_a_kept_state_is_read_again_after_its_age_even_with_no_push(db, cast, open_meeting, sockets, monkeypatch):
    assert join(sockets(cast.director), open_meeting)['ok']
    pushes.seen_state(
        meeting_room(open_meeting.id), {**pushes._payload(pushes.build_state(open_meeting)), 'muted': [-1]}
    )
    assert join(sockets(cast.neighbour), open_meeting)['state']['muted'] == [-1]
    monkeypatch.setattr(pushes, 'STATE_MAX_AGE', 0.0)
    time.sleep(0.01)
    assert join(sockets(cast.resident), open_meeting)['state']['muted'] == []  # a lost push heals


@pytest.mark.parametrize('payload', [None, 'x', {'meeting': 'one'}, {'meeting': 10**9}])
def test_a_malformed_or_foreign_state_push_is_ignored(db, cast, open_meeting, sockets, payload):
    assert join(sockets(cast.director), open_meeting)['ok']
    pushes.seen_state(meeting_room(open_meeting.id), payload)
    assert join(sockets(cast.resident), open_meeting)['state']['meeting'] == open_meeting.id
