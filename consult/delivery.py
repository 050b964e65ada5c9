"""Per-socket filters on room deliveries: a context can keep an event from sockets that already have it.

A room emit reaches the sockets of every process: the process that emits delivers to its own sockets, and with
the Redis message queue every other process delivers the copy it reads from the queue to its own. Both go
through this process's client manager (``manager_for``), which asks the filter registered for the event
(``register``) which of the room's local sockets to skip, and delivers to the others, all while holding
``lock``. A context that changes what a socket holds (it joins a room, or is sent a replay) does it under the
same ``lock``, so a delivery and that change never interleave: the socket gets each item once, either in the
delivery or in what the context sends it. Under gevent nothing in a delivery yields, so the lock is never
waited for; with threads (the development server) it orders the two.

A filter is ``filter(data) -> skipped sids`` for the event's payload; it runs under ``lock`` and must not do
I/O. Events with acknowledgement callbacks are never filtered.

A context can also watch an event go by (``watch``): ``watcher(room, data)`` runs in every process for each room
delivery of the event, the process's own and the queue's, before the room's sockets are sent it (the live room
keeps the latest room state it saw, for the sockets that join next). It must not do I/O.

A context can also act when a room is closed (``on_close_room``): the hook runs in every process, for its own
sockets, before they leave the room (``consult.socket_ends`` disconnects the sockets of an ended login).
"""

import threading
from collections.abc import Callable
from collections.abc import Iterable

import socketio
from engineio import packet as eio_packet
from socketio import packet

from consult import websocket

#: Held while a filtered event is delivered, and by the contexts while they change what a socket holds.
lock = threading.Lock()
_filters: dict[str, Callable[[object], Iterable[str]]] = {}
_closing: list[Callable[[object, str], None]] = []
_watchers: dict[str, Callable[[str, object], None]] = {}


def watch(event: str, watcher: Callable[[str, object], None]) -> None:
    """Run ``watcher(room, data)`` for every room delivery of ``event`` in this process, before it is sent."""
    _watchers[event] = watcher


def _seen(event, room, data) -> None:
    watcher = _watchers.get(event)
    if watcher is not None and isinstance(room, str):
        watcher(room, data)


def register(event: str, keep_from: Callable[[object], Iterable[str]]) -> None:
    """Filter deliveries of ``event``: ``keep_from(data)`` names the local sockets not to send it to."""
    _filters[event] = keep_from


def on_close_room(hook: Callable[[object, str], None]) -> None:
    """Run ``hook(server, room)`` in each process when ``room`` is closed, before its local sockets leave it."""
    if hook not in _closing:
        _closing.append(hook)


def _closed(server, room) -> None:
    if isinstance(room, str):
        for hook in _closing:
            hook(server, room)


class _Skip(list):
    """Sockets to skip, as the list python-socketio expects, with a set's membership test (it asks per socket)."""

    def __init__(self, sids: Iterable[str]):
        super().__init__(sids)
        self._set = set(self)

    def __contains__(self, sid) -> bool:
        return sid in self._set


def _skip(keep_from, data, skip_sid) -> _Skip | None:
    """The sockets to skip: the emitter's ``skip_sid`` (``None``, a sid or a list) and the filter's."""
    skipped = list(keep_from(data))
    if not skipped:
        return None
    if isinstance(skip_sid, list):
        skipped.extend(skip_sid)
    elif skip_sid is not None:
        skipped.append(skip_sid)
    return _Skip(skipped)


