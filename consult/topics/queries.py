"""Read-side queries for topics; each list page is a fixed number of statements."""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import today
from consult.residency.eligibility import adult_cutoff
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.topics.models import CoSign
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus

PAGE_SIZE = 20


def active_cosign_count(topic_id: int) -> int:
    """Active co-signs, counted from the table (so concurrent co-signs never double count)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(CoSign).where(CoSign.topic_id == topic_id, CoSign.withdrawn_at.is_(None))
    )


def adult_resident_count(community_id: int, day: date | None = None) -> int:
    """Verified residents of the community aged 18 or over on ``day`` (today in Longgang by default)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == community_id,
            Membership.status == MembershipStatus.VERIFIED,
            User.birth_date <= adult_cutoff(day or today()),
        )
    )


def active_cosign(topic_id: int, user_id: int) -> CoSign | None:
    return db.session.scalar(
        sa.select(CoSign).where(CoSign.topic_id == topic_id, CoSign.user_id == user_id, CoSign.withdrawn_at.is_(None))
    )


def my_topics(user, page: int):
    """Topics the user submitted or that were submitted on their behalf, newest first."""
    return db.paginate(
        sa.select(Topic)
        .where(sa.or_(Topic.submitted_by_id == user.id, Topic.originator_id == user.id))
        .options(so.joinedload(Topic.community))
        .order_by(Topic.created_at.desc(), Topic.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def review_queue(community_ids: set[int], page: int, queued: bool = True, per_page: int = PAGE_SIZE):
    """Queued topics awaiting admissibility review, the oldest due first (``queued=False``: those still
    gathering co-signs, which staff may reject early as excluded matters)."""
    return db.paginate(
        sa.select(Topic)
        .where(
            Topic.community_id.in_(community_ids),
            Topic.status == TopicStatus.SUBMITTED,
            Topic.queued_at.is_not(None) if queued else Topic.queued_at.is_(None),
        )
        .options(so.joinedload(Topic.community), so.joinedload(Topic.submitted_by), so.joinedload(Topic.originator))
        .order_by(Topic.review_due_at, Topic.submitted_at, Topic.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def confirmation_queue(community_ids: set[int], page: int, per_page: int = PAGE_SIZE):
    """Topics in selection or escalated, awaiting the Party organisation or joint Party committee."""
    return db.paginate(
        sa.select(Topic)
        .where(
            Topic.community_id.in_(community_ids),
            Topic.status.in_([TopicStatus.SCREENING, TopicStatus.ESCALATED]),
        )
        .options(so.joinedload(Topic.community), so.selectinload(Topic.category_links))
        .order_by(Topic.updated_at, Topic.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def merge_targets(topic) -> list[Topic]:
    """Open topics of the same community another topic can be merged into."""
    return list(
        db.session.scalars(
            sa.select(Topic)
            .where(
                Topic.community_id == topic.community_id,
                Topic.id != topic.id,
                Topic.status.in_([TopicStatus.SUBMITTED, TopicStatus.SCREENING, TopicStatus.ANNOUNCED]),
            )
            .order_by(Topic.created_at.desc())
            .limit(100)
        )
    )


def timeline(topic_id: int) -> list[TopicEvent]:
    return list(
        db.session.scalars(
            sa.select(TopicEvent)
            .where(TopicEvent.topic_id == topic_id)
            .options(so.joinedload(TopicEvent.actor), so.joinedload(TopicEvent.rule_set))
            .order_by(TopicEvent.at, TopicEvent.id)
        )
    )
