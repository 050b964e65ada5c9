"""Satisfaction ratings (评议, domain.md rule 32): one per resident and topic, changed until the period ends.

A rating is one ``INSERT ... ON CONFLICT (topic_id, user_id) DO UPDATE`` (PostgreSQL and SQLite), so two
ratings sent at once by one resident leave one row, the later one's values.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.residency.eligibility import can_vote
from consult.security import clean_text
from consult.topics.models import TopicStatus

from . import guards as g
from .models import COMMENT_MAX
from .models import Rating
from .queries import feedback_of

SCORES = frozenset('12345')


def _score(score) -> int:
    """1 to 5, from a number or its text; anything else (0, 6, 10**20, '3.5', None, True) is refused."""
    if isinstance(score, bool):
        score = None
    if isinstance(score, str):
        score = int(score.strip()) if score.strip() in SCORES else None
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise Refusal(_('Choose a score from 1 to 5.'), g.SATISFACTION, code='bad_score')
    return score


def rate(actor, topic, score, comment: str = '') -> Rating:
    """Record (or change) ``actor``'s rating of the implementation of ``topic``.

    :raises Refusal: not in the rating period (before the feedback, or strictly after its end), not a verified
        resident of the community, a score outside 1-5, or a comment too long.
    """
    now = utcnow()
    feedback = feedback_of(topic.id) if topic.status == TopicStatus.FEEDBACK_GIVEN else None
    if feedback is None:
        raise Refusal(_('Ratings open once the implementation result is published.'), g.SATISFACTION, 'wrong_state')
    if not feedback.rating_open(now):
        raise Refusal(_('The rating period has ended.'), g.SATISFACTION, code='period_ended')
    if not topic.public or not can_vote(actor, topic.community):
        raise Refusal(
            _("The community's verified adult residents rate the implementation."), g.SATISFACTION, 'forbidden'
        )
    score = _score(score)
    text = clean_text(comment if isinstance(comment, str) else '')
    if len(text) > COMMENT_MAX:
        raise Refusal(_('At most %(max)s characters.', max=COMMENT_MAX), g.SATISFACTION, code='text_too_long')
    values = {'topic_id': topic.id, 'user_id': actor.id, 'score': score, 'comment': text}
    dialect = postgresql if db.session.get_bind().dialect.name == 'postgresql' else sqlite
    statement = dialect.insert(Rating).values(**values, created_at=now, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[Rating.topic_id, Rating.user_id],
        set_={'score': score, 'comment': text, 'updated_at': now},
    )
    db.session.execute(statement)
    return db.session.scalar(
        sa.select(Rating)
        .where(Rating.topic_id == topic.id, Rating.user_id == actor.id)
        .execution_options(populate_existing=True)
    )
