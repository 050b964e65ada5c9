"""A closed Engine.IO session leaves the server's table at once (``consult.socket_limits``).

python-engineio drops a closed websocket session from its table only when its sweep next passes it (a pass takes
the ping timeout), so after a thousand people left a room the worker still held over a thousand closed sessions
(``make bench-live BENCH_ARGS="--cycles 10"``). The handshake here is a real Engine.IO one, through the app's WSGI
entry point.
"""

import json

from consult.extensions import socketio


def _handshake(app) -> str:
    environ = {
        'REQUEST_METHOD': 'GET',
        'PATH_INFO': '/socket.io/',
        'QUERY_STRING': 'EIO=4&transport=polling',
        'wsgi.input': None,
        'wsgi.url_scheme': 'http',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'HTTP_HOST': 'localhost',
    }
    answered = []
    body = b''.join(socketio.server.eio.handle_request(environ, lambda status, headers: answered.append(status)))
    assert answered[0].startswith('200'), answered
    return json.loads(body.decode()[1:])['sid']


def test_a_session_closed_by_its_transport_is_dropped_from_the_table_at_once(app):
    eio = socketio.server.eio
    sid = _handshake(app)
    assert sid in eio.sockets
    eio.sockets[sid].close(wait=False, abort=True, reason=eio.reason.TRANSPORT_CLOSE)  # as a websocket's end does
    assert sid not in eio.sockets
