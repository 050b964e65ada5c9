"""Reading publications, objections and irregularities; each reads a fixed number of statements."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.topics.models import Topic
from consult.topics.models import TopicStatus

from .models import Irregularity
from .models import Objection
from .models import Publication


def pending_publication(topic_id: int) -> Publication | None:
    """The publication staff prepared and the director has not signed off yet, if any."""
    return db.session.scalar(
        sa.select(Publication)
        .where(Publication.topic_id == topic_id, Publication.published_at.is_(None))
        .order_by(Publication.round.desc())
        .limit(1)
    )


def current_publication(topic_id: int) -> Publication | None:
    """The topic's latest published publication, if any."""
    return db.session.scalar(
        sa.select(Publication)
        .where(Publication.topic_id == topic_id, Publication.published_at.is_not(None))
        .order_by(Publication.round.desc())
        .limit(1)
    )


def next_round(topic_id: int) -> int:
    latest = db.session.scalar(sa.select(sa.func.max(Publication.round)).where(Publication.topic_id == topic_id))
    return (latest or 0) + 1


def open_objection_count(topic_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Objection.id)).where(Objection.topic_id == topic_id, Objection.answered_at.is_(None))
    )


def open_objection_of(topic_id: int, user_id: int) -> Objection | None:
    return db.session.scalar(
        sa.select(Objection).where(
            Objection.topic_id == topic_id, Objection.author_id == user_id, Objection.answered_at.is_(None)
        )
    )


def objections_of(topic_id: int) -> list[Objection]:
    return list(
        db.session.scalars(
            sa.select(Objection).where(Objection.topic_id == topic_id).order_by(Objection.filed_at, Objection.id)
        )
    )


def irregularities_of(topic_id: int) -> list[Irregularity]:
    return list(
        db.session.scalars(
            sa.select(Irregularity)
            .where(Irregularity.topic_id == topic_id)
            .order_by(Irregularity.flagged_at, Irregularity.id)
        )
    )


def awaiting_publication(community_ids, per_page: int):
    """Topics of ``community_ids`` whose result waits to be published (prepared or not), oldest first (a page)."""
    return db.paginate(
        sa.select(Topic)
        .where(
            Topic.community_id.in_(community_ids),
            Topic.status.in_([str(TopicStatus.LEGALITY_REVIEWED), str(TopicStatus.CLOSED_NOT_ADOPTED)]),
        )
        .options(so.joinedload(Topic.community))
        .order_by(Topic.updated_at, Topic.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )


def awaiting_answer(community_ids, now: datetime, per_page: int):
    """Open objections of ``community_ids``' topics, the most overdue first (a page), with their topic."""
    return db.paginate(
        sa.select(Objection)
        .join(Topic, Topic.id == Objection.topic_id)
        .where(Topic.community_id.in_(community_ids), Objection.answered_at.is_(None))
        .options(so.contains_eager(Objection.topic))
        .order_by(Objection.answer_due_at, Objection.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )


def overdue_count(community_ids, now: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Objection.id))
        .join(Topic, Topic.id == Objection.topic_id)
        .where(
            Topic.community_id.in_(community_ids),
            Objection.answered_at.is_(None),
            Objection.answer_due_at <= now,
        )
    )


def windows_due(now: datetime) -> list[tuple[Topic, Publication]]:
    """Published results whose window ended and is not recorded as closed, with their topic (the sweep's work)."""
    ends = sa.func.coalesce(Publication.objection_ends_at, Publication.publicity_ends_at)
    rows = db.session.execute(
        sa.select(Topic, Publication)
        .join(Publication, Publication.topic_id == Topic.id)
        .where(
            Topic.status == str(TopicStatus.RESULT_PUBLISHED),
            Publication.published_at.is_not(None),
            Publication.window_closed_at.is_(None),
            Publication.superseded_at.is_(None),
            Publication.publicity_ends_at <= now,
            ends <= now,
        )
        .order_by(Publication.publicity_ends_at, Publication.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def overdue_unflagged(now: datetime) -> list[Objection]:
    return list(
        db.session.scalars(
            sa.select(Objection)
            .where(
                Objection.answered_at.is_(None),
                Objection.overdue_flagged_at.is_(None),
                Objection.answer_due_at <= now,
            )
            .order_by(Objection.answer_due_at, Objection.id)
        )
    )
