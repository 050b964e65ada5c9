"""Shared fixtures: the app on a migrated test database, per-test rollback, factories, login helpers.

The database is SQLite in a temp file unless ``TEST_DATABASE_URL`` is set (CI sets PostgreSQL).
Each test runs inside one outer transaction that is rolled back at the end; the code under test
really commits (into a SAVEPOINT), so commit-once behaviour is exercised for real.
"""

import re
from datetime import date
from itertools import count

import pytest
import sqlalchemy as sa
from flask import g
from flask import has_app_context
from flask.testing import FlaskClient

from consult import create_app
from consult.config import TestingConfig
from consult.db import db as _db
from consult.extensions import limiter
from consult.extensions import socketio
from tests import support


@pytest.fixture(scope='session')
def database_url(tmp_path_factory):
    return support.test_database_url(tmp_path_factory.mktemp('db'))


class _Client(FlaskClient):
    """A test client whose every request starts with an empty ``g`` and, by default, asks for English.

    Tests keep an app context pushed (for the rollback session), and Flask reuses a pushed app context
    for requests, so without this ``g`` (Flask-Login's user, the CSRF token, cached grants) would leak
    from one request to the next, which never happens in production.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        # Tests read English messages unless they ask for a language; the zh_Hans default is tested
        # explicitly (an empty Accept-Language), and the catalogues' completeness in test_i18n_catalogues.
        headers = kwargs.setdefault('headers', {})
        if isinstance(headers, dict):
            headers.setdefault('Accept-Language', 'en')
        return super().open(*args, **kwargs)


@pytest.fixture(scope='session', autouse=True)
def _fast_password_hashing():
    """Argon2id at minimal cost in tests (the production parameters are asserted in test_security)."""
    from argon2 import PasswordHasher

    import consult.security

    production = consult.security.password_hasher
    consult.security.password_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    consult.security.password_hasher = production


@pytest.fixture(scope='session')
def app(database_url, tmp_path_factory):
    uploads = str(tmp_path_factory.mktemp('uploads'))
    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': database_url, 'ATTACHMENT_DIR': uploads})
    app.test_client_class = _Client
    with app.app_context():
        support.reset_schema(_db.engine)
        support.upgrade(app)
    return app


@pytest.fixture
def db(app):
    """The database handle, inside a transaction that is rolled back after the test."""
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        original = _db.session
        # Flask-SQLAlchemy's Session.get_bind picks the engine by mapper, ignoring a session-level bind,
        # so the connection itself stands in for the engine while the test runs.
        engines[None] = connection
        # The extension's repr reads ``engine.url``; a failing test's report (hypothesis prints its fixtures)
        # must show the real error, not an AttributeError from that repr.
        connection.url = engine.url
        _db.session = _db._make_scoped_session({'join_transaction_mode': 'create_savepoint'})
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _reset_rate_limits(app):
    from consult.meetings import feeds
    from consult.meetings import pushes
    from consult.meetings import seats
    from consult.votes import intake

    with app.app_context():
        limiter.reset()
    seats.reset()
    intake.reset()
    feeds.reset()
    pushes.reset()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_seq = count(1)


@pytest.fixture
def make_user(db):
    """Factory: ``make_user(display_name=..., birth_date=..., mobile=..., email=...)`` with password ``support.PASSWORD``."""
    from consult.accounts.models import User

    def make(**overrides):
        n = next(_seq)
        values = {
            'mobile': f'139{n:08d}',
            'email': None,
            'password_hash': support.password_hash(),
            'display_name': f'居民{n}',
            'real_name': f'测试{n}',
            'birth_date': date(1980, 1, 1),
        }
        values.update(overrides)
        user = User(**values)
        db.session.add(user)
        db.session.commit()  # into the test's SAVEPOINT: a route's rollback must not undo fixtures
        return user

    return make


@pytest.fixture
def place(db):
    """A small city: one central community with two communities, each 2 grids x 2 buildings x 4 households."""
    built = support.build_place(db.session, suffix=str(next(_seq)))
    db.session.commit()
    return built


@pytest.fixture
def make_resident(db, make_user):
    """Factory: a verified resident of ``household`` (default: the first household of community A)."""
    from consult.residency import operations

    def make(household, **overrides):
        user = make_user(**overrides)
        membership = operations.claim_residence(user, household)
        if membership.status != 'verified':
            operations.verify(membership, None, 'staff')
        db.session.commit()
        return user

    return make


@pytest.fixture
def grant(db):
    """Factory: ``grant(user, role, community=..., central_community=..., department=...)`` without checks."""
    from consult.roles.models import RoleGrant

    def make(user, role, community=None, central_community=None, department=None):
        row = RoleGrant(
            user_id=user.id,
            role=str(role),
            reason='test',
            community_id=community.id if community is not None else None,
            central_community_id=central_community.id if central_community is not None else None,
            department_id=department.id if department is not None else None,
        )
        db.session.add(row)
        db.session.commit()
        return row

    return make


class AuthActions:
    """Log a user in and out through the real forms (CSRF included)."""

    def __init__(self, client):
        self._client = client

    def login(self, user_or_identifier, password=support.PASSWORD, **kwargs):
        identifier = (
            getattr(user_or_identifier, 'mobile', None)
            or getattr(user_or_identifier, 'email', None)
            or user_or_identifier
        )
        return self._client.post(
            '/account/login',
            data={
                'identifier': identifier,
                'password': password,
                'csrf_token': csrf_token(self._client),
            },
            **kwargs,
        )

    def logout(self):
        return self._client.post('/account/logout', data={'csrf_token': csrf_token(self._client)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client, path='/') -> str:
    """Fetch a page and return the CSRF token it carries."""
    response = client.get(path)
    match = _META.search(response.get_data(as_text=True))
    assert match, f'no csrf meta tag on {path} ({response.status_code})'
    return match.group(1)


@pytest.fixture
def csrf(client):
    return lambda path='/': csrf_token(client, path)


@pytest.fixture
def socket_client(app, client, csrf):
    """Factory: a Socket.IO test client sharing the Flask test client's cookies (so the login)."""
    clients = []

    def make(auth=None):
        sio = socketio.test_client(
            app, flask_test_client=client, auth=auth if auth is not None else {'csrf_token': csrf()}
        )
        clients.append(sio)
        return sio

    yield make
    for sio in clients:
        if sio.is_connected():
            sio.disconnect()


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements: ``with count_queries() as counter: ...; counter.count``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = support.QueryCounter()
        sa.event.listen(_engine(), 'before_cursor_execute', counter)
        try:
            yield counter
        finally:
            sa.event.remove(_engine(), 'before_cursor_execute', counter)

    return counting


def _engine():
    bound = _db.engines[None]
    return getattr(bound, 'engine', bound)


@pytest.fixture
def mail_server(app, monkeypatch):
    """A real SMTP server on loopback, configured as the app's ``MAIL_SERVER``/``MAIL_PORT`` for the test."""
    server = support.MailServer().start()
    monkeypatch.setitem(app.config, 'MAIL_SERVER', server.host)
    monkeypatch.setitem(app.config, 'MAIL_PORT', server.port)
    try:
        yield server
    finally:
        server.stop()
