"""The servers under test, each in a subprocess: the Node reference relay, the app, the bare Flask-SocketIO relay."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.live import cpus
from bench.live.driver import apply_priority

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / 'bench' / 'results'
STARTUP_TIMEOUT = 60


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the process and its children (gunicorn's worker), from /proc."""
        total = 0.0
        for pid in _tree(self.process.pid):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
        return total

    def rss_kib(self) -> int:
        """Resident memory (VmRSS, KiB) of the serving processes: gunicorn's workers (the master's children), or
        the process itself when it has none (the Node relay)."""
        total = 0
        for pid in _tree(self.process.pid)[1:] or [self.process.pid]:
            with contextlib.suppress(OSError, StopIteration, ValueError):
                lines = Path(f'/proc/{pid}/status').read_text().splitlines()
                total += int(next(line for line in lines if line.startswith('VmRSS:')).split()[1])
        return total

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors='replace')[-chars:]
        except OSError:
            return ''


def _server_priority() -> None:
    apply_priority()
    cpus.pin('server')  # the gunicorn workers inherit it


def _tree(root: int) -> list[int]:
    parents = {}
    for stat in Path('/proc').glob('[0-9]*/stat'):
        with contextlib.suppress(OSError, IndexError, ValueError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(')', 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _wait_for_port(server: Server) -> None:
    port = int(server.url.rsplit(':', 1)[1])
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f'{server.name} exited with {server.process.returncode}:\n{server.log_tail()}')
        with contextlib.suppress(OSError), socket.create_connection(('127.0.0.1', port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f'{server.name} did not listen within {STARTUP_TIMEOUT} s:\n{server.log_tail()}')


@contextlib.contextmanager
def _process(name: str, command: list[str], env: dict | None = None, cwd: Path = ROOT) -> Iterator[Server]:
    port = free_port()
    log_path = RESULTS / f'{name}.log'
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open('w') as log:
        process = subprocess.Popen(
            [part.replace('{port}', str(port)) for part in command],
            cwd=cwd,
            env=env or os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_server_priority,
        )
        server = Server(name=name, url=f'http://127.0.0.1:{port}', process=process, log_path=log_path)
        try:
            _wait_for_port(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def relay_dir(source: Path) -> Path:
    """A folder with the relay's ``server.js`` and its ``node_modules``, installing them if missing.

    ``npm install`` runs in ``source`` (``BENCH_RELAY_DIR``) when that folder is writable; the shared folder is
    read-only for everyone but root, so otherwise the relay is copied to ``bench/results/relay`` and installed
    there. Nothing is installed when ``node_modules/socket.io`` already exists in either place.
    """
    source = Path(source).resolve()
    if (source / 'node_modules' / 'socket.io').is_dir():
        return source
    writable = os.access(source, os.W_OK) and source.stat().st_mode & 0o222  # root passes os.access anyway
    target = source if writable else RESULTS / 'relay'
    if target != source:
        target.mkdir(parents=True, exist_ok=True)
        for name in ('server.js', 'package.json'):
            shutil.copy2(source / name, target / name)
    if not (target / 'node_modules' / 'socket.io').is_dir():
        print(f'npm install in {target}', flush=True)
        subprocess.run(['npm', 'install', '--no-audit', '--no-fund', '--loglevel=error'], cwd=target, check=True)
    return target


#: As in production (README, Production layout).
WORKER_CONNECTIONS = 4000


@contextlib.contextmanager
def node_relay(source: Path) -> Iterator[Server]:
    with _process('node-relay', ['node', 'server.js', '{port}'], cwd=relay_dir(source)) as server:
        yield server


def _gunicorn(
    app: str, extra: list[str] | None = None, workers: int = 1, connections: int = WORKER_CONNECTIONS
) -> list[str]:
    gunicorn = str(Path(sys.executable).parent / 'gunicorn')
    # gevent's worker admits 1,000 connections by default: 1,000 participants plus the senders would not fit.
    command = [gunicorn, '-k', 'gevent', '-w', str(workers), '--worker-connections', str(connections)]
    return [*command, '-b', '127.0.0.1:{port}', *(extra or []), app]


@contextlib.contextmanager
def app_server(
    env: dict,
    name: str = 'app',
    workers: int = 1,
    connections: int = WORKER_CONNECTIONS,
    probe: str = 'bench/live/probe.py',
) -> Iterator[Server]:
    """The app as in production: ``gunicorn -k gevent -w 1 app:app`` with ``CONSULT_ENV=production``.

    ``workers`` and ``connections`` (per worker) for benches that need more (``make bench-votes``); ``probe``:
    the gunicorn config loaded with ``BENCH_PROBE=1`` (``BENCH_PROBE=path.py``: that config instead).
    """
    chosen = os.environ.get('BENCH_PROBE', '')
    extra = ['-c', chosen if chosen.endswith('.py') else probe] if chosen else []
    with _process(name, _gunicorn('app:app', extra, workers, connections), env=env) as server:
        yield server


@contextlib.contextmanager
def bare_relay(env: dict, name: str = 'bare-relay', worker: str | None = None) -> Iterator[Server]:
    """The throwaway bare Flask-SocketIO relay (calibration only), served like the app."""
    command = _gunicorn('bench.live.bare_relay:app')
    if worker:
        command[command.index('gevent')] = worker
    with _process(name, command, env=env) as server:
        yield server


def quiesce(server_list, idle_cpu: float = 0.05, step: float = 0.5, limit: float = 180.0) -> float:
    """Wait until every server is idle (under ``idle_cpu`` CPU-seconds per ``step``); return the seconds waited.

    The servers stay up between rounds: without this wait, the app would still be handling the last round's
    1,000 disconnects (a presence change and a push each) during the relay's next round, and slow it down.
    """
    start = time.monotonic()
    before = [server.cpu_seconds() for server in server_list]
    while time.monotonic() - start < limit:
        time.sleep(step)
        now = [server.cpu_seconds() for server in server_list]
        busy = max((b - a for a, b in zip(before, now, strict=True)), default=0.0)
        before = now
        if busy < idle_cpu:
            break
    return round(time.monotonic() - start, 1)
