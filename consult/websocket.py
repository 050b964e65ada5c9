"""Two adjustments to simple-websocket, the websocket server under Flask-SocketIO, for rooms of many sockets.

- **No permessage-deflate.** Browsers offer it on every websocket and simple-websocket accepts it: every room
  message would then be compressed once per recipient, with a zlib context kept per socket. Chat messages are
  a few hundred bytes; Node's Socket.IO server leaves compression off by default for the same reason.
- **One frame per message, not per recipient.** A room emit encodes its packet once (python-socketio) and
  hands the same string to every socket's writer; simple-websocket then builds the same websocket frame
  (wsproto) once per socket. For a complete text message on an open server connection without extensions
  the frame depends on the text only, so it is built once and reused (a small cache keyed by the string
  object). Measured in ``bench/live/README.md``.

- **A packet is written at once when the socket's writer is idle.** Engine.IO queues every packet for a
  writer greenlet per socket, so a room message to 1,000 sockets meant 1,000 queue puts, 1,000 greenlet
  wake-ups and 1,000 turns of the gevent hub before the last reader got it, interleaved with everything
  else the process was doing. When nothing is queued for a socket and its writer is not in the middle of a
  frame, the emitting greenlet now sends the frame itself with one non-blocking ``send``; whatever the kernel
  does not take at once is queued as raw bytes, so the writer sends it before anything queued after it, and
  order is kept. Under gevent only (other servers keep the usual path). Measured in ``bench/live/README.md``.

All are applied once, by :func:`tune`, when the socket layer is set up (``consult.realtime``).
"""

import threading

import engineio.exceptions
import engineio.socket
import simple_websocket.ws
from wsproto.connection import ConnectionState
from wsproto.events import TextMessage
from wsproto.extensions import PerMessageDeflate

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


def _write_now(socket, ws, pkt) -> bool:
    """Send ``pkt`` on ``socket``'s websocket from this greenlet if its writer is idle; whether it was taken.

    Nothing here yields to the hub, so between the checks and the ``send`` no other greenlet can queue or
    start writing a frame for this socket.
    """
    if not socket.upgraded or socket.upgrading or not ws.connected or ws.writing or not socket.queue.empty():
        return False
    if not _plain(ws.ws):
        return False
    data = pkt.encode()
    if not isinstance(data, str):
        return False
    raw = ws.sock._sock
    frame = _shared_frame(ws.ws, data)  # plain: checked above
    try:
        sent = raw.send(frame)
    except BlockingIOError:
        sent = 0
    except OSError:
        return False  # the writer meets the same error and closes the socket
    if sent < len(frame):
        socket.queue.put(_Rest(frame[sent:]))
    return True


_queue_send = engineio.socket.Socket.send
_queue_poll = engineio.socket.Socket.poll
_websocket_handler = engineio.socket.Socket._websocket_handler


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


def tune() -> None:
    if _tuned['done']:
        return
    simple_websocket.ws.PerMessageDeflate = _DeclinedDeflate
    simple_websocket.ws.Base.send = _send
    engineio.socket.Socket.send = _socket_send
    engineio.socket.Socket.poll = _poll
    engineio.socket.Socket._websocket_handler = _handle_websocket
    _tuned['done'] = True
