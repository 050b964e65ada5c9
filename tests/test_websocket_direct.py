"""The direct write of ``consult.websocket``: a packet for an idle socket leaves at once, in order, never torn.

Real objects on a real (gevent) socket pair: an Engine.IO ``Socket``, a simple-websocket server connection
made with wsproto, and a reader that parses the frames as a browser would.
"""

import socket as stdlib_socket

import engineio
import gevent
import gevent.socket
import pytest
import simple_websocket.ws
from engineio import packet as eio_packet
from wsproto import ConnectionType
from wsproto import WSConnection
from wsproto.events import AcceptConnection
from wsproto.events import Request
from wsproto.events import TextMessage

from consult import websocket


@pytest.fixture
def pair():
    websocket.tune()
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host='localhost', target='/')))
    list(server.events())
    client.receive_data(server.send(AcceptConnection()))
    list(client.events())
    ours, theirs = gevent.socket.socketpair()
    ours.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_SNDBUF, 4096)
    ws = object.__new__(simple_websocket.ws.Server)  # the server connection without its HTTP handshake
    ws.sock, ws.ws, ws.connected, ws.writing = ours, server, True, False
    eio = engineio.Server(async_mode='gevent')
    sock = engineio.socket.Socket(eio, 'sid')
    sock.upgraded, sock.connected = True, True
    sock._direct_ws = ws
    yield sock, ws, client, theirs
    ours.close()
    theirs.close()


def _read(client, theirs, expected: int, timeout=5.0) -> list[str]:
    texts: list[str] = []
    part = ''
    with gevent.Timeout(timeout):
        while len(texts) < expected:
            client.receive_data(theirs.recv(65536))
            for event in client.events():
                if isinstance(event, TextMessage):
                    part += event.data
                    if event.message_finished:
                        texts.append(part)
                        part = ''
    return texts


def _message(text: str):
    return eio_packet.Packet(eio_packet.MESSAGE, data=text)


def _drain(sock, ws):
    """What the socket's Engine.IO writer greenlet does with the queue."""
    while not sock.queue.empty():
        pkt = sock.queue.get()
        ws.send(pkt.encode())


def test_an_idle_socket_gets_the_frame_from_the_emitting_greenlet(pair):
    sock, _ws, client, theirs = pair
    sock.send(_message('2["meeting:message",{"seq":1}]'))
    assert sock.queue.empty()  # nothing for the writer: it was sent already
    assert _read(client, theirs, 1) == ['42["meeting:message",{"seq":1}]']


def test_a_busy_writer_keeps_the_queue_and_the_order(pair):
    sock, ws, client, theirs = pair
    ws.writing = True  # the writer is in the middle of a frame
    sock.send(_message('first'))
    ws.writing = False
    sock.send(_message('second'))  # queued behind the first, not written past it
    assert sock.queue.qsize() == 2
    _drain(sock, ws)
    assert _read(client, theirs, 2) == ['4first', '4second']


def test_what_the_kernel_does_not_take_is_sent_first_by_the_writer(pair):
    sock, ws, client, theirs = pair
    big = 'x' * 2_000_000
    sock.send(_message(big))  # far more than the socket buffer: only a part leaves now
    rest = sock.queue.get()
    assert isinstance(rest, websocket._Rest)
    assert 0 < len(rest.frame) < len(big)
    sock.queue.put(rest)
    sock.send(_message('after'))  # must not overtake the rest of the big frame
    reader = gevent.spawn(_read, client, theirs, 2)
    _drain(sock, ws)
    assert reader.get() == ['4' + big, '4after']


def test_a_closed_connection_falls_back_to_the_queue(pair):
    sock, ws, _client, _theirs = pair
    ws.connected = False
    sock.send(_message('late'))
    assert sock.queue.qsize() == 1


def test_a_quiet_queue_does_not_end_the_writer_but_a_close_does(pair):
    sock, _ws, _client, _theirs = pair
    sock.server.ping_interval = sock.server.ping_timeout = 0.05
    writer = gevent.spawn(sock.poll)  # what the socket's writer waits in
    gevent.sleep(0.5)  # five idle timeouts: packets go out directly, so a silent queue means nothing
    assert not writer.dead
    sock.queue.put(None)  # what closing the socket does
    assert writer.get(timeout=1) == []
