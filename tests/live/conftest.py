"""Fixtures for tests against a real server process: one server for the whole ``tests/live`` package."""

import re
import threading

import pytest
import requests
import socketio
import websocket

from tests.live_server import live_server

#: One fixed User-Agent for every request of a client. Flask-Login's "strong" session protection ties the
#: session to address and User-Agent, so the socket handshake must send the same one as the login did.
USER_AGENT = 'consult-live-tests/1.0'

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(autouse=True)
def _reset_rate_limits():
    """Override the in-process suite's autouse fixture: these tests never need the in-process app."""


@pytest.fixture(scope='session', autouse=True)
def _quick_websocket_close():
    """Wait 0.3 s, not 3 s, for the server's answer to a websocket close frame.

    Werkzeug's development server (what ``python app.py`` runs) ends the websocket without answering the
    client's close frame, so websocket-client waits its full default timeout on every disconnect and on every
    refused connection. Production (gunicorn + gevent) is not affected; the tests only get faster.
    """
    original = websocket.WebSocket.close

    def close(self, status=1000, reason=b'', timeout=0.3):
        return original(self, status, reason, timeout)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(websocket.WebSocket, 'close', close)
        yield


@pytest.fixture(scope='session')
def live(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp('live')) as server:
        yield server


def csrf_from(html: str) -> str:
    match = _META.search(html)
    assert match, 'no <meta name="csrf-token"> on the page'
    return match.group(1)


def new_http(live) -> requests.Session:
    http = requests.Session()
    http.headers['User-Agent'] = USER_AGENT
    http.get(live.url + '/', timeout=10).raise_for_status()
    return http


def login(live, mobile: str, password: str | None = None) -> tuple[requests.Session, str]:
    """Log in through the real form; return the HTTP session (with its cookie) and a fresh page CSRF token."""
    http = new_http(live)
    page = http.get(live.url + '/account/login', timeout=10)
    page.raise_for_status()
    response = http.post(
        live.url + '/account/login',
        data={'identifier': mobile, 'password': password or live.demo_password, 'csrf_token': csrf_from(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f'login failed ({response.status_code}): {response.text[:500]}'
    assert 'consult_session' in http.cookies
    # Logging in clears the session, so the token of the login page is gone: take the one a page now carries.
    home = http.get(live.url + '/', timeout=10)
    assert 'data-user=' in home.text
    return http, csrf_from(home.text)


class SocketRecorder:
    """A python-socketio client that records the events it gets."""

    def __init__(self, http: requests.Session | None):
        self.client = socketio.Client(http_session=http, reconnection=False, request_timeout=10)
        self.events: dict[str, list] = {}
        self.connect_errors: list = []
        self._changed = threading.Condition()
        self.client.on('connect_error', self.connect_errors.append)
        names = ('welcome', 'residency_decided', 'cosign_count', 'topic_changed', 'error')
        for name in (*names, 'meeting:message', 'meeting:quorum', 'meeting:state'):
            self.client.on(name, lambda data, name=name: self._record(name, data))

    def _record(self, name, data) -> None:
        with self._changed:
            self.events.setdefault(name, []).append(data)
            self._changed.notify_all()

    def wait_for(self, name: str, timeout: float = 10) -> dict:
        """Return the first ``name`` event, waiting up to ``timeout`` seconds for it."""
        with self._changed:
            self._changed.wait_for(lambda: name in self.events, timeout=timeout)
        assert name in self.events, f'no {name!r} event within {timeout} s; got {self.events}'
        return self.events[name][0]

    def connect(self, live, auth=None, transports=('websocket',), headers=None, **kwargs) -> None:
        self.client.connect(
            live.url,
            auth=auth,
            transports=list(transports),
            headers={'User-Agent': USER_AGENT, **(headers or {})},
            wait_timeout=10,
            **kwargs,
        )


@pytest.fixture
def sockets():
    """Factory: ``sockets(http_session)`` gives a :class:`SocketRecorder`; all are disconnected afterwards."""
    made = []

    def make(http=None) -> SocketRecorder:
        recorder = SocketRecorder(http)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        if recorder.client.connected:
            recorder.client.disconnect()
