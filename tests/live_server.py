"""A real Consult server in a subprocess, for the live-socket and browser tests.

``live_server(tmp_dir)`` is a context manager: it gives the server its own database and instance folder,
migrates the database, loads the demo data, starts ``python app.py`` (Werkzeug, threading mode, real
websockets) on a free 127.0.0.1 port, waits until it answers, and yields a :class:`LiveServer`.

The database is a SQLite file in ``tmp_dir`` by default. When ``TEST_DATABASE_URL`` (or the ``database_url``
argument) is a PostgreSQL URL, a separate database ``consult_live_<pid>_<n>`` is created on that server and
dropped afterwards, so the shared test database of the in-process suite is never touched.

Migrating and loading the demo take about 20 s on PostgreSQL, so the first server of a kind (development or
production) keeps a copy of its freshly loaded database and instance folder (:class:`_Pristine`: a template
database, or the SQLite file); the next ones of that kind within ``PRISTINE_MAX_AGE`` start from a copy of it
(``CREATE DATABASE ... TEMPLATE``: a tenth of a second), never from a database a server has used.
"""

import atexit
import contextlib
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.support import ROOT
from tests.support import is_postgres

#: Demo accounts (consult/demo.py): a verified resident of 东湖社区, its committee staff, the administrator.
DEMO_RESIDENT = '13800000001'
DEMO_STAFF = '13800000004'
DEMO_ADMIN = '13800000012'
DEMO_WAITING = '13800000013'  # 新居民, whose claim waits for review

STARTUP_TIMEOUT = 60  # seconds, for migrate + demo load + first answer together on a slow CI machine
#: A pristine copy is used for this long (seconds): the demo's times are relative to its load ("starts now").
PRISTINE_MAX_AGE = 600
_counter = itertools.count(1)


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    demo_password: str
    database_url: str
    instance_path: Path
    log_path: Path
    process: subprocess.Popen

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's stdout and stderr, for failure messages."""
        try:
            return self.log_path.read_text(errors='replace')[-chars:]
        except OSError:
            return ''


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@dataclass
class _Pristine:
    """A migrated, demo-loaded database nobody has used (a template database, or a SQLite file) and the
    instance folder its demo load wrote (the demo password)."""

    database: str  # the template database's name, or the SQLite file's path
    instance_path: Path
    made_at: float


#: One pristine copy per kind of server: (PostgreSQL or SQLite, production or not).
_pristine: dict[tuple, _Pristine] = {}


def _pristine_key(url: str, production: bool) -> tuple:
    # ``env`` is left out: the settings the tests give (socket limits, rate limits, the TURN relay) are read by
    # the running server; migrating and loading the demo do not depend on them. The environment does (the
    # production password hashing, say).
    return is_postgres(url), production


def _maintenance(url: str) -> sa.Engine:
    """An AUTOCOMMIT engine on the PostgreSQL server's ``postgres`` database.

    Through ``TEST_DATABASE_URL`` when it is PostgreSQL: the outage tests' servers reach the same server through
    a proxy that they cut, and the pristine copy outlives their proxy.
    """
    direct = os.environ.get('TEST_DATABASE_URL', '')
    server = sa.make_url(direct if is_postgres(direct) else url).set(database='postgres')
    return sa.create_engine(server, isolation_level='AUTOCOMMIT', poolclass=sa.pool.NullPool)


def _copy_pristine(url: str, key: tuple, instance_path: Path) -> bool:
    """Fill the empty database ``url`` and ``instance_path`` from the pristine copy of ``key``; False if none."""
    pristine = _pristine.get(key)
    if pristine is None or time.monotonic() - pristine.made_at > PRISTINE_MAX_AGE:
        return False
    if is_postgres(url):
        name = sa.make_url(url).database
        admin = _maintenance(url)
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                try:
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pristine.database}"')
                except sa.exc.DBAPIError:  # the template busy, say: migrate and load as without a copy
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
                    return False
        finally:
            admin.dispose()
    else:
        shutil.copyfile(pristine.database, sa.make_url(url).database)
    shutil.copytree(pristine.instance_path, instance_path, dirs_exist_ok=True)
    return True


