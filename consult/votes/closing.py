"""Closing a vote: open the box, write the ballots unlinked, count them under the rule set, publish.

In one transaction, under the vote's exclusive lock (casts under way finish first; later ones find it closed):

1. the sealed ballots are opened, shuffled with the system's random source, and written as counted ballots in
   that order (one INSERT: they share one transaction id, and their physical order is the shuffle's); the
   receipt codes are written apart, sorted; the sealed ballots are deleted;
2. the counts (online ballots plus the confirmed on-site tallies, ``onsite_counts``) are taken by
   ``counting.tally`` and judged by ``decide.decide`` with the rule set in force at the opening;
3. the result is stored on the vote and :class:`~consult.kernel.events.VoteClosed` is published (a deciding
   vote moves its topic in the same transaction), and the result is pushed live after the commit.

Nobody presses a button for a vote with a closing time: ``close_due`` closes it, run by the server's closer
(``closer.py``), by every page that reads the vote, and by ``flask votes close-due``.
"""

import random
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.events import VoteClosed
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.kernel.signals import contributions

from . import guards as g
from . import logger
from .ballots import lock_vote
from .counting import tally
from .decide import decide
from .electorate import totals
from .electorate import unit
from .models import CountedBallot
from .models import Receipt
from .models import SealedBallot
from .models import Vote
from .models import VoteStatus
from .sealing import box_key
from .sealing import publication_seed
from .sealing import unseal
from .signals import onsite_ballots
from .states import MACHINE

_shuffle = random.SystemRandom().shuffle


def _open_box(vote: Vote) -> list[dict]:
    key = box_key(vote)
    blobs = list(db.session.scalars(sa.select(SealedBallot.sealed).where(SealedBallot.vote_id == vote.id)))
    ballots = [unseal(vote, blob, key) for blob in blobs]
    _shuffle(ballots)
    return ballots


def _write(vote: Vote, ballots: list[dict]) -> list[str]:
    if ballots:
        db.session.execute(
            sa.insert(CountedBallot),
            [
                {
                    'vote_id': vote.id,
                    'position': position,
                    'choice': list(ballot['c']),
                    'weight': int(ballot['w']),
                    'voter_id': ballot.get('v'),
                    'channel': ballot.get('ch'),
                }
                for position, ballot in enumerate(ballots)
            ],
        )
    receipts = sorted(ballot['r'] for ballot in ballots)
    if receipts:
        db.session.execute(sa.insert(Receipt), [{'vote_id': vote.id, 'code': code} for code in receipts])
    db.session.execute(sa.delete(SealedBallot).where(SealedBallot.vote_id == vote.id))
    return receipts


def count(vote: Vote, ballots: list[tuple[tuple[int, ...], int]], seed: str) -> dict:
    """Tally ``ballots`` and judge them by the vote's rule: the stored result (JSON)."""
    rules = vote.rule_set
    counted = tally(vote.kind, len(vote.options), ballots, seed=bytes.fromhex(seed), max_choices=vote.max_choices)
    bases = totals(vote)
    decision = decide(
        vote.kind,
        counted,
        quorum=rules.meeting_rule(vote.rule_kind, 'quorum'),
        approval=rules.meeting_rule(vote.rule_kind, 'approval'),
        bases=bases,
        unit=unit(vote),
    )
    return {
        'tally': counted.to_dict(),
        'decision': decision.to_dict(),
        'bases': [[what, by, value] for (what, by), value in sorted(bases.items())],
        'seed': seed,
        'options': [option.label for option in vote.options],
        'rule_set_id': rules.id,
    }


def close_vote(actor, vote: Vote, now: datetime | None = None) -> Vote:
    """Close ``vote`` and count it (``actor`` ``None``: the system, at its closing time). Flush, never commit.

    :raises Refusal: not open, or the actor may not close it.
    """
    now = now or utcnow()
    lock_vote(vote, for_close=True)
    if vote.status != VoteStatus.OPEN:
        raise Refusal(_('This vote is not open.'), g.PROCEDURE, code='wrong_state')
    MACHINE.apply(vote, 'close', actor, values={'closed_at': now})
    ballots = _open_box(vote)
    receipts = _write(vote, ballots)
    seed = publication_seed(receipts)
    counted = [(tuple(ballot['c']), int(ballot['w'])) for ballot in ballots]
    published = {}
    for extra in contributions(onsite_ballots, vote):
        counted.extend(extra)
        published |= getattr(extra, 'record', None) or {}  # what the result publishes of them (a recount needs it)
    vote.result = {**count(vote, counted, seed), **published}
    vote.seed = seed
    decision = vote.result['decision']
    vote.quorum_met = bool(decision['quorum_met'])
    vote.adopted = bool(decision['passed'])
    db.session.flush()
    record(
        actor,
        'vote.close',
        community=vote.community,
        vote_id=vote.id,
        ballots=len(counted),
        quorum_met=vote.quorum_met,
        adopted=vote.adopted,
    )
    publish(
        VoteClosed(
            vote_id=vote.id,
            topic_id=vote.topic_id,
            meeting_id=vote.meeting_id,
            decides=vote.decides,
            quorum_met=vote.quorum_met,
            adopted=vote.adopted,
        )
    )
    logger.info(
        'vote %s closed: %s ballots, quorum %s, adopted %s', vote.id, len(counted), vote.quorum_met, vote.adopted
    )
    return vote


def due(now: datetime | None = None, limit: int = 50) -> list[int]:
    """Ids of open votes past their closing time."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Vote.id)
            .where(Vote.status == VoteStatus.OPEN, Vote.closes_at.is_not(None), Vote.closes_at <= now)
            .order_by(Vote.closes_at)
            .limit(limit)
        )
    )
