"""Reading votes: a topic's or meeting's votes, a vote's panel state, the published lists."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db

from .models import CountedBallot
from .models import Elector
from .models import Receipt
from .models import Vote
from .models import VoteStatus


def votes_of_topic(topic_id: int) -> list[Vote]:
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.topic_id == topic_id)
            .options(so.selectinload(Vote.options))
            .order_by(Vote.created_at, Vote.id)
        )
    )


def votes_of_meeting(meeting_id: int) -> list[Vote]:
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.meeting_id == meeting_id, Vote.status != VoteStatus.CANCELLED)
            .options(so.selectinload(Vote.options))
            .order_by(Vote.opened_at.is_(None), Vote.opened_at, Vote.id)
        )
    )


def open_vote_of_meeting(meeting_id: int) -> Vote | None:
    return db.session.scalar(sa.select(Vote).where(Vote.meeting_id == meeting_id, Vote.status == VoteStatus.OPEN))


def receipts(vote: Vote) -> list[str]:
    return list(db.session.scalars(sa.select(Receipt.code).where(Receipt.vote_id == vote.id).order_by(Receipt.code)))


def has_receipt(vote: Vote, code: str) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).where(Receipt.vote_id == vote.id, Receipt.code == code)))


def counted_ballots(vote: Vote) -> list[CountedBallot]:
    """The counted ballots in their (random) stored order, with the voters of an open vote."""
    query = sa.select(CountedBallot).where(CountedBallot.vote_id == vote.id).order_by(CountedBallot.position)
    if not vote.secret:
        query = query.options(so.joinedload(CountedBallot.voter))
    return list(db.session.scalars(query))


def proxy_list(vote: Vote) -> list[Elector]:
    """The written proxies registered for ``vote`` (published with the result)."""
    return list(
        db.session.scalars(
            sa.select(Elector)
            .where(Elector.vote_id == vote.id, Elector.proxy_holder_id.is_not(None))
            .options(so.joinedload(Elector.user), so.joinedload(Elector.proxy_holder))
            .order_by(Elector.id)
        )
    )


def channel_counts(vote: Vote) -> dict[str, int]:
    """How many voted on each channel (after the close only: it is a count)."""
    rows = db.session.execute(
        sa.select(Elector.voted_via, sa.func.count())
        .where(Elector.vote_id == vote.id, Elector.voted_via.is_not(None))
        .group_by(Elector.voted_via)
    )
    return dict(rows.all())
