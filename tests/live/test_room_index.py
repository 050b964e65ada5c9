"""The client managers keep each socket's rooms (``consult.delivery._RoomIndex``): a disconnect and an event's
``rooms()`` read that socket's own set, never every room of the server (a thousand leaving together cost
millions of membership tests in python-socketio's own managers)."""

import random

import socketio

from consult.delivery import LocalManager

NS = '/'


class _NoScan(dict):
    """The namespace's rooms, refusing to be walked: only lookups by room name are allowed."""

    def items(self):
        raise AssertionError('every room of the namespace was scanned')

    def copy(self):
        raise AssertionError('every room of the namespace was scanned')

    def __iter__(self):
        raise AssertionError('every room of the namespace was scanned')


def _manager(cls):
    manager = cls()
    manager.set_server(socketio.Server())
    manager.initialize()
    return manager


def test_a_socket_leaves_and_lists_its_rooms_without_scanning_the_others():
    manager = _manager(LocalManager)
    sids = [manager.connect(f'eio{n}', NS) for n in range(300)]
    for n, sid in enumerate(sids):
        manager.enter_room(sid, NS, 'meeting:1')
        manager.enter_room(sid, NS, f'user:{n}')
    manager.rooms[NS] = _NoScan(manager.rooms[NS])
    assert sorted(manager.get_rooms(sids[7], NS)) == sorted([sids[7], 'meeting:1', 'user:7'])
    for sid in sids[:-1]:
        manager.disconnect(sid, NS)
    assert dict.keys(manager.rooms[NS]) == {None, sids[-1], 'meeting:1', 'user:299'}
    assert list(manager.get_participants(NS, 'meeting:1')) == [(sids[-1], 'eio299')]


def test_the_index_agrees_with_python_socketios_own_manager_after_any_steps():
    ours, theirs = _manager(LocalManager), _manager(socketio.Manager)
    rng = random.Random(16)
    live, rooms = [], [f'room:{n}' for n in range(12)]  # (our sid, their sid, eio sid)
    for step in range(3000):
        action = rng.random()
        if action < 0.2 or not live:
            eio = f'eio{step}'
            live.append((ours.connect(eio, NS), theirs.connect(eio, NS), eio))
        elif action < 0.6:
            mine, other, _eio = rng.choice(live)
            room = rng.choice(rooms)
            ours.enter_room(mine, NS, room)
            theirs.enter_room(other, NS, room)
        elif action < 0.8:
            mine, other, _eio = rng.choice(live)
            room = rng.choice(rooms)
            ours.leave_room(mine, NS, room)
            theirs.leave_room(other, NS, room)
        elif action < 0.85:
            room = rng.choice(rooms)
            ours.close_room(room, NS)
            theirs.close_room(room, NS)
        else:
            mine, other, _eio = live.pop(rng.randrange(len(live)))
            ours.disconnect(mine, NS)
            theirs.disconnect(other, NS)
    for room in rooms:
        assert sorted(e for _s, e in ours.get_participants(NS, room)) == sorted(
            e for _s, e in theirs.get_participants(NS, room)
        )
    for mine, other, _eio in live:
        assert sorted(ours.get_rooms(mine, NS), key=str) == sorted(
            [mine if r == other else r for r in theirs.get_rooms(other, NS)], key=str
        )
    assert len(ours.rooms[NS]) == len(theirs.rooms[NS])
    assert len(ours._rooms_of) == len(live)
