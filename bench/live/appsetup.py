"""The app side of the benchmark: a scratch PostgreSQL database, the production environment, seeding, checks."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from bench.live.servers import RESULTS
from bench.live.servers import ROOT

DEFAULT_DATABASE_URL = 'postgresql+psycopg://postgres@127.0.0.1:5432/bench_live'
DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/7'
INSTANCE = RESULTS / 'instance'


def database_url() -> str:
    return os.environ.get('BENCH_DATABASE_URL', DEFAULT_DATABASE_URL)


def redis_url() -> str:
    return os.environ.get('BENCH_REDIS_URL', DEFAULT_REDIS_URL)


def reset_database(url: str) -> None:
    """Drop and recreate the bench database (it is scratch: never point BENCH_DATABASE_URL at real data)."""
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database='postgres'), isolation_level='AUTOCOMMIT', poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def channel(url: str) -> str:
    """The Socket.IO queue's Redis channel: one per bench database, since publish/subscribe channels are shared by
    every database of a Redis server (two benches on one Redis would otherwise deliver each other's emits)."""
    return f'bench-{sa.make_url(url).database}'


def server_env(url: str, redis: str | None) -> dict:
    """The production environment: CONSULT_ENV=production, PostgreSQL, the Redis queue, the bench's instance."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(('CONSULT_', 'FLASK_', 'SOCKETIO_', 'RATELIMIT_', 'BENCH_', 'BARE_'))
        and key not in {'DATABASE_URL', 'REDIS_URL', 'SECRET_KEY', 'TEST_DATABASE_URL', 'TEST_REDIS_URL'}
    }
    env.update(
        {
            'CONSULT_ENV': 'production',
            'CONSULT_INSTANCE_PATH': str(INSTANCE),
            'DATABASE_URL': url,
            'SOCKETIO_CHANNEL': channel(url),
            'PYTHONUNBUFFERED': '1',
        }
    )
    if redis:
        env['REDIS_URL'] = redis
    return env


def migrate(env: dict) -> None:
    command = [sys.executable, '-m', 'flask', '--app', 'app', 'db', 'upgrade']
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f'flask db upgrade failed:\n{result.stdout}\n{result.stderr}')


def make_app(url: str, redis: str | None):
    """The app in the bench process, on the bench database and instance (its secret signs the cookies)."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    os.environ['CONSULT_INSTANCE_PATH'] = str(INSTANCE)
    sys.path.insert(0, str(ROOT))
    from consult import create_app
    from consult.config import ProductionConfig

    return create_app(
        ProductionConfig,
        overrides={
            'SQLALCHEMY_DATABASE_URI': url,
            'SOCKETIO_MESSAGE_QUEUE': redis,
            'SOCKETIO_CHANNEL': channel(url),
            'SOCKETIO_ASYNC_MODE': 'threading',
            'RATELIMIT_STORAGE_URI': redis or 'memory://',
        },
    )


def login_sessions(app, user_ids: list[int]) -> list[tuple[int, str]]:
    """Open a login session (``LoginSession``) for each user, as a login would; return ``(id, session key)``."""
    import secrets

    from consult.accounts.models import LoginSession
    from consult.db import db

    keys = [(user_id, secrets.token_urlsafe(32)) for user_id in user_ids]
    with app.app_context():
        db.session.execute(
            sa.insert(LoginSession), [{'user_id': user_id, 'key': key, 'user_agent': 'bench'} for user_id, key in keys]
        )
        db.session.commit()
    return keys


def seed(app, clients: int) -> tuple[int, list[int]]:
    """``bench/live/seed.py``'s ``seed(app, n)``: an open online meeting with ``n`` verified adults on its roster."""
    from bench.live.seed import seed as seed_meeting

    return seed_meeting(app, clients)


def persisted(app, meeting_id: int, run_id: str) -> dict:
    """How the bench's messages were stored: count, distinct client ids, distinct sequence numbers."""
    from consult.db import db
    from consult.meetings.models import LiveMessage as MeetingMessage

    with app.app_context():
        rows = db.session.execute(
            sa.select(MeetingMessage.client_id, MeetingMessage.seq).where(
                MeetingMessage.meeting_id == meeting_id, MeetingMessage.client_id.like(f'{run_id}-%')
            )
        ).all()
    return {
        'rows': len(rows),
        'distinct_client_ids': len({r[0] for r in rows}),
        'distinct_seqs': len({r[1] for r in rows}),
    }


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
