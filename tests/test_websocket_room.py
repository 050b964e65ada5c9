"""A room emit through the app's client managers sends to the room's sockets in one loop (``websocket.send_to``).

Real objects on real (gevent) socket pairs, as in ``test_websocket_direct``: Engine.IO sockets written directly,
simple-websocket server connections made with wsproto, a python-socketio server with the app's manager, and
readers that parse the frames as a browser would. Every socket must read what python-socketio's own manager
would have sent it, and the sockets that cannot take a direct write must still get the library's treatment.
"""

import time

import engineio
import gevent
import gevent.socket
import pytest
import simple_websocket.ws
import socketio
from wsproto import ConnectionType
from wsproto import WSConnection
from wsproto.events import AcceptConnection
from wsproto.events import Request
from wsproto.events import TextMessage

from consult import websocket
from consult.delivery import LocalManager

NS = '/'
ROOM = 'meeting:1'


class _Peer:
    """One browser's end of a websocket: the Engine.IO socket on the server, the reader on the other side."""

    def __init__(self, eio, name: str):
        self.client = WSConnection(ConnectionType.CLIENT)
        server = WSConnection(ConnectionType.SERVER)
        server.receive_data(self.client.send(Request(host='localhost', target='/')))
        list(server.events())
        self.client.receive_data(server.send(AcceptConnection()))
        list(self.client.events())
        ours, self.theirs = gevent.socket.socketpair()
        self.ws = object.__new__(simple_websocket.ws.Server)  # the server connection without its HTTP handshake
        self.ws.sock, self.ws.ws, self.ws.connected, self.ws.writing = ours, server, True, False
        self.sock = engineio.socket.Socket(eio, name)
        self.sock.upgraded = self.sock.connected = True
        self.sock._direct_ws = self.ws
        eio.sockets[name] = self.sock

    def read(self, timeout=0.2) -> list[str]:
        """Every complete text message waiting on the reader's side (none within ``timeout``: the list so far)."""
        texts: list[str] = []
        self.theirs.setblocking(False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = self.theirs._sock.recv(65536)
            except BlockingIOError:
                gevent.sleep(0.01)
                continue
            self.client.receive_data(data)
            texts.extend(event.data for event in self.client.events() if isinstance(event, TextMessage))
        return texts

    def drain(self):
        """What the socket's Engine.IO writer greenlet does with the queue."""
        while not self.sock.queue.empty():
            pkt = self.sock.queue.get()
            if pkt is not None:
                self.ws.send(pkt.encode())


@pytest.fixture
def room():
    websocket.tune()
    eio = engineio.Server(async_mode='gevent')
    sio = socketio.Server(async_mode='gevent', client_manager=LocalManager())
    sio.eio = eio
    peers = {}
    for n in range(12):
        peer = _Peer(eio, f'eio{n}')
        peer.sid = sio.manager.connect(peer.sock.sid, NS)
        sio.manager.enter_room(peer.sid, NS, ROOM)
        peers[n] = peer
    yield sio, eio, peers
    for peer in peers.values():
        peer.ws.sock.close()
        peer.theirs.close()


@pytest.fixture
def per_socket_sends(room, monkeypatch):
    """How many sockets were sent a packet through Engine.IO's per-socket path (``Server.send_packet``)."""
    _sio, eio, _peers = room
    calls = []
    original = eio.send_packet
    monkeypatch.setattr(eio, 'send_packet', lambda sid, pkt: (calls.append(sid), original(sid, pkt)))
    return calls


def test_a_room_emit_writes_every_idle_socket_in_one_loop(room, per_socket_sends):
    sio, _eio, peers = room
    sio.emit('meeting:message', {'seq': 1, 'body': '你好'}, to=ROOM, skip_sid=peers[3].sid)
    assert per_socket_sends == []  # no socket took the per-socket path: all were written in the room's loop
    for n, peer in peers.items():
        assert peer.read() == ([] if n == 3 else ['42["meeting:message",{"seq":1,"body":"\\u4f60\\u597d"}]'])


def test_what_a_socket_reads_is_what_python_socketios_own_manager_sends(room):
    sio, _eio, peers = room
    ours = peers[0]
    sent = [('meeting:presence', ({'count': 2}, 'extra')), ('ping', None), ('meeting:state', [1, 2])]
    for event, data in sent:
        sio.emit(event, data, to=ROOM)
    plain = socketio.Server(async_mode='gevent')  # python-socketio's own manager, on a socket of its own
    plain.eio = engineio.Server(async_mode='gevent')
    theirs = _Peer(plain.eio, 'plain')
    plain.manager.enter_room(plain.manager.connect('plain', NS), NS, ROOM)
    for event, data in sent:
        plain.emit(event, data, to=ROOM)
    expected = theirs.read()
    assert len(expected) == 3
    assert ours.read() == expected


def test_sockets_that_cannot_take_a_direct_write_get_the_librarys_path(room, per_socket_sends):
    sio, eio, peers = room
    busy, closed, silent = peers[1], peers[2], peers[4]
    busy.ws.writing = True  # its writer is in the middle of a frame
    closed.sock.closed = True
    silent.sock.last_ping = time.time() - 10 * eio.ping_timeout  # its client stopped answering pings
    sio.emit('meeting:message', {'seq': 1}, to=ROOM)
    assert sorted(per_socket_sends) == ['eio1', 'eio2', 'eio4']
    assert busy.read() == []
    assert busy.sock.queue.qsize() == 1  # queued for its writer, not written past it
    assert 'eio2' not in eio.sockets  # Engine.IO forgot the closed socket, as it does when sending to one
    assert silent.sock.closed  # closed for its ping timeout
    busy.ws.writing = False
    sio.emit('meeting:message', {'seq': 2}, to=ROOM)  # behind the queued one, never ahead of it
    busy.drain()
    assert busy.read() == ['42["meeting:message",{"seq":1}]', '42["meeting:message",{"seq":2}]']
    assert peers[0].read() == ['42["meeting:message",{"seq":1}]', '42["meeting:message",{"seq":2}]']


def test_emits_to_everyone_or_with_an_acknowledgement_still_arrive(room):
    sio, _eio, peers = room
    sio.emit('notice', {'n': 1})  # no room: every socket of the namespace
    answers = []
    sio.emit('ask', {'n': 2}, to=peers[5].sid, callback=answers.append)
    assert peers[0].read() == ['42["notice",{"n":1}]']
    assert peers[5].read() == ['42["notice",{"n":1}]', '421["ask",{"n":2}]']
