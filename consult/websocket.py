"""Two adjustments to simple-websocket, the websocket server under Flask-SocketIO, for rooms of many sockets.

- **No permessage-deflate.** Browsers offer it on every websocket and simple-websocket accepts it: every room
  message would then be compressed once per recipient, with a zlib context kept per socket. Chat messages are
  a few hundred bytes; Node's Socket.IO server leaves compression off by default for the same reason.
- **One frame per message, not per recipient.** A room emit encodes its packet once (python-socketio) and
  hands the same string to every socket's writer; simple-websocket then builds the same websocket frame
  (wsproto) once per socket. For a complete text message on an open server connection without extensions
  the frame depends on the text only, so it is built once and reused (a small cache keyed by the string
  object). Measured in ``bench/live/README.md``.

Both are applied once, by :func:`tune`, when the socket layer is set up (``consult.realtime``).
"""

import threading

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


def _send(self, data):
    if not self.connected:
        raise simple_websocket.ws.ConnectionClosed(self.close_reason, self.close_message)
    if isinstance(data, str):
        out_data = frame_for(self.ws, data)
    else:
        out_data = self.ws.send(simple_websocket.ws.Message(data=data))
    self.sock.send(out_data)


def tune() -> None:
    if _tuned['done']:
        return
    simple_websocket.ws.PerMessageDeflate = _DeclinedDeflate
    simple_websocket.ws.Base.send = _send
    _tuned['done'] = True
