"""Read-side queries for comments; the comments section is a fixed number of statements."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.comments.models import Comment
from consult.comments.models import CommentPeriod
from consult.comments.models import Stance
from consult.db import db

ROOTS_PER_PAGE = 50


def latest_period(topic_id: int) -> CommentPeriod | None:
    """The topic's most recent comment period (one is open at a time, so it is the open one if any)."""
    return db.session.scalar(
        sa.select(CommentPeriod)
        .where(CommentPeriod.topic_id == topic_id)
        .order_by(CommentPeriod.opened_at.desc(), CommentPeriod.id.desc())
        .limit(1)
    )


def tally(topic_id: int) -> dict[str, int]:
    """Visible comments carrying a stance, per stance (all periods of the topic)."""
    rows = db.session.execute(
        sa.select(Comment.stance, sa.func.count())
        .where(Comment.topic_id == topic_id, Comment.hidden_at.is_(None), Comment.stance.is_not(None))
        .group_by(Comment.stance)
    ).all()
    counts = {str(stance): 0 for stance in Stance}
    counts.update(dict(rows))
    return counts


def roots_page(topic_id: int, page: int):
    """Root comments, newest first, 50 a page, with their authors and replies (and the replies' authors)."""
    return db.paginate(
        sa.select(Comment)
        .where(Comment.topic_id == topic_id, Comment.parent_id.is_(None))
        .options(
            so.joinedload(Comment.author),
            so.selectinload(Comment.replies).joinedload(Comment.author),
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc()),
        page=page,
        per_page=ROOTS_PER_PAGE,
        error_out=False,
    )


def recent_duplicate(author_id: int, body: str, since) -> bool:
    return (
        db.session.scalar(
            sa.select(Comment.id)
            .where(Comment.author_id == author_id, Comment.body == body, Comment.created_at >= since)
            .limit(1)
        )
        is not None
    )
