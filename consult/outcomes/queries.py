"""Reading opinions and legality checks; each page reads a fixed number of statements."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.votes.models import Vote
from consult.votes.models import VoteStatus

from .models import LegalityCheck
from .models import Opinion
from .models import OpinionCorrection


def current_opinion(topic_id: int) -> Opinion | None:
    """The opinion of the topic's latest round, or ``None``."""
    return db.session.scalar(
        sa.select(Opinion).where(Opinion.topic_id == topic_id).order_by(Opinion.round.desc()).limit(1)
    )


def next_round(topic_id: int) -> int:
    latest = db.session.scalar(sa.select(sa.func.max(Opinion.round)).where(Opinion.topic_id == topic_id))
    return (latest or 0) + 1


def opinions_of(topic_id: int) -> list[Opinion]:
    """Every round's opinion, newest first, with its votes, corrections, check and people loaded."""
    return list(
        db.session.scalars(
            sa.select(Opinion)
            .where(Opinion.topic_id == topic_id)
            .options(
                so.selectinload(Opinion.votes),
                so.selectinload(Opinion.corrections).joinedload(OpinionCorrection.by),
                so.selectinload(Opinion.check).joinedload(LegalityCheck.checked_by),
                so.joinedload(Opinion.recorded_by),
                so.joinedload(Opinion.edited_by),
                so.joinedload(Opinion.meeting),
                so.joinedload(Opinion.comment_period),
            )
            .order_by(Opinion.round.desc())
        )
    )


def closed_votes_of(topic_id: int) -> list[Vote]:
    """The topic's closed (counted) votes, which an opinion may rely on."""
    return list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.topic_id == topic_id, Vote.status == VoteStatus.CLOSED)
            .order_by(Vote.closed_at, Vote.id)
        )
    )


def awaiting_check(community_ids, per_page: int):
    """Topics of ``community_ids`` whose opinion awaits its legality check, oldest first (a page)."""
    return db.paginate(
        sa.select(Topic)
        .where(Topic.community_id.in_(community_ids), Topic.status == TopicStatus.OPINION_FORMED)
        .options(so.joinedload(Topic.community))
        .order_by(Topic.updated_at, Topic.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )
