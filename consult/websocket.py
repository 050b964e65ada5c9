"""Every adjustment this app makes to Engine.IO and simple-websocket, for rooms of many sockets.

They change library classes for the whole process, so they all live here and ``tune`` applies them once,
when the socket handlers are registered (``consult.realtime.register_socket_handlers``). They replace and
read internals of python-engineio 4.15.1, simple-websocket 1.1.0 and wsproto 1.3.2, and ``consult.delivery``
reads python-socketio 5.18.1's table of a room's sockets (``PINNED``), so ``tune``
first checks (``check``) that exactly these versions are installed and that the replaced functions still
take the parameters they were written for, and raises ``RuntimeError`` if not: run against other internals
they could tear frames or drop connections without an error. Figures are from ``bench/live/README.md``.

1. **No permessage-deflate.** Patched: ``simple_websocket.ws.PerMessageDeflate``, the extension
   ``simple_websocket.ws.Server`` offers to wsproto when it accepts a connection, becomes
   ``_DeclinedDeflate``, whose ``accept`` declines every offer. Why: browsers offer compression on every
   websocket and simple-websocket accepts it, so every room message would be compressed once per recipient,
   with a zlib context kept per socket; chat messages are a few hundred bytes, and Node's Socket.IO server
   leaves compression off by default for the same reason. Saves one zlib compression per recipient of each
   message and one zlib context per socket; not measured, as the bench's clients never offer compression.

2. **One frame per message, not per recipient.** Patched: ``simple_websocket.ws.Base.send`` becomes
   ``_send``. Why: a room emit encodes its packet once (python-socketio) and hands the same string to every
   socket's writer, and simple-websocket then built the same websocket frame (wsproto) once per socket. For
   a complete text message on an open server connection without extensions the frame depends on the text
   only, so ``frame_for`` builds it once and reuses it (a small cache keyed by the string object). ``_send``
   also sends frames already built as they are (``_RawFrame``), and sends a whole frame (``sendall``) while
   marking the connection as writing, so no direct write (3.) lands inside it. Saves: in ``make bench-live``
   (1,000 sockets, 50 messages) the server's CPU in the message phase went from 2.0-2.6 s to 1.9 s per round
   (the p99 latency did not follow).

3. **A packet is written at once when the socket's writer is idle.** Patched:
   ``engineio.socket.Socket.send`` becomes ``_socket_send``, and ``engineio.socket.Socket._websocket_handler``
   becomes ``_handle_websocket``, which marks a socket served by simple-websocket on a gevent socket as
   directly writable. Why: Engine.IO queues every packet for a writer greenlet per socket, so a room message
   to 1,000 sockets meant 1,000 queue puts, 1,000 greenlet wake-ups and 1,000 turns of the gevent hub. When
   nothing is queued for a socket and its writer is not in the middle of a frame, the emitting greenlet sends
   the frame itself with one non-blocking ``send``; what the kernel does not take at once is queued as raw
   bytes (``_Rest``), so the writer sends it before anything queued after it and order is kept. Under gevent
   only; other servers keep the queue. Saves: server CPU per delivery went from 25-31 µs (Engine.IO's queue)
   to 9-13 µs (``python -m bench.live.fanout queue|direct``: one room emit to 1,000 socket pairs).

4. **The writer keeps waiting while writes go direct.** Patched: ``engineio.socket.Socket.poll`` becomes
   ``_poll``. Why: Engine.IO's writer waits for its queue with a timeout of the ping interval plus the ping
   timeout (45 s) and takes a timeout as a dead connection; with direct writes (3.) the queue stays empty, so
   every socket was closed about 45 s after it connected (a bench run lost 5-12 % of its deliveries). A dead
   client is still found by the pings, and closing its socket wakes the writer. Saves nothing by itself: it
   keeps 3. correct (``tests/live/test_keepalive.py``).

5. **A room emit is one loop over its sockets.** Not a patch: ``send_to`` is what ``consult.delivery``'s client
   managers call in place of python-socketio's per-socket ``Server._send_eio_packet``. Why: for each recipient
   python-socketio called ``_send_eio_packet``, Engine.IO's ``send_packet``, ``_get_socket``, ``Socket.send``
   (3.), ``check_ping_timeout`` (reading the clock) and the direct write, each checking again what holds for the
   whole room. ``send_to`` reads the clock once and the frame once, and for each socket written directly with
   its writer idle makes the same checks inline and the one non-blocking ``send``; any other socket (closed,
   not upgraded, busy, past its ping timeout) gets the packet through ``send_packet`` as before. Saves: in
   ``python -m bench.live.fanout`` (one room emit to 1,000 socket pairs) CPU per delivery went from 2.4-3.0 µs
   (``emit``, python-socketio's manager) to 1.8-1.9 µs (``filtered``, the app's), of which the kernel's ``send``
   takes 1.1-1.3 µs.
"""

