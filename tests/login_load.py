"""A socket's ping while logins run, against a real server (``tests/live_server.py``).

Used by ``tests/live/test_login_load.py`` (a bound) and ``bench/bench_logins.py`` (the figures). A ping is
one Socket.IO event with an acknowledgement (``meeting:ping`` for a room the socket has not joined: the server
answers at once without touching the database), so it measures how long the server's loop takes to answer.
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
import socketio

from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF

USER_AGENT = 'consult-login-load/1.0'


@dataclass
class Figures:
    idle_ms: list[float]
    busy_ms: list[float]
    login_ms: list[float]
    login_codes: list[int]

    def summary(self) -> str:
        return (
            f'ping idle: median {statistics.median(self.idle_ms):.0f} ms, max {max(self.idle_ms):.0f} ms | '
            f'ping during {len(self.login_ms)} parallel logins: median {statistics.median(self.busy_ms):.0f} ms, '
            f'max {max(self.busy_ms):.0f} ms ({len(self.busy_ms)} pings) | logins: median '
            f'{statistics.median(self.login_ms):.0f} ms, max {max(self.login_ms):.0f} ms'
        )


def _csrf(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _login(url: str, mobile: str, password: str) -> tuple[requests.Session, int, float]:
    http = requests.Session()
    http.headers['User-Agent'] = USER_AGENT
    token = _csrf(http.get(url + '/account/login', timeout=30).text)
    started = time.perf_counter()
    response = http.post(
        url + '/account/login',
        data={'identifier': mobile, 'password': password, 'csrf_token': token},
        allow_redirects=False,
        timeout=60,
    )
    return http, response.status_code, (time.perf_counter() - started) * 1000


def _ping(client: socketio.Client) -> float:
    started = time.perf_counter()
    client.call('meeting:ping', {'meeting': 0}, timeout=60)
    return (time.perf_counter() - started) * 1000


def pings_during_logins(server, logins: int = 10, idle_pings: int = 10) -> Figures:
    """Connect one socket, ping it idle, then ping it again and again while ``logins`` logins run at once."""
    http, code, _ms = _login(server.url, DEMO_STAFF, server.demo_password)
    assert code == 302, f'login failed: {code}'
    client = socketio.Client(http_session=http, reconnection=False, request_timeout=60)
    client.connect(
        server.url,
        auth={'csrf_token': _csrf(http.get(server.url + '/', timeout=30).text)},
        transports=['websocket'],
        headers={'User-Agent': USER_AGENT},
        wait_timeout=30,
    )
    try:
        idle = [_ping(client) for _ in range(idle_pings)]
        # Every login first fetches its form; only the POSTs, which hash, start together.
        pages = []
        for _ in range(logins):
            session = requests.Session()
            session.headers['User-Agent'] = USER_AGENT
            pages.append((session, _csrf(session.get(server.url + '/account/login', timeout=30).text)))
        start = threading.Barrier(logins + 1)

        def post(page):
            session, token = page
            start.wait()
            began = time.perf_counter()
            response = session.post(
                server.url + '/account/login',
                data={'identifier': DEMO_RESIDENT, 'password': server.demo_password, 'csrf_token': token},
                allow_redirects=False,
                timeout=120,
            )
            return response.status_code, (time.perf_counter() - began) * 1000

        busy = []
        with ThreadPoolExecutor(logins) as pool:
            futures = [pool.submit(post, page) for page in pages]
            start.wait()
            time.sleep(0.05)  # the POSTs are in the server
            while not all(f.done() for f in futures):
                busy.append(_ping(client))
                time.sleep(0.02)
            results = [f.result() for f in futures]
        return Figures(idle, busy, [ms for _code, ms in results], [code for code, _ms in results])
    finally:
        client.disconnect()
