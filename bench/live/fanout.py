"""Server CPU per delivery of one room emit to N websockets: Engine.IO's queue path vs the direct write.

    .venv/bin/python -m bench.live.fanout queue
    .venv/bin/python -m bench.live.fanout direct
    .venv/bin/python -m bench.live.fanout emit     # the whole path: python-socketio's own manager, direct writes
    .venv/bin/python -m bench.live.fanout filtered # the app's manager (one loop, each socket's seqs kept)

Real gevent socket pairs, real simple-websocket server objects and wsproto frames, Engine.IO sockets; no
network client (the other ends are read in bulk after each emit, in the same process, for both paths alike).
"""

import sys
import time

import engineio
import gevent
import gevent.socket
import simple_websocket.ws
from engineio import packet as eio_packet
from wsproto import ConnectionType
from wsproto import WSConnection
from wsproto.events import AcceptConnection
from wsproto.events import Request

from consult import websocket

SOCKETS = 1000
ROUNDS = 50


def _socket(eio, index: int, direct: bool):
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host='localhost', target='/')))
    list(server.events())
    client.receive_data(server.send(AcceptConnection()))
    list(client.events())
    ours, theirs = gevent.socket.socketpair()
    ws = object.__new__(simple_websocket.ws.Server)  # the server connection without its HTTP handshake
    ws.sock, ws.ws, ws.connected, ws.writing = ours, server, True, False
    sock = engineio.socket.Socket(eio, f's{index}')
    sock.upgraded = sock.connected = True
    if direct:
        sock._direct_ws = ws
    else:

        def writer():  # what Engine.IO's writer greenlet does
            while True:
                for pkt in sock.poll():
                    ws.send(pkt.encode())

        gevent.spawn(writer)
    return sock, theirs


def _room_emit(pairs, eio, filtered: bool = False) -> float:
    """CPU seconds of ROUNDS room emits through python-socketio (manager, Engine.IO server, socket), as the app.

    ``filtered``: through the app's client manager (``consult.delivery``), every socket in the room holding its
    sequence numbers (``consult.meetings.feeds``), as after ``meeting:join``.
    """
    import socketio

    from consult import delivery
    from consult.meetings import feeds

    sio = socketio.Server(async_mode='gevent', client_manager=delivery.LocalManager() if filtered else None)
    sio.eio = eio
    for sock, _theirs in pairs:
        eio.sockets[sock.sid] = sock
        sid = sio.manager.connect(sock.sid, '/')
        sio.manager.enter_room(sid, '/', 'room')
        if filtered:
            feeds._in_room.setdefault(1, {})[sid] = feeds._held.setdefault(sid, {}).setdefault(1, feeds.Held(-1))
    if filtered:
        delivery.register('meeting:message', feeds.keep_from)
    payload = {'meeting': 1, 'seq': 0, 'client_id': 'bench-0', 'body': 'bench j=0', 'hidden': None}
    spent = 0.0
    for j in range(ROUNDS):
        started = time.process_time()
        sio.emit('meeting:message', {**payload, 'seq': j}, to='room')
        spent += time.process_time() - started
        for _sock, theirs in pairs:
            theirs._sock.recv(1 << 16)
    return spent


def main(argv=None) -> int:
    mode = (argv or sys.argv[1:] or ['direct'])[0]
    direct = mode in ('direct', 'emit', 'filtered')
    websocket.tune()
    if not direct:
        engineio.socket.Socket.send = websocket._queue_send
    eio = engineio.Server(async_mode='gevent')
    pairs = [_socket(eio, i, direct) for i in range(SOCKETS)]
    gevent.sleep(0.1)
    if mode in ('emit', 'filtered'):
        cpu = _room_emit(pairs, eio, filtered=mode == 'filtered')
        print(f'{mode}: {1e6 * cpu / (ROUNDS * SOCKETS):.1f} µs of CPU per delivery ({SOCKETS} sockets x {ROUNDS})')
        return 0
    cpu, wall = time.process_time(), time.perf_counter()
    for j in range(ROUNDS):
        body = f'2["meeting:message",{{"meeting":1,"seq":{j},"body":"bench j={j}"}}]'
        pkt = eio_packet.Packet(eio_packet.MESSAGE, data=body)
        for sock, _theirs in pairs:
            sock.send(pkt)
        while not all(sock.queue.empty() for sock, _theirs in pairs):
            gevent.sleep(0)
        for _sock, theirs in pairs:
            theirs._sock.recv(1 << 16)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f'{mode}: {1e6 * cpu / (ROUNDS * SOCKETS):.1f} µs of CPU per delivery ({SOCKETS} sockets x {ROUNDS}, {wall:.2f} s)'
    )
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
