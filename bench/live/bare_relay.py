"""A bare Flask-SocketIO relay: the calibration point between the Node relay and the app (never part of the app).

Same protocol as ``shared/bench/server.js``: ``join`` a room (acknowledged "ok"), ``say {room, ...}`` is
re-emitted as ``said`` to the room. Served like the app: ``gunicorn -k gevent -w 1 bench.live.bare_relay:app``.

Knobs (environment), for the tuning table:
- ``BARE_JSON``: ``orjson`` / ``ujson`` / ``msgspec`` to swap the JSON module (default: the standard library).
- ``BARE_QUEUE``: a Redis URL for the message queue (default: none).
- ``BARE_PING_INTERVAL``: seconds between engine.io pings (default 25).
- ``BARE_LOGGING``: ``1`` to log engine.io/socket.io (default off).
"""

import importlib
import json
import os

from flask import Flask
from flask_socketio import SocketIO
from flask_socketio import join_room


def _json_module():
    name = os.environ.get('BARE_JSON')
    if not name:
        return json
    if name == 'msgspec':
        import msgspec

        class MsgspecJson:
            encoder = msgspec.json.Encoder()

            @staticmethod
            def dumps(obj, **_kwargs):
                return MsgspecJson.encoder.encode(obj).decode()

            loads = staticmethod(msgspec.json.decode)

        return MsgspecJson
    module = importlib.import_module(name)
    if name == 'orjson':

        class OrJson:
            @staticmethod
            def dumps(obj, **_kwargs):
                return module.dumps(obj).decode()

            loads = staticmethod(module.loads)

        return OrJson
    return module


app = Flask(__name__)
socketio = SocketIO(
    app,
    async_mode='gevent',
    message_queue=os.environ.get('BARE_QUEUE') or None,
    json=_json_module(),
    ping_interval=int(os.environ.get('BARE_PING_INTERVAL', '25')),
    logger=os.environ.get('BARE_LOGGING') == '1',
    engineio_logger=os.environ.get('BARE_LOGGING') == '1',
    cors_allowed_origins='*',
)


@socketio.on('join')
def on_join(room):
    join_room(room)
    return 'ok'


@socketio.on('say')
def on_say(message):
    socketio.emit('said', message, to=message['room'])
