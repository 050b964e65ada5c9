"""Limits on sockets: per person, on handshakes that never sign in, and on the size of a message.

- **Sockets per person** (``SOCKETIO_MAX_SOCKETS_PER_USER``): a Socket.IO connection beyond it is refused
  (``connect_error``). Counted across processes in Redis when ``REDIS_URL`` is set (a hash per person with a
  count per process; a process's counts lapse a minute after it stops), in the process otherwise.
- **Handshakes that never sign in**: an Engine.IO session that has not completed a Socket.IO connection
  within ``SOCKETIO_CONNECT_TIMEOUT`` seconds is closed (a refused connection counts as not completed), and a
  process holds at most ``SOCKETIO_MAX_PENDING`` of them: further handshakes are refused (HTTP 401).
- **Message size**: a message over ``SOCKETIO_MAX_MESSAGE_BYTES`` is not handled; the socket gets an
  ``error`` event ``too_large`` and stays connected. The transport's own limit (``max_http_buffer_size``,
  ``SOCKETIO_MAX_TRANSPORT_BYTES``) is larger; a frame over that one still closes the connection, as the
  websocket protocol has no other answer.

``install`` wraps the Engine.IO server's connect, message and disconnect handlers (python-socketio's) of the
app's Socket.IO server; the connect handler of ``consult.realtime`` asks ``admit``.
"""

import logging
import os
import threading
import time
import uuid

from flask import current_app
from flask import request
from flask_babel import gettext as _

from consult.collector import note_departure
from consult.collector import trim_if_settled

logger = logging.getLogger(__name__)