class _RoomIndex:
    """The rooms of each socket, kept beside python-socketio's sockets of each room.

    python-socketio finds a socket's rooms by testing every room of the namespace (``get_rooms``, and
    ``basic_disconnect`` on a copy of them all): with a thousand people in a room, each in their own, their
    user's and their login's room, every disconnect and every ``rooms()`` of an event cost thousands of tests,
    and a thousand leaving together cost millions. Here both read the socket's own set.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rooms_of: dict[tuple, set] = {}

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_of.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        rooms = self._rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self._rooms_of[(namespace, sid)]

    def get_rooms(self, sid, namespace):
        return [room for room in self._rooms_of.get((namespace, sid), ()) if room is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        if namespace not in self.rooms:
            return
        for room in list(self._rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting is not None and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]


class _OneLoop(socketio.Manager):
    """python-socketio's emit, with a room's sockets sent the packet in one loop (``consult.websocket.send_to``).

    As ``socketio.Manager.emit`` does it: the packet is encoded once, and every local socket of the room but the
    skipped ones gets it; a server whose ``_send_eio_packet`` was replaced on the instance (Flask-SocketIO's test
    client) gets every packet through it, as python-socketio does. Emits with an acknowledgement callback, to
    several rooms or to the whole namespace, or with binary attachments, are left to python-socketio.
    """

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        if callback is not None or not isinstance(room, str) or self.server is None:
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
        sockets = self.rooms.get(namespace, {}).get(room)
        if not sockets:
            return None
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        if not isinstance(encoded, str):  # binary attachments: several Engine.IO packets each
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kwargs)
        if skip_sid is None:
            eio_sids = list(sockets._fwdm.values())
        else:
            skipped = skip_sid if isinstance(skip_sid, list) else [skip_sid]
            eio_sids = [eio_sid for sid, eio_sid in sockets._fwdm.items() if sid not in skipped]
        pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        replaced = vars(self.server).get('_send_eio_packet')  # Flask-SocketIO's test client catches packets there
        if replaced is not None:
            for eio_sid in eio_sids:
                replaced(eio_sid, pkt)
        else:
            websocket.send_to(self.server.eio, eio_sids, pkt)
        return None


class LocalManager(_RoomIndex, _OneLoop):
    """The in-process client manager (one process, no message queue), with the filters applied."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        _seen(event, to or room, data)
        keep_from = _filters.get(event)
        if keep_from is None or callback is not None:
            return super().emit(event, data, namespace, room, skip_sid, callback, to, **kwargs)
        with lock:
            skip = _skip(keep_from, data, skip_sid) or skip_sid
            return super().emit(event, data, namespace, room=room, skip_sid=skip, to=to, **kwargs)

    def close_room(self, room, namespace):
        _closed(self.server, room)
        return super().close_room(room, namespace)


class QueueManager(_RoomIndex, socketio.RedisManager, _OneLoop):
    """The Redis message queue's client manager; local deliveries (own emits and the queue's) are filtered."""

    def _handle_emit(self, message):
        keep_from = _filters.get(message.get('event'))
        data = message.get('data')
        payload = data[0] if isinstance(data, list) and len(data) == 1 else data
        if not message.get('binary'):
            _seen(message.get('event'), message.get('room'), payload)
        if keep_from is None or message.get('callback') is not None or message.get('binary'):
            return super()._handle_emit(message)
        with lock:
            skip = _skip(keep_from, payload, message.get('skip_sid'))
            # A copy: the caller publishes ``message`` to the other processes after this.
            return super()._handle_emit(message if skip is None else {**message, 'skip_sid': skip})

    def _handle_close_room(self, message):
        # Every process handles it, the closing one included (python-socketio's PubSubManager.close_room).
        _closed(self.server, message.get('room'))
        return super()._handle_close_room(message)


def manager_for(url: str | None, channel: str = 'flask-socketio') -> socketio.Manager:
    """The client manager for ``SOCKETIO_MESSAGE_QUEUE``: Redis (``redis://``, ``rediss://``) or none."""
    if not url:
        return LocalManager()
    if not url.startswith(('redis://', 'rediss://')):
        raise RuntimeError('SOCKETIO_MESSAGE_QUEUE must be a redis:// or rediss:// URL.')
    return QueueManager(url, channel=channel)
