"""Opening and closing votes at their times without anyone pressing a button.

``run_due`` opens every standalone vote whose opening time has come and closes every vote whose closing time
has passed, each in its own transaction (two processes doing it at once: the conditional UPDATE of the state
machine lets one through, the other is refused and moves on). It runs

- in every server process, every ``VOTE_CLOSER_SECONDS`` (a background task started by the first request or
  socket connection the process serves; 0 turns it off, as in the tests),
- whenever a vote's page or panel is read (a late reader never sees an open vote past its time),
- from ``flask votes close-due`` (cron, or by hand).
"""

import logging
import threading

import sqlalchemy as sa

from consult.db import db
from consult.db import rollback_quietly
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal

from .closing import close_vote
from .closing import due
from .models import Vote
from .models import VoteStatus
from .operations import open_vote
from .pushes import changed

logger = logging.getLogger(__name__)

_started = set()
_lock = threading.Lock()


def _opening_due(now) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Vote.id)
            .where(
                Vote.status == VoteStatus.DRAFT,
                Vote.meeting_id.is_(None),
                Vote.opens_at.is_not(None),
                Vote.opens_at <= now,
            )
            .order_by(Vote.opens_at)
            .limit(50)
        )
    )


def _step(vote_id: int, step) -> bool:
    vote = db.session.get(Vote, vote_id)
    try:
        step(None, vote)
        changed(vote)
        db.session.commit()
    except Refusal as exc:
        rollback_quietly()
        logger.info('vote %s: the timed step was refused (%s)', vote_id, exc.code)
        if exc.code in ('no_electorate', 'bad_times', 'no_rules', 'no_rule') and vote is not None:
            _cancel_unopenable(vote_id, str(exc))
        return False
    return True


def _cancel_unopenable(vote_id: int, reason: str) -> None:
    """A standalone vote that cannot open at its time (nobody eligible, no rule) is cancelled with the reason."""
    from .states import MACHINE

    vote = db.session.get(Vote, vote_id)
    try:
        MACHINE.apply(vote, 'cancel', None, reason, values={'cancel_reason': reason})
    except Refusal:
        rollback_quietly()
        return
    changed(vote)
    db.session.commit()


def run_due(now=None) -> tuple[int, int]:
    """Open and close what is due; return ``(opened, closed)``."""
    now = now or utcnow()
    opened = sum(_step(vote_id, open_vote) for vote_id in _opening_due(now))
    closed = sum(_step(vote_id, close_vote) for vote_id in due(now))
    return opened, closed


def settle(vote) -> None:
    """Before a vote is shown: take a step that is due (its page never shows an open vote past its time)."""
    now = utcnow()
    late_close = vote.status == VoteStatus.OPEN and vote.closes_at is not None and vote.closes_at <= now
    late_open = (
        vote.status == VoteStatus.DRAFT
        and vote.meeting_id is None
        and vote.opens_at is not None
        and vote.opens_at <= now
    )
    if late_close or late_open:
        _step(vote.id, close_vote if late_close else open_vote)
        db.session.refresh(vote)


def ensure_started(app) -> None:
    """Start this process's background closer once (``VOTE_CLOSER_SECONDS`` > 0)."""
    interval = float(app.config.get('VOTE_CLOSER_SECONDS') or 0)
    if interval <= 0 or id(app) in _started:
        return
    with _lock:
        if id(app) in _started:
            return
        _started.add(id(app))
    from consult.extensions import socketio

    socketio.start_background_task(_loop, app, interval)


def _loop(app, interval: float) -> None:
    from consult.extensions import socketio

    while True:
        socketio.sleep(interval)
        with app.app_context():
            try:
                run_due()
            except Exception:  # the loop must outlive a database outage; the next round retries
                logger.exception('the vote closer failed; retrying')
                rollback_quietly()
            finally:
                db.session.remove()