import inspect
import threading
import time
from importlib import metadata

import engineio.exceptions
import engineio.socket
import simple_websocket.ws
from wsproto.connection import ConnectionState
from wsproto.events import TextMessage
from wsproto.extensions import PerMessageDeflate

#: The versions the adjustments were written against; ``check`` refuses any other.
PINNED = {
    'python-engineio': '4.15.1',
    'simple-websocket': '1.1.0',
    'wsproto': '1.3.2',
    'python-socketio': '5.18.1',
}

#: Frames of the last few messages: (the text object, its frame), keyed by the text object's id.
_frames: dict[int, tuple[str, bytes]] = {}
_FRAMES_MAX = 64
_lock = threading.Lock()
_tuned = {'done': False}


class _DeclinedDeflate(PerMessageDeflate):
    def accept(self, offer):
        return None


def frame_for(ws, data: str) -> bytes:
    """The frame ``ws`` (a wsproto ``WSConnection``) would build for the complete text message ``data``."""
    if not _plain(ws):
        return ws.send(TextMessage(data=data))
    return _shared_frame(ws, data)


def _shared_frame(ws, data: str) -> bytes:
    """The frame of ``data`` on a plain connection (``_plain``), built once for every socket."""
    cached = _frames.get(id(data))
    if cached is not None and cached[0] is data:
        return cached[1]
    frame = bytes(ws.send(TextMessage(data=data)))
    with _lock:
        if len(_frames) >= _FRAMES_MAX:
            _frames.clear()
        _frames[id(data)] = (data, frame)
    return frame


def _plain(ws) -> bool:
    """Whether a complete text frame on ``ws`` (wsproto) depends on its text only, so it can be cached."""
    connection = ws.connection
    proto = connection._proto if connection is not None else None
    return not (
        ws.client
        or proto is None
        or ws.state != ConnectionState.OPEN
        or proto._outbound_opcode is not None
        or proto.extensions
    )


class _RawFrame(bytes):
    """Frame bytes already built: the socket sends them as they are."""


class _Rest:
    """The end of a frame the kernel did not take at once, queued for the socket's writer (an Engine.IO packet)."""

    __slots__ = ('frame',)

    def __init__(self, frame: bytes):
        self.frame = _RawFrame(frame)

    def encode(self, b64=False):
        return self.frame


def _send(self, data):
    if not self.connected:
        raise simple_websocket.ws.ConnectionClosed(self.close_reason, self.close_message)
    if isinstance(data, _RawFrame):
        out_data = data
    elif isinstance(data, str):
        out_data = frame_for(self.ws, data)
    else:
        out_data = self.ws.send(simple_websocket.ws.Message(data=data))
    self.writing = True  # a partial frame may be waiting for the kernel: nobody else writes meanwhile
    try:
        self.sock.sendall(out_data)
    finally:
        self.writing = False


def _writable(socket, ws) -> bool:
    """Whether a frame for ``socket`` may be sent from this greenlet now: upgraded, its writer idle with nothing
    queued, and a plain connection (``_plain``), whose frames are shared."""
    return (
        socket.upgraded
        and not socket.upgrading
        and ws.connected
        and not ws.writing
        and not socket.queue.qsize()
        and _plain(ws.ws)
    )


def _send_frame(socket, ws, frame: bytes) -> bool:
    """Send ``frame`` with one non-blocking ``send``; what the kernel did not take is queued for the socket's writer.

    False on a socket error: the caller queues the packet, and the writer meets the same error and closes it.
    """
    try:
        sent = ws.sock._sock.send(frame)
    except BlockingIOError:
        sent = 0
    except OSError:
        return False
    if sent < len(frame):
        socket.queue.put(_Rest(frame[sent:]))
    return True


def _write_now(socket, ws, pkt) -> bool:
    """Send ``pkt`` on ``socket``'s websocket from this greenlet if its writer is idle; whether it was taken.

    Nothing here yields to the hub, so between the checks and the ``send`` no other greenlet can queue or
    start writing a frame for this socket.
    """
    if not _writable(socket, ws):
        return False
    data = pkt.encode()
    if not isinstance(data, str):
        return False
    return _send_frame(socket, ws, _shared_frame(ws.ws, data))


