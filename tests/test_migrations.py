"""Migrations: one head; upgrading an empty database gives exactly the models' schema; downgrade works.

Runs on SQLite always, and on PostgreSQL too when TEST_DATABASE_URL points at one (in a throwaway database).
"""

import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade
from flask_migrate import upgrade

from consult import create_app
from consult.config import TestingConfig
from consult.db import db
from tests.support import ROOT

MIGRATIONS = str(ROOT / 'migrations')


@contextmanager
def empty_database(kind, tmp_path):
    if kind == 'sqlite':
        yield f'sqlite:///{tmp_path}/migrations.db'
        return
    base = os.environ.get('TEST_DATABASE_URL', '')
    if not base.startswith('postgresql'):
        pytest.skip('TEST_DATABASE_URL is not PostgreSQL')
    name = f'consult_migr_{uuid.uuid4().hex[:8]}'
    admin = sa.create_engine(base, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE {name}')
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        admin.dispose()


def test_single_head():
    from alembic.config import Config

    config = Config(f'{MIGRATIONS}/alembic.ini')
    config.set_main_option('script_location', MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.parametrize('kind', ['sqlite', pytest.param('postgresql', marks=pytest.mark.postgres)])
def test_upgrade_from_empty_matches_models_and_downgrades(kind, tmp_path):
    with empty_database(kind, tmp_path) as url:
        app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url})
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={'compare_type': True}), db.metadata)
            assert diff == [], diff
            downgrade(directory=MIGRATIONS, revision='base')
            assert set(sa.inspect(db.engine).get_table_names()) <= {'alembic_version'}
            upgrade(directory=MIGRATIONS)
            db.engine.dispose()


def test_constraints_are_named_by_convention(app):
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            assert constraint.name, f'unnamed constraint on {table.name}'


@pytest.mark.parametrize('kind', ['sqlite', pytest.param('postgresql', marks=pytest.mark.postgres)])
def test_rule_sets_migration_gives_existing_communities_the_defaults(kind, tmp_path):
    with empty_database(kind, tmp_path) as url:
        app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url})
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision='4b91bba7313e')
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO cities (id, name) VALUES (1, '旧市')"))
                conn.execute(sa.text("INSERT INTO central_communities (id, city_id, name) VALUES (1, 1, '旧中心')"))
                conn.execute(
                    sa.text(
                        "INSERT INTO communities (id, central_community_id, name, code) VALUES (1, 1, '旧社区', 'old')"
                    )
                )
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                row = conn.execute(
                    sa.text('SELECT version, status, params FROM rule_sets WHERE community_id = 1')
                ).one()
            assert row.version == 1
            assert row.status == 'confirmed'
            params = row.params if isinstance(row.params, dict) else __import__('json').loads(row.params)
            assert params['numbers']['topic_publicity_days'] == 3
            db.engine.dispose()


def test_comment_period_status_migration_reads_each_period_s_history(tmp_path):
    """Existing periods get the status their columns tell: summarised, closed early, or open."""
    with empty_database('sqlite', tmp_path) as url:
        app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url})
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision='5c2d1e7a9b40')
            when = '2026-11-01 08:00:00.000000+00:00'
            # The driver's own connection, outside any transaction: SQLite ignores the pragma inside one, and
            # the periods' topics and users are not needed here.
            raw = db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute('PRAGMA foreign_keys=OFF')
                for period_id, closed, summary in ((1, None, None), (2, when, None), (3, when, '总结')):
                    cursor.execute(
                        'INSERT INTO comment_periods (id, topic_id, opened_by_id, opened_at, days, closes_at, '
                        'closed_early_at, summary) VALUES (?, 1, 1, ?, 7, ?, ?, ?)',
                        (period_id, when, when, closed, summary),
                    )
                raw.commit()
            finally:
                raw.close()
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                rows = dict(conn.execute(sa.text('SELECT id, status FROM comment_periods ORDER BY id')).all())
            assert rows == {1: 'open', 2: 'closed', 3: 'summarised'}
            db.engine.dispose()


@pytest.mark.parametrize('kind', ['sqlite', pytest.param('postgresql', marks=pytest.mark.postgres)])
def test_the_first_rule_set_summary_names_no_design_document(kind, tmp_path):
    """Issue 12: the public rules history said "Defaults (domain.md section c)"; it says what the version is."""
    with empty_database(kind, tmp_path) as url:
        app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url})
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision='4b91bba7313e')
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO cities (id, name) VALUES (1, '旧市')"))
                conn.execute(sa.text("INSERT INTO central_communities (id, city_id, name) VALUES (1, 1, '旧中心')"))
                conn.execute(
                    sa.text(
                        "INSERT INTO communities (id, central_community_id, name, code) VALUES (1, 1, '旧社区', 'old')"
                    )
                )
            upgrade(directory=MIGRATIONS, revision='e5b8d3c1f2a6')  # the migration before the rewording
            with db.engine.connect() as conn:
                before = conn.execute(sa.text('SELECT summary FROM rule_sets WHERE community_id = 1')).scalar_one()
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                after = conn.execute(sa.text('SELECT summary FROM rule_sets WHERE community_id = 1')).scalar_one()
            assert 'domain.md' in before
            assert 'domain.md' not in after
            assert after.startswith('默认规则')
            db.engine.dispose()