def _keep_pristine(url: str, key: tuple, instance_path: Path, tmp_dir: Path) -> None:
    """Keep a copy of the database ``url`` and ``instance_path``, just loaded and not yet used by a server."""
    if is_postgres(url):
        database = f'consult_pristine_{os.getpid()}_{next(_counter)}'
        admin = _maintenance(url)
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{database}" TEMPLATE "{sa.make_url(url).database}"')
        except sa.exc.DBAPIError:  # a connection to it still closing, say: the next server migrates and loads
            return
        finally:
            admin.dispose()
        atexit.register(_drop_database, url, database)
    else:
        database = str(tmp_dir / 'pristine.db')
        shutil.copyfile(sa.make_url(url).database, database)
    copy = tmp_dir / 'pristine-instance'
    shutil.copytree(instance_path, copy)
    _pristine[key] = _Pristine(database, copy, time.monotonic())


def _drop_database(url: str, name: str) -> None:
    admin = _maintenance(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextlib.contextmanager
def _database(tmp_dir: Path, url: str | None) -> Iterator[str]:
    """Yield the URL of a database that belongs to one live server."""
    url = url or os.environ.get('TEST_DATABASE_URL')
    if not url or not is_postgres(url):
        yield url or f'sqlite:///{tmp_dir / "live.db"}'
        return
    name = f'consult_live_{os.getpid()}_{next(_counter)}'
    admin = sa.create_engine(url, isolation_level='AUTOCOMMIT', poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _compile_catalogues(target: Path) -> str | None:
    """Compile every ``consult/translations/*/LC_MESSAGES/*.po`` into ``target``; return it, or None if none exist.

    The ``.mo`` files are build output (gitignored), so the live server gets catalogues fresh from the ``.po``
    sources, exactly as committed, whatever stale ``.mo`` files lie in the working tree.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = ROOT / 'consult' / 'translations'
    po_files = sorted(source.glob('*/LC_MESSAGES/*.po'))
    if not po_files:
        return None
    for po in po_files:
        out = target / po.relative_to(source).with_suffix('.mo')
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open('rb') as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with out.open('wb') as f:
            write_mo(f, catalog, use_fuzzy=False)
    return str(target)


def _server_env(database_url: str, instance_path: Path, port: int, translations: str | None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the outer environment may point the server at shared services or another config.
        if not key.startswith(('CONSULT_', 'FLASK_', 'SOCKETIO_', 'RATELIMIT_'))
        and key not in {'DATABASE_URL', 'REDIS_URL', 'SECRET_KEY', 'TEST_DATABASE_URL'}
    }
    env.update(
        {
            'CONSULT_ENV': 'development',
            'CONSULT_INSTANCE_PATH': str(instance_path),
            'DATABASE_URL': database_url,
            'SECRET_KEY': secrets.token_urlsafe(32),
            'SOCKETIO_ASYNC_MODE': 'threading',
            'LOGIN_RATE_LIMIT': '1000 per minute',
            'LOGIN_ACCOUNT_RATE_LIMIT': '1000 per minute',
            'REGISTER_RATE_LIMIT': '1000 per minute',
            'HOST': '127.0.0.1',
            'PORT': str(port),
            'PYTHONUNBUFFERED': '1',
        }
    )
    if os.environ.get('TEST_REDIS_URL'):
        env['REDIS_URL'] = os.environ['TEST_REDIS_URL']
    if translations:
        env['CONSULT_BABEL_TRANSLATION_DIRECTORIES'] = translations
    return env


def _run_cli(args: list[str], env: dict, log) -> None:
    command = [sys.executable, '-m', 'flask', '--app', 'app', *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=STARTUP_TIMEOUT)
    log.write(f'$ flask {" ".join(args)}\n{result.stdout}{result.stderr}\n')
    log.flush()
    if result.returncode != 0:
        raise RuntimeError(f'flask {" ".join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}')


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f'the live server exited with {server.process.returncode}:\n{server.log_tail()}')
        try:
            if requests.get(server.url + '/', timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f'the live server did not answer within {STARTUP_TIMEOUT} s:\n{server.log_tail()}')


@contextlib.contextmanager
def live_server(
    tmp_dir: Path, database_url: str | None = None, production: bool = False, env: dict | None = None
) -> Iterator[LiveServer]:
    """Run a migrated, demo-loaded Consult server in a subprocess for the duration of the block.

    With ``production``, the server is the documented production command instead of ``python app.py``:
    ``gunicorn -k gevent -w 1`` with ``CONSULT_ENV=production`` (and the Redis queue when ``TEST_REDIS_URL``
    is set). Cookies are not marked Secure there only because the test speaks plain HTTP on loopback.
    """
    with live_servers(tmp_dir, 1, database_url=database_url, production=production, env=env) as (server,):
        yield server


@contextlib.contextmanager
def live_servers(
    tmp_dir: Path, count: int, database_url: str | None = None, production: bool = False, env: dict | None = None
) -> Iterator[list[LiveServer]]:
    """Run ``count`` servers on different ports against one database, instance folder and secret key.

    That is the production layout of several single-worker processes; they share rooms only through the
    Socket.IO message queue, so give them ``TEST_REDIS_URL`` (without it each process has its own rooms).
    ``env``: more environment for the servers (``CONSULT_*`` settings, say).
    """
    tmp_dir = Path(tmp_dir)
    instance_path = tmp_dir / 'instance'
    instance_path.mkdir(parents=True, exist_ok=True)
    translations = _compile_catalogues(tmp_dir / 'translations')
    secret_key = secrets.token_urlsafe(32)
    # Redis channels are shared by every database of a Redis server: servers of other runs must not be heard.
    channel = f'consult-test-{secrets.token_hex(6)}'
    with _database(tmp_dir, database_url) as url, contextlib.ExitStack() as stack:
        servers = []
        for n in range(count):
            log_path = tmp_dir / ('server.log' if n == 0 else f'server-{n}.log')
            log = stack.enter_context(log_path.open('w'))
            port = free_port()
            server_env = _server_env(url, instance_path, port, translations)
            server_env.update(env or {})
            server_env['SECRET_KEY'] = secret_key
            server_env['CONSULT_SOCKETIO_CHANNEL'] = channel
            command = [sys.executable, 'app.py']
            if production:
                server_env.update({'CONSULT_ENV': 'production', 'CONSULT_SESSION_COOKIE_SECURE': 'false'})
                server_env.pop('SOCKETIO_ASYNC_MODE')
                gunicorn = str(Path(sys.executable).parent / 'gunicorn')
                command = [gunicorn, '-k', 'gevent', '-w', '1', '--worker-connections', '4000']
                command += ['-b', f'127.0.0.1:{port}', 'app:app']
            if n == 0:
                key = _pristine_key(url, production)
                if _copy_pristine(url, key, instance_path):
                    log.write('(the database and instance folder: a copy of a pristine migrated, demo-loaded one)\n')
                else:
                    _run_cli(['db', 'upgrade'], server_env, log)
                    _run_cli(['demo', 'load'], server_env, log)
                    _keep_pristine(url, key, instance_path, tmp_dir)
            process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(_stop, process)
            servers.append(
                LiveServer(
                    url=f'http://127.0.0.1:{port}',
                    demo_password=(instance_path / 'demo_password').read_text().strip(),
                    database_url=url,
                    instance_path=instance_path,
                    log_path=log_path,
                    process=process,
                )
            )
        for server in servers:
            _wait_until_up(server)
        yield servers


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