def send_to(eio_server, eio_sids, pkt) -> None:
    """Send the Engine.IO packet ``pkt`` to each of ``eio_sids``, as ``eio_server.send_packet`` would, in one loop.

    The clock and the frame are read once for all. Nothing here yields to the hub (the direct ``send`` is
    non-blocking), so the checks made for a socket still hold when its frame is sent, as in ``_write_now``.
    """
    sockets = eio_server.sockets
    data = pkt.encode()
    if not isinstance(data, str):
        for eio_sid in eio_sids:
            eio_server.send_packet(eio_sid, pkt)
        return
    frame = None
    alive_since = time.time() - eio_server.ping_timeout
    for eio_sid in eio_sids:
        socket = sockets.get(eio_sid)
        ws = socket.__dict__.get('_direct_ws') if socket is not None else None
        if (
            ws is None
            or socket.closed
            or (socket.last_ping and socket.last_ping < alive_since)
            or not _writable(socket, ws)
        ):
            eio_server.send_packet(eio_sid, pkt)  # the library's way: it closes, queues or warns
            continue
        if frame is None:
            frame = _shared_frame(ws.ws, data)
        if not _send_frame(socket, ws, frame):
            socket.queue.put(pkt)


# The library functions as found at import, before ``tune`` replaced them; the replacements call them.
_ws_send = getattr(simple_websocket.ws.Base, 'send', None)
_queue_send = getattr(engineio.socket.Socket, 'send', None)
_queue_poll = getattr(engineio.socket.Socket, 'poll', None)
_websocket_handler = getattr(engineio.socket.Socket, '_websocket_handler', None)
_deflate = getattr(simple_websocket.ws, 'PerMessageDeflate', None)


def _socket_send(self, pkt):
    ws = self.__dict__.get('_direct_ws')
    if ws is None:
        _queue_send(self, pkt)
    elif self.check_ping_timeout() and not _write_now(self, ws, pkt):
        self.queue.put(pkt)


def _poll(self):
    """Engine.IO's wait for packets, without its idle timeout while the socket is written directly.

    Engine.IO's writer takes a queue silent for a ping interval plus timeout as a dead connection and closes
    it. With direct writes the queue is silent by design; a dead client is still found by the pings (its socket
    is then closed, which wakes the writer with ``None``).
    """
    while True:
        try:
            return _queue_poll(self)
        except engineio.exceptions.QueueEmpty:
            if self.__dict__.get('_direct_ws') is None or self.closed:
                raise


def _cooperative(ws) -> bool:
    """A simple-websocket server on a gevent socket (the production server), where a write cannot block."""
    try:
        import gevent.socket
    except ImportError:  # pragma: no cover - gevent is a production dependency
        return False
    return isinstance(ws, simple_websocket.ws.Base) and isinstance(getattr(ws, 'sock', None), gevent.socket.socket)


def _handle_websocket(self, ws):
    server_ws = getattr(ws, 'ws', None)
    if _cooperative(server_ws):
        server_ws.writing = False
        self._direct_ws = server_ws
    try:
        return _websocket_handler(self, ws)
    finally:
        self.__dict__.pop('_direct_ws', None)


def _replaced() -> list[tuple[str, object, list[str]]]:
    """Return what ``tune`` replaces, as the libraries had it: its name, the original, the parameters expected."""
    return [
        ('simple_websocket.ws.PerMessageDeflate.accept', getattr(_deflate, 'accept', None), ['self', 'offer']),
        ('simple_websocket.ws.Base.send', _ws_send, ['self', 'data']),
        ('engineio.socket.Socket.send', _queue_send, ['self', 'pkt']),
        ('engineio.socket.Socket.poll', _queue_poll, ['self']),
        ('engineio.socket.Socket._websocket_handler', _websocket_handler, ['self', 'ws']),
    ]


def check() -> None:
    """Raise ``RuntimeError`` unless the installed libraries are the ones the adjustments were written for."""
    for package, expected in PINNED.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            found = None
        if found != expected:
            have = f'{package} {found} is installed' if found else f'{package} is not installed'
            raise RuntimeError(
                f'consult.websocket adjusts the internals of {package} {expected}, but {have}. '
                f'Install {package}=={expected}, or review every adjustment in consult/websocket.py against '
                f'the installed {package} and then update PINNED there.'
            )
    for name, original, expected in _replaced():
        found = list(inspect.signature(original).parameters) if callable(original) else None
        if found != expected:
            have = f'{name}({", ".join(found)})' if found is not None else f'no {name}'
            raise RuntimeError(
                f'consult.websocket replaces {name}({", ".join(expected)}), but the installed libraries have '
                f'{have}. Review the adjustments in consult/websocket.py against them before starting the server.'
            )


def tune() -> None:
    """Check the libraries (``check``), then apply the adjustments, once for the whole process."""
    check()
    if _tuned['done']:
        return
    simple_websocket.ws.PerMessageDeflate = _DeclinedDeflate
    simple_websocket.ws.Base.send = _send
    engineio.socket.Socket.send = _socket_send
    engineio.socket.Socket.poll = _poll
    engineio.socket.Socket._websocket_handler = _handle_websocket
    _tuned['done'] = True
