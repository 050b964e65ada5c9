"""A TCP proxy between a live server and PostgreSQL, to cut the database for real and bring it back.

``DatabaseProxy(target_url)`` listens on a free 127.0.0.1 port and forwards every connection to the database
server of ``target_url``; ``url`` is the same URL through the proxy. ``cut()`` closes the listening socket and
every forwarded connection, so the server's pooled connections die and new ones are refused (ECONNREFUSED),
as when PostgreSQL is down; ``restore()`` listens again on the same port.
"""

import contextlib
import socket
import threading

import sqlalchemy as sa

from tests.live_server import free_port


class DatabaseProxy:
    def __init__(self, target_url: str):
        target = sa.make_url(target_url)
        self._target = (target.host or '127.0.0.1', target.port or 5432)
        self.port = free_port()
        self.url = target.set(host='127.0.0.1', port=self.port).render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()

    def __enter__(self) -> 'DatabaseProxy':
        self.restore()
        return self

    def __exit__(self, *exc_info) -> None:
        self.cut()

    @property
    def up(self) -> bool:
        return self._listener is not None

    def restore(self) -> None:
        """Accept and forward connections again, on the same port."""
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(('127.0.0.1', self.port))
            listener.listen(128)
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and break the open ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self._target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
