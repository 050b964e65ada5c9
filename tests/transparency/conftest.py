"""Fixtures for the transparency log: a consultation taken through real steps, and an attacker's database rights."""

import pytest
import sqlalchemy as sa

from consult.disclosure import operations
from consult.transparency.models import TABLES
from tests.disclosure.conftest import OBJECTION
from tests.disclosure.conftest import prepared  # noqa: F401
from tests.disclosure.conftest import published  # noqa: F401
from tests.disclosure.conftest import ready  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401


@pytest.fixture
def logged(db, cast, published):  # noqa: F811
    """A published result with an objection filed and answered: every step a leaf, every commit a signed head."""
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    operations.answer_objection(cast.director, objection, 'not_upheld', '经核实，分摊方案符合业主大会决议。')
    db.session.commit()
    return published


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} '
        "BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END"
        for verb in ('UPDATE', 'DELETE')
    ]


@pytest.fixture
def _triggers_back(app):
    """After the test's transaction is rolled back: SQLite may have dropped the triggers outside it."""
    yield
    from consult.db import db

    with app.app_context():
        engine = db.engines[None]
        if engine.dialect.name == 'sqlite':
            with engine.begin() as connection:
                for table in TABLES:
                    for statement in _sqlite_triggers(table):
                        connection.execute(sa.text(statement))


@pytest.fixture
def attacker(_triggers_back, db):
    """Database-owner rights: the append-only triggers are switched off for the test (and restored after).

    Ask for it before ``db`` or ``client``, so that the restoring runs after the test's transaction is rolled back.
    """
    postgres = db.session.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        if postgres:
            db.session.execute(sa.text(f'ALTER TABLE {table} DISABLE TRIGGER USER'))
        else:
            for verb in ('update', 'delete'):
                db.session.execute(sa.text(f'DROP TRIGGER IF EXISTS {table}_no_{verb}'))
    return db


def run(sql: str, **params):
    from consult.db import db

    return db.session.execute(sa.text(sql), params)
