"""Read-side queries of the use of results: each a fixed number of statements, whatever the number of rows."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.disclosure import notices as disclosure_notices
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus

from .models import Feedback
from .models import GovReply
from .models import Rating
from .models import ResultCorrection
from .models import Task
from .models import TaskUpdate

COMMENTS_PER_PAGE = 20


def reported_at(topic) -> datetime:
    """When the result was reported to the entrusting department: the step into REPORTED_TO_GOV on the timeline."""
    at = db.session.scalar(
        sa.select(sa.func.max(TopicEvent.at)).where(
            TopicEvent.topic_id == topic.id, TopicEvent.to_status == str(TopicStatus.REPORTED_TO_GOV)
        )
    )
    return at or topic.updated_at


def tasks_of(topic_id: int) -> list[Task]:
    """The topic's tasks with their owners, items, updates and evidence (four statements)."""
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.topic_id == topic_id)
            .options(
                so.joinedload(Task.grid),
                so.joinedload(Task.department),
                so.joinedload(Task.ticket),
                so.selectinload(Task.updates).selectinload(TaskUpdate.files),
            )
            .order_by(Task.id)
        )
    )


def feedback_of(topic_id: int) -> Feedback | None:
    return db.session.scalar(sa.select(Feedback).where(Feedback.topic_id == topic_id))


def reply_of(topic_id: int) -> GovReply | None:
    return db.session.scalar(
        sa.select(GovReply).where(GovReply.topic_id == topic_id).options(so.joinedload(GovReply.department))
    )


def corrections_of(topic_id: int) -> list[ResultCorrection]:
    return list(
        db.session.scalars(
            sa.select(ResultCorrection)
            .where(ResultCorrection.topic_id == topic_id)
            .options(so.joinedload(ResultCorrection.department))
            .order_by(ResultCorrection.id)
        )
    )


def distribution(topic_id: int) -> dict[int, int]:
    """How many residents gave each score, 1 to 5 (zeros included)."""
    counts = dict.fromkeys(range(1, 6), 0)
    rows = db.session.execute(
        sa.select(Rating.score, sa.func.count()).where(Rating.topic_id == topic_id).group_by(Rating.score)
    )
    for score, count in rows:
        counts[int(score)] = int(count)
    return counts


def rating_comments(topic_id: int, page: int, per_page: int = COMMENTS_PER_PAGE):
    """Ratings with a comment, newest first, a page at a time."""
    return db.paginate(
        sa.select(Rating)
        .where(Rating.topic_id == topic_id, Rating.comment != '')
        .order_by(Rating.updated_at.desc(), Rating.id.desc()),
        page=max(page, 1),
        per_page=per_page,
        error_out=False,
    )


def my_rating(topic_id: int, user_id: int) -> Rating | None:
    return db.session.scalar(sa.select(Rating).where(Rating.topic_id == topic_id, Rating.user_id == user_id))


def overdue_tasks(community_ids: set[int], now: datetime, per_page: int):
    """Open tasks of implemented topics of these communities past their deadline or their progress report."""
    return db.paginate(
        sa.select(Task)
        .join(Topic, Topic.id == Task.topic_id)
        .where(
            Topic.community_id.in_(community_ids),
            Topic.status == TopicStatus.IMPLEMENTING,
            Task.done_at.is_(None),
            sa.or_(Task.due_at < now, Task.report_due_at < now),
        )
        .options(so.contains_eager(Task.topic).joinedload(Topic.community))
        .order_by(Task.due_at, Task.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )


def awaiting_reply(department_ids: set[int], per_page: int):
    """Topics entrusted by these departments, reported to them and waiting for their reply."""
    return db.paginate(
        sa.select(Topic)
        .where(Topic.entrusting_department_id.in_(department_ids), Topic.status == TopicStatus.REPORTED_TO_GOV)
        .order_by(Topic.updated_at, Topic.id),
        page=1,
        per_page=per_page,
        error_out=False,
    )


def participants(topic_id: int) -> set[int]:
    """Everyone who took part, co-signed or objected: told of the implementation result as of the publication
    (one definition, ``consult.disclosure.notices.participants``)."""
    return disclosure_notices.participants(topic_id)
