"""The app side of the vote benchmark: the app in the bench process, a first ballot check, the close, the count.

``preflight`` sends one HTTP ballot the vote must refuse (an option that does not exist): a clear error before
5,000 failures if the forged session or the CSRF token is not accepted, and nothing is cast. ``close_and_count``
closes the vote as the server's closer does once its time has passed (``close_vote`` by the system, then the
push, then one commit), timing it, and reads back what the close wrote.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.live.appsetup import INSTANCE
from bench.live.servers import ROOT


def make_app(url: str, redis: str | None, channel: str):
    """The app on the bench database and instance (its secret signs the cookies and seals the ballots)."""
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
            'SOCKETIO_CHANNEL': channel,
            'SOCKETIO_ASYNC_MODE': 'threading',
            'RATELIMIT_STORAGE_URI': redis or 'memory://',
            'VOTE_CLOSER_SECONDS': 0,
        },
    )


def pool_size(app) -> int:
    """How many connections one app process may hold at once (SQLAlchemy's pool: its size plus overflow)."""
    from consult.db import db

    with app.app_context():
        pool = db.engine.pool
        return pool.size() + max(0, getattr(pool, '_max_overflow', 0))


def preflight(base_url: str, vote_id: int, headers: dict, token: str) -> None:
    request = urllib.request.Request(  # noqa: S310 - the bench's own server
        f'{base_url}/votes/{vote_id}/cast',
        data=b'choice=99',
        headers={
            **headers,
            'Accept': 'application/json',
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-CSRFToken': token,
        },
        method='POST',
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    try:
        code = json.loads(body).get('code')
    except (ValueError, AttributeError):
        code = None
    if status != 409 or code != 'unknown_option':
        raise SystemExit(
            f'a forged voter could not reach the ballot: POST /votes/{vote_id}/cast answered {status} '
            f'{body[:300]!r} (expected 409 unknown_option)'
        )


def age_sessions(app, seconds: float) -> None:
    """Set the bench's login sessions as last used ``seconds`` ago.

    0 (the default before each round): as if each voter had just loaded the vote's page, so loading the user writes
    nothing. Over ``LOGIN_SESSION_TOUCH_SECONDS`` (``--stale-sessions``): the first request or socket of each voter
    also records the use of its session (``consult.accounts.session._touch``), as after a voter's pause.
    """
    from consult.accounts.models import LoginSession
    from consult.db import db
    from consult.kernel.clock import utcnow

    with app.app_context():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.user_agent == 'bench')
            .values(last_seen_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()
        db.session.remove()


def marked_and_sealed(app, vote_id: int) -> tuple[int, int]:
    from consult.db import db
    from consult.votes.models import Elector
    from consult.votes.models import SealedBallot

    with app.app_context():
        marked = db.session.scalar(
            sa.select(sa.func.count()).where(Elector.vote_id == vote_id, Elector.voted_via.is_not(None))
        )
        sealed = db.session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id))
        db.session.remove()
    return marked, sealed


def close_and_count(app, vote_id: int) -> dict:
    """Close the vote as the closer does after its closing time; the close's time and what it wrote."""
    from consult.db import db
    from consult.kernel.clock import utcnow
    from consult.votes.closing import close_vote
    from consult.votes.models import CountedBallot
    from consult.votes.models import Receipt
    from consult.votes.models import SealedBallot
    from consult.votes.models import Vote
    from consult.votes.pushes import changed

    with app.app_context(), app.test_request_context():
        db.session.execute(sa.update(Vote).where(Vote.id == vote_id).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        vote = db.session.get(Vote, vote_id)
        started = time.perf_counter()
        close_vote(None, vote)
        changed(vote)
        db.session.commit()
        close_s = time.perf_counter() - started
        counted = db.session.scalar(sa.select(sa.func.count()).where(CountedBallot.vote_id == vote_id))
        receipts = set(db.session.scalars(sa.select(Receipt.code).where(Receipt.vote_id == vote_id)))
        left = db.session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id))
        heads = list(vote.result['tally']['heads'])
        db.session.remove()
    return {
        'close_s': round(close_s, 3),
        'status': str(vote.status),
        'counted_rows': counted,
        'receipts': receipts,
        'sealed_left': left,
        'tally_heads': heads,
    }


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
