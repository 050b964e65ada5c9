"""The SQLAlchemy handle, the constraint naming convention and shared column types."""

import contextlib
import time
from datetime import UTC

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from flask import g
from flask import has_app_context
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.util import identity_key

#: Predictable constraint names, so Alembic can alter and drop them (and batch-migrate SQLite).
NAMING_CONVENTION = {
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_N_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as UTC and always returned timezone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and tagged on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError('naive datetime given; use consult.kernel.clock.utcnow()')
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, 'connect')
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Turn on foreign keys and let SQLAlchemy drive transactions (so SAVEPOINT works) on SQLite."""
    if type(dbapi_connection).__module__.startswith('sqlite3'):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA busy_timeout=5000')
        cursor.close()


@event.listens_for(Engine, 'begin')
def _sqlite_on_begin(conn):
    if conn.dialect.name == 'sqlite':
        conn.exec_driver_sql('BEGIN')


def ping_after_idle(engine: sa.Engine, seconds: float) -> None:
    """Check a pooled connection before use only when it sat unused in the pool for ``seconds`` or more.

    SQLAlchemy's ``pool_pre_ping`` sends a round trip before every checkout: in a crowd's joins, two per person
    (one for the connect, one for the join), about 3 % of a join's CPU under py-spy. A connection returned a moment ago is as
    alive as its last statement showed; one that sat idle may have been cut (a database restart, a proxy's idle
    timeout), so it is pinged with the dialect's own ping and replaced if that fails (``DisconnectionError`` makes
    the pool connect afresh). HikariCP skips its check the same way for connections used within 500 ms
    (``aliveBypassWindowMs``). A connection cut within the window fails its statement instead, and SQLAlchemy then
    invalidates every connection the pool held at that time; that request is answered "temporarily unavailable".
    """

    @event.listens_for(engine, 'connect')
    def _opened(dbapi_connection, record):
        record.info['consult_idle_since'] = time.monotonic()

    @event.listens_for(engine, 'checkin')
    def _returned(dbapi_connection, record):
        record.info['consult_idle_since'] = time.monotonic()

    @event.listens_for(engine, 'checkout')
    def _taken(dbapi_connection, record, proxy):
        since = record.info.get('consult_idle_since')
        if since is not None and time.monotonic() - since < seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError('the pooled connection is gone') from exc
        if alive is False:
            raise sa.exc.DisconnectionError('the pooled connection is gone')


#: What a database that is down, unreachable or refusing connections raises: the driver's operational and
#: interface errors (connection refused, server closed the connection, "unable to open database file") and the
#: pool's timeout.
_OUTAGE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) says the database cannot be reached right now."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, _OUTAGE_ERRORS):
            return True
        if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def note_unavailable() -> None:
    """Remember for the rest of this request that the database is down, so nothing tries it again (the locale)."""
    g.database_unavailable = True


def known_unavailable() -> bool:
    return has_app_context() and g.get('database_unavailable', False)


def rollback_quietly() -> None:
    """Roll the session back in an error path; a database that is down must not raise a second error here."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # the connection is gone; the pool invalidates it
            db.session.close()


_WROTE_KEY = 'consult_transaction_wrote'


@event.listens_for(sa.orm.Session, 'after_flush')
def _flushed(session, flush_context):
    session.info[_WROTE_KEY] = True


@event.listens_for(sa.orm.Session, 'do_orm_execute')
def _executed(orm_execute_state):
    if not orm_execute_state.is_select:
        orm_execute_state.session.info[_WROTE_KEY] = True


@event.listens_for(sa.orm.Session, 'after_transaction_end')
def _transaction_ended(session, transaction):
    if transaction.parent is None:
        session.info.pop(_WROTE_KEY, None)


def end_read_only_transaction() -> None:
    """End the session's transaction if it has only read, before waiting on something slow (a password hash).

    A transaction left open holds its connection, and on SQLite a read lock that stops every other commit: under
    gevent, where the busy wait stops the whole process, a second login committing while the first hashed its
    password waited out the busy timeout and failed. Nothing is lost (nothing was written; loaded objects reload
    when next read). A transaction that has written stays open: its statements must commit together.
    """
    session = db.session()
    if session.in_transaction() and not session.info.get(_WROTE_KEY):
        session.rollback()


def dialect_insert(table):
    """An ``INSERT`` with ``ON CONFLICT`` for the session's database (PostgreSQL or SQLite)."""
    return _insert_for(db.session.get_bind().dialect.name)(table)


def _insert_for(name: str):
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects import sqlite

    return (postgresql if name == 'postgresql' else sqlite).insert


_prepared: dict[tuple, sa.Executable] = {}


def prepared(name: str, build) -> sa.Executable:
    """The statement ``build(insert)`` makes, built once per database dialect (``insert`` takes ``ON CONFLICT``).

    For the hottest statements (a thousand people joining a room together): built with bind parameters on
    tables, not entities, it costs its round trip and little else; an ORM statement built per call spent about
    three times the CPU here constructing itself and looking up its compiled form.
    """
    dialect = db.session.get_bind().dialect.name
    statement = _prepared.get((name, dialect))
    if statement is None:
        statement = _prepared[(name, dialect)] = build(_insert_for(dialect))
    return statement


def bound(table: sa.Table, *names: str) -> dict:
    """Bind parameters for the columns ``names`` of ``table``, typed as the columns are (``prepared``); a call
    gives their values with ``binds``."""
    return {name: sa.bindparam(f'p_{name}', type_=table.c[name].type) for name in names}


def binds(**values) -> dict:
    """The values of the parameters ``bound`` made."""
    return {f'p_{name}': value for name, value in values.items()}


def kept(instance) -> tuple:
    """What a loaded row holds, to be put back later without reading it again (``revived``).

    The mapped columns as loaded, and the instance's own plain attributes (such as the user's login key). Kept
    as values, not as the instance, so nothing ties it to the session that loaded it (a commit there would
    expire it).
    """
    state = sa.inspect(instance)
    loaded = state.dict
    columns = {attr.key: loaded[attr.key] for attr in state.mapper.column_attrs if attr.key in loaded}
    mapped = state.mapper.attrs.keys()
    extras = {k: v for k, v in vars(instance).items() if not k.startswith('_') and k not in mapped}
    return type(instance), columns, extras


def revived(snapshot: tuple):
    """The row ``kept`` kept, in the current session as if just loaded (no statement; a later change is seen
    only when the row is read again). The session's own copy if it already holds the row."""
    cls, columns, extras = snapshot
    session = db.session
    mapper = sa.inspect(cls)
    identity = identity_key(cls, tuple(columns[mapper.get_property_by_column(c).key] for c in mapper.primary_key))
    present = session.identity_map.get(identity)
    if present is not None:
        return present
    instance = mapper.class_manager.new_instance()
    vars(instance).update(columns)
    sa_orm.make_transient_to_detached(instance)
    session.add(instance)
    vars(instance).update(extras)
    return instance
