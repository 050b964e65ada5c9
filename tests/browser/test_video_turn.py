"""The video call through a real TURN relay (coturn), with the relay-only policy that hides residents' addresses.

A coturn server (Debian's ``coturn``, ``turnserver``) runs on loopback with ``use-auth-secret``: it accepts
only the time-limited credentials the app mints (``video.ice_servers``, coturn's REST API scheme). The app
runs with ``VIDEO_ICE_POLICY=relay``, so the browsers may use no other route: video arrives only if the
credentials are right and the relay carries it, and each side's ``getStats()`` says the pair in use is
relay to relay. The same test with a wrong secret shows coturn refusing, so no video at all.
"""

import contextlib
import re
import secrets
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import DEMO_REPRESENTATIVE
from tests.browser.test_live_room import _room
from tests.browser.test_video import RESIDENT_NAME
from tests.browser.test_video import _join_call
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_server

pytestmark = [pytest.mark.browser, pytest.mark.live]

TURNSERVER = '/usr/bin/turnserver'
SECRET = 'turn-test-secret'
REALM = 'consult.test'
#: coturn's log line (``--verbose``) for a relay allocation it granted, with the user id of the credential
ALLOCATED = re.compile(r'user <\d+:(\d+)>: incoming packet ALLOCATE processed, success')


def _free_udp_and_tcp_port() -> int:
    """A loopback port free for UDP and for TCP (coturn listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        with socket.socket() as tcp:
            try:
                tcp.bind(('127.0.0.1', port))
            except OSError:
                continue
        return port


def _answers_stun(port: int) -> bool:
    """Whether a STUN binding request (RFC 5389) to the port gets a success response."""
    transaction = secrets.token_bytes(12)
    request = struct.pack('!HHI', 0x0001, 0, 0x2112A442) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        try:
            sock.sendto(request, ('127.0.0.1', port))
            answer = sock.recv(2048)
        except OSError:
            return False
    return len(answer) >= 20 and answer[:2] == b'\x01\x01' and answer[8:20] == transaction


@contextlib.contextmanager
def _coturn(tmp: Path):
    """coturn on 127.0.0.1 (UDP and TCP, one port), shared-secret auth, loopback peers allowed (both browsers are
    on this host). Yields its ``turn:`` URL without a transport, and its log."""
    if not Path(TURNSERVER).exists():
        pytest.fail(
            f'{TURNSERVER} is missing: install the Debian package "coturn" (make test installs it as root).',
            pytrace=False,
        )
    port = _free_udp_and_tcp_port()
    low = 40000 + port % 20000  # a relay port range of its own, near nothing else the tests use
    log = tmp / 'turnserver.log'
    command = [TURNSERVER, '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', f'--listening-port={port}']
    command += [f'--min-port={low}', f'--max-port={low + 200}', '--use-auth-secret', f'--static-auth-secret={SECRET}']
    command += [f'--realm={REALM}', '--no-tls', '--no-dtls', '--allow-loopback-peers', '--no-cli']
    command += ['--fingerprint', '--simple-log', f'--log-file={log}', f'--pidfile={tmp / "turnserver.pid"}']
    command += [f'--userdb={tmp / "turndb"}', '--verbose']
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not _answers_stun(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'turnserver did not start: {log.read_text(errors="replace")[-2000:]}')
            time.sleep(0.1)
        yield f'turn:127.0.0.1:{port}', log
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        if process.poll() is None:
            process.kill()


@pytest.fixture(scope='module')
def turn(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('coturn')
    with _coturn(tmp) as (url, log):
        yield url, log


def _relayed(turn, tmp_path_factory, secret, transport='udp'):
    url, _log = turn
    env = {'VIDEO_TURN_URLS': f'{url}?transport={transport}', 'VIDEO_TURN_SECRET': secret, 'VIDEO_ICE_POLICY': 'relay'}
    return live_server(tmp_path_factory.mktemp('turn-live'), env=env)


def _log_since(turn, start: int) -> str:
    return turn[1].read_bytes()[start:].decode(errors='replace')


def _received(page) -> list[dict]:
    return page.evaluate('window.consultVideo.received()')


def _wait_for_video(page, name, timeout=25.0) -> dict:
    deadline = time.monotonic() + timeout
    peers = []
    while time.monotonic() < deadline:
        peers = _received(page)
        found = [p for p in peers if p['name'] == name and p['bytes'] > 0 and p['route']]
        if found:
            return found[0]
        time.sleep(0.25)
    raise AssertionError(f'no video from {name} within {timeout} s: {peers}')


@pytest.mark.parametrize('transport', ['udp', 'tcp'])  # TURN over TCP: for networks that block UDP
def test_video_goes_through_the_relay_and_nowhere_else(new_context, turn, tmp_path_factory, transport):
    start = len(turn[1].read_bytes())
    with _relayed(turn, tmp_path_factory, SECRET, transport) as server:
        resident = _room(lambda: new_context(base_url=server.url), server, DEMO_RESIDENT)
        representative = _room(lambda: new_context(base_url=server.url), server, DEMO_REPRESENTATIVE)
        _join_call(resident)
        _join_call(representative)

        peer = _wait_for_video(representative, RESIDENT_NAME)
        assert peer['route'] == ['relay', 'relay'], peer  # media through coturn, no host or reflexive route
        assert peer['relay'] == transport, peer  # the browser reached coturn over this transport
        expect(representative.locator('.video-tile')).to_have_count(2)
        # coturn accepted the app's credential of each person (username "<expiry>:<user id>")
        assert len(set(ALLOCATED.findall(_log_since(turn, start)))) == 2


def test_a_credential_coturn_does_not_accept_gives_no_video(new_context, turn, tmp_path_factory):
    start = len(turn[1].read_bytes())
    with _relayed(turn, tmp_path_factory, 'not-the-relays-secret') as server:
        resident = _room(lambda: new_context(base_url=server.url), server, DEMO_RESIDENT)
        representative = _room(lambda: new_context(base_url=server.url), server, DEMO_REPRESENTATIVE)
        _join_call(resident)
        _join_call(representative)
        time.sleep(6)  # long enough for a relayed call to carry video (the test above: 1-3 s)
        assert all(p['bytes'] == 0 and not p['route'] for p in _received(representative))
        log = _log_since(turn, start)
        assert not ALLOCATED.findall(log)
        assert 'error 401' in log  # refused by the relay, not merely unused
