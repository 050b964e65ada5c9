"""The database pool under a crowd: a fixed set of connections, pinged before use only after sitting idle.

A crowd's requests take and return the same few connections within milliseconds. The pool keeps every connection
it opens (``DATABASE_POOL_SIZE``, no overflow), so a crowd never opens and closes connections; and a round trip to
check each before use cost two per person joining a room, so only a connection that sat idle is checked
(``consult.db.ping_after_idle``), and replaced when its server side is gone (a restart, a proxy's idle timeout).
The cut connections are real: PostgreSQL ends their backends (``pg_terminate_backend``).
"""

import os
import threading
import time

import pytest
import sqlalchemy as sa

from consult import create_app
from consult.config import Config
from consult.config import TestingConfig
from consult.db import db

POSTGRES = (os.environ.get('TEST_DATABASE_URL') or '').startswith('postgresql')
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason='ends a PostgreSQL backend (set TEST_DATABASE_URL to a PostgreSQL URL)'
)


def _app(tmp_path, window: float):
    url = os.environ.get('TEST_DATABASE_URL') or f'sqlite:///{tmp_path}/ping.db'
    return create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'DATABASE_PING_AFTER': window})


@pytest.fixture
def pings(monkeypatch):
    """Every ping the pool sends, counted on the dialect's own ``do_ping``."""
    sent = []

    def counted(dialect_cls):
        original = dialect_cls.do_ping

        def do_ping(self, dbapi_connection):
            sent.append(dbapi_connection)
            return original(self, dbapi_connection)

        monkeypatch.setattr(dialect_cls, 'do_ping', do_ping)

    counted(sa.engine.default.DefaultDialect)
    if POSTGRES:
        from sqlalchemy.dialects.postgresql._psycopg_common import _PGDialect_common_psycopg

        counted(_PGDialect_common_psycopg)
    return sent


def _backend(app):
    """One request's worth of work: a statement on a pooled connection, returned to the pool after it."""
    with app.app_context():
        if POSTGRES:
            found = db.session.execute(sa.text('SELECT pg_backend_pid()')).scalar_one()
        else:
            found = db.session.execute(sa.text('SELECT 1')).scalar_one()
        db.session.rollback()
        return found


def _cut(tmp_path, window: float):
    """An app whose one pooled connection had its PostgreSQL backend ended, as a restart or a proxy's idle timeout
    does (from another connection); and that backend's pid."""
    app = _app(tmp_path, window)
    first = _backend(app)
    with sa.create_engine(os.environ['TEST_DATABASE_URL'], poolclass=sa.pool.NullPool).connect() as other:
        assert other.execute(sa.text('SELECT pg_terminate_backend(:pid)'), {'pid': first}).scalar_one()
    return app, first


def test_a_connection_used_a_moment_ago_is_not_pinged(tmp_path, pings):
    app = _app(tmp_path, window=30.0)
    for _ in range(5):
        _backend(app)
    assert pings == []  # SQLAlchemy's pool_pre_ping pinged before each of the five


def test_a_connection_idle_past_the_window_is_pinged(tmp_path, pings):
    app = _app(tmp_path, window=0.05)
    _backend(app)
    time.sleep(0.1)
    _backend(app)
    assert len(pings) == 1


@needs_postgres
def test_an_idle_connection_whose_server_side_ended_is_replaced_unseen(tmp_path, pings):
    app, first = _cut(tmp_path, window=0.05)
    time.sleep(0.1)
    second = _backend(app)  # the ping found it gone; the pool connected afresh and the statement ran
    assert second != first
    assert len(pings) == 1


@needs_postgres
def test_a_connection_cut_within_the_window_fails_once_and_the_pool_recovers(tmp_path, pings):
    app, first = _cut(tmp_path, window=30.0)
    with pytest.raises(sa.exc.OperationalError):
        _backend(app)  # its statement meets the cut: the request is told the service is unavailable
    assert _backend(app) != first  # SQLAlchemy invalidated the pool's connections; the next one is fresh
    assert pings == []


@needs_postgres
def test_a_crowd_reuses_the_pools_connections_and_never_opens_more(tmp_path):
    """40 requests at once, three times over, with the production pool: it opens at most its size, and keeps them."""
    app = create_app(
        TestingConfig,
        {
            'SQLALCHEMY_DATABASE_URI': os.environ['TEST_DATABASE_URL'],
            'DATABASE_POOL_SIZE': Config.DATABASE_POOL_SIZE,
            'DATABASE_MAX_OVERFLOW': Config.DATABASE_MAX_OVERFLOW,
        },
    )
    with app.app_context():
        engine = db.engine
    backends, lock = set(), threading.Lock()

    def request():
        with engine.connect() as connection:
            pid = connection.execute(sa.text('SELECT pg_backend_pid()')).scalar_one()
            time.sleep(0.05)  # the crowd overlaps
        with lock:
            backends.add(pid)

    for _ in range(3):
        crowd = [threading.Thread(target=request) for _ in range(40)]
        for person in crowd:
            person.start()
        for person in crowd:
            person.join()
    assert len(backends) <= Config.DATABASE_POOL_SIZE + Config.DATABASE_MAX_OVERFLOW
    assert engine.pool.checkedin() == len(backends)  # every connection it opened is still open, in the pool
    engine.dispose()