#: A process's counts in Redis lapse this long after its last heartbeat (seconds); it beats three times as often.
ALIVE_SECONDS = 60
_PREFIX = 'consult:sockets:'
_ADMIT = """
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  if redis.call('EXISTS', ARGV[3] .. fields[i]) == 1 then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
if total >= tonumber(ARGV[2]) then
  return -1
end
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'EX', ARGV[4])
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], 86400)
return total + 1
"""
_RELEASE = """
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""


class Limits:
    """The limits of one Socket.IO server (one app): its sessions, and the sockets per person."""

    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.timeout = float(app.config['SOCKETIO_CONNECT_TIMEOUT'])
        self.max_pending = int(app.config['SOCKETIO_MAX_PENDING'])
        self.max_bytes = int(app.config['SOCKETIO_MAX_MESSAGE_BYTES'])
        self.per_user = int(app.config['SOCKETIO_MAX_SOCKETS_PER_USER'])
        self.process = f'{os.getpid()}-{uuid.uuid4().hex[:8]}'
        # Deployments that share a Redis server keep apart by their queue's channel; so do their counts.
        self.prefix = f'{_PREFIX}{app.config["SOCKETIO_CHANNEL"]}:'
        self.lock = threading.Lock()
        #: Engine.IO sessions not yet connected to Socket.IO: when each began.
        self.pending: dict[str, float] = {}
        #: Engine.IO sessions counted for a person, and the counts kept in the process (without Redis).
        self.counted: dict[str, int] = {}
        self.local: dict[int, int] = {}
        self.redis = None
        url = app.config.get('REDIS_URL')
        if url:
            import redis

            self.redis = redis.Redis.from_url(url)
            self.admit_script = self.redis.register_script(_ADMIT)
            self.release_script = self.redis.register_script(_RELEASE)
        self.loop_started = False

    # Engine.IO handlers, around python-socketio's.

    def wrap(self) -> None:
        eio = self.server.eio
        on_connect, on_message, on_disconnect = (eio.handlers[e] for e in ('connect', 'message', 'disconnect'))

        def connect(eio_sid, environ):
            with self.lock:
                if len(self.pending) >= self.max_pending:
                    logger.warning('refused an Engine.IO handshake: %s are not signed in', len(self.pending))
                    return False
                self.pending[eio_sid] = time.monotonic()
            self._start_loop()
            return on_connect(eio_sid, environ)

        def message(eio_sid, data):
            if self._too_large(data):
                return self._refuse_large(eio_sid)
            return on_message(eio_sid, data)

        def disconnect(eio_sid, reason=None):
            try:
                return on_disconnect(eio_sid, reason)
            finally:
                self._forget(eio_sid)
                note_departure(time.monotonic())
                # The session is closing: Engine.IO would drop it from its table only when its sweep next passes
                # (a pass takes the ping timeout), so a thousand people leaving stayed in memory that long.
                eio.sockets.pop(eio_sid, None)

        eio.on('connect', connect)
        eio.on('message', message)
        eio.on('disconnect', disconnect)

    def _too_large(self, data) -> bool:
        if not isinstance(data, str | bytes) or len(data) * 4 <= self.max_bytes:
            return False
        size = len(data) if isinstance(data, bytes) else len(data.encode('utf-8', 'surrogatepass'))
        return size > self.max_bytes

    def _refuse_large(self, eio_sid: str) -> None:
        sid = self.server.manager.sid_from_eio_sid(eio_sid, '/')
        if sid is None or not self.server.manager.is_connected(sid, '/'):
            return
        environ = self.server.environ.get(eio_sid, {})
        with self.app.request_context(environ):
            text = _('The message is too large (at most %(n)s bytes).', n=self.max_bytes)
        self.server.emit('error', {'code': 'too_large', 'message': text}, to=sid)

    def _forget(self, eio_sid: str) -> None:
        with self.lock:
            self.pending.pop(eio_sid, None)
            user_id = self.counted.pop(eio_sid, None)
            if user_id is not None and self.redis is None:
                left = self.local.get(user_id, 1) - 1
                if left > 0:
                    self.local[user_id] = left
                else:
                    self.local.pop(user_id, None)
        if user_id is not None and self.redis is not None:
            try:
                self.release_script(keys=[self.prefix + str(user_id)], args=[self.process])
            except Exception:  # a count left behind lapses with the hash (a day) or the process's heartbeat
                logger.exception('could not release a socket count in Redis')

    # The Socket.IO connection of a person.

    def admit(self, eio_sid: str, user_id: int) -> bool:
        """Count ``eio_sid`` for ``user_id``; ``False`` if the person has the most sockets allowed already."""
        with self.lock:
            if eio_sid not in self.pending and eio_sid not in self.counted:
                return True  # not an Engine.IO session of this server (the in-process test client)
            if eio_sid in self.counted:
                return True
            if self.redis is None:
                if self.local.get(user_id, 0) >= self.per_user:
                    return False
                self.local[user_id] = self.local.get(user_id, 0) + 1
                self._counted(eio_sid, user_id)
                return True
        try:
            total = self.admit_script(
                keys=[self.prefix + str(user_id)],
                args=[self.process, self.per_user, self.prefix + 'alive:', ALIVE_SECONDS],
            )
        except Exception:  # Redis is down: let people in rather than lock everyone out
            logger.exception('could not count sockets in Redis')
            return True
        if total < 0:
            return False
        with self.lock:
            self._counted(eio_sid, user_id)
        return True

    def _counted(self, eio_sid: str, user_id: int) -> None:
        self.pending.pop(eio_sid, None)
        self.counted[eio_sid] = user_id

    # The sweep of sessions that never signed in, and this process's heartbeat in Redis.

    def _start_loop(self) -> None:
        with self.lock:
            if self.loop_started:
                return
            self.loop_started = True
        self.server.start_background_task(self._loop)

    def _loop(self) -> None:
        beat = 0.0
        while True:
            self.server.sleep(min(1.0, self.timeout / 4))
            now = time.monotonic()
            trim_if_settled(now)
            with self.lock:
                stale = [eio_sid for eio_sid, began in self.pending.items() if now - began > self.timeout]
                for eio_sid in stale:
                    del self.pending[eio_sid]
            for eio_sid in stale:
                self._close(eio_sid)
            if self.redis is not None and now - beat > ALIVE_SECONDS / 3:
                beat = now
                try:
                    self.redis.set(self.prefix + 'alive:' + self.process, '1', ex=ALIVE_SECONDS)
                except Exception:
                    logger.exception('could not renew the socket counts in Redis')

    def _close(self, eio_sid: str) -> None:
        """Close an Engine.IO session without waiting for its queue: a polling client that never polls never drains it."""
        eio = self.server.eio
        socket = eio.sockets.get(eio_sid)
        if socket is None:
            return
        try:
            socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
        except Exception:  # its transport is gone already
            logger.debug('session %s was closed already', eio_sid)
        eio.sockets.pop(eio_sid, None)


def install(app, server) -> Limits:
    """Apply the limits to ``server`` (the app's ``socketio.Server``)."""
    limits = Limits(app, server)
    limits.wrap()
    app.extensions['socket_limits'] = limits
    return limits


def admit() -> bool:
    """For the Socket.IO connect handler: count this socket for the logged-in person, or refuse (``False``)."""
    from flask_login import current_user

    limits = current_app.extensions.get('socket_limits')
    if limits is None:
        return True
    eio_sid = limits.server.manager.eio_sid_from_sid(request.sid, '/')
    return eio_sid is None or limits.admit(eio_sid, current_user.id)
