"""The suite in several processes (pytest-xdist, ``make test``): each worker on services of its own.

Every test assumes it has the database and the Redis db to itself: the per-test rollback, the race tests'
committed rows, ``limiter.reset()``, Redis counters. So before anything reads ``TEST_DATABASE_URL`` or
``TEST_REDIS_URL`` (``consult.config`` and some test modules read them at import), ``separate()`` points
worker ``gwN`` (N > 0) at a PostgreSQL database ``<name>_gwN`` it creates on the same server, and at Redis
db ``<db> - N``. Worker ``gw0`` and a run without workers keep the variables as given. SQLite needs nothing:
each worker has its own temporary folder. Live servers already take a database and a Socket.IO channel of
their own (``tests/live_server.py``).
"""

import os

import sqlalchemy as sa

REDIS_DATABASES = 16  # Redis's default number of databases


def worker_number() -> int:
    """0 for ``gw0`` and for a run without workers, N for ``gwN``."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', '')
    return int(worker.removeprefix('gw')) if worker.startswith('gw') else 0


def separate() -> None:
    """Rewrite ``TEST_DATABASE_URL`` and ``TEST_REDIS_URL`` for this worker (idempotent)."""
    number = worker_number()
    if number == 0 or os.environ.get('CONSULT_TEST_WORKER_SEPARATED'):
        return
    database = os.environ.get('TEST_DATABASE_URL', '')
    if database.startswith('postgresql'):
        os.environ['TEST_DATABASE_URL'] = _own_database(database, number)
    redis_url = os.environ.get('TEST_REDIS_URL', '')
    if redis_url:
        os.environ['TEST_REDIS_URL'] = _own_redis_db(redis_url, number)
    os.environ['CONSULT_TEST_WORKER_SEPARATED'] = '1'


def _own_database(url: str, number: int) -> str:
    """``url`` with the database ``<name>_gwN``, created empty if missing (the app fixture migrates it)."""
    given = sa.make_url(url)
    name = f'{given.database}_gw{number}'
    admin = sa.create_engine(given.set(database='postgres'), isolation_level='AUTOCOMMIT', poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text('SELECT 1 FROM pg_database WHERE datname = :name'), {'name': name})
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def _own_redis_db(url: str, number: int) -> str:
    """``url`` with the Redis db ``<db> - N`` (modulo 16): ``redis://host:port/15`` → ``/14`` for ``gw1``."""
    base, _, db = url.rstrip('/').rpartition('/')
    if not db.isdigit():  # no db in the URL: db 0
        base, db = url.rstrip('/'), '0'
    return f'{base}/{(int(db) - number) % REDIS_DATABASES}'
