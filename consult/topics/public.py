"""The public topic list, its search and its Atom feed: no login, private matters never shown.

Every page is a fixed number of queries whatever the page size: one for the page, one for the total,
and one each for the communities and categories of the rows shown (co-sign counts are a column of the
topic, kept by the co-sign operations, so 100,000 co-signs are never counted per request).
"""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.communities.models import Community
from consult.db import db
from consult.topics.models import Topic
from consult.topics.models import TopicCategory
from consult.topics.models import TopicStatus

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FEED_SIZE = 50
#: A search term longer than this is cut: nobody types more, and LIKE patterns stay cheap.
MAX_QUERY = 50
#: Words of a search beyond this many are ignored (each word is one more pair of LIKE conditions).
MAX_WORDS = 8
#: Every status except drafts is public (for public, non-private topics).
HIDDEN_STATUSES = (TopicStatus.DRAFT,)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    community: str | None = None  # community code
    category: str | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args) -> 'Filters':
        status = args.get('status') or None
        if status not in {s.value for s in TopicStatus} or status in HIDDEN_STATUSES:
            status = None
        q = (args.get('q') or '').strip()[:MAX_QUERY] or None
        return cls(
            status=status, community=(args.get('community') or None), category=(args.get('category') or None), q=q
        )

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in (
                ('status', self.status),
                ('community', self.community),
                ('category', self.category),
                ('q', self.q),
            )
            if v
        }


def _escape_like(text: str) -> str:
    return text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')


def search_words(q: str | None) -> list[str]:
    """The words of a search, split at any space (a full-width one too): a topic must match every word."""
    return list(dict.fromkeys((q or '').split()))[:MAX_WORDS]


def public_topics_query(filters: Filters) -> sa.Select:
    """The public topics matching ``filters``, newest first."""
    query = sa.select(Topic).where(Topic.public.is_(True), Topic.status.not_in(HIDDEN_STATUSES))
    if filters.status:
        query = query.where(Topic.status == filters.status)
    if filters.community:
        query = query.join(Community, Community.id == Topic.community_id).where(Community.code == filters.community)
    if filters.category:
        query = query.where(
            sa.exists().where(TopicCategory.topic_id == Topic.id, TopicCategory.code == filters.category)
        )
    for word in search_words(filters.q):
        pattern = f'%{_escape_like(word)}%'
        query = query.where(sa.or_(Topic.title.ilike(pattern, escape='\\'), Topic.body.ilike(pattern, escape='\\')))
    return query.order_by(Topic.created_at.desc(), Topic.id.desc())


def public_topics(filters: Filters, page: int, per_page: int = PAGE_SIZE):
    """One page of public topics, with community and categories loaded in one query each."""
    return db.paginate(
        public_topics_query(filters).options(
            # The list shows neither body: leave the two largest columns in the database.
            so.defer(Topic.body),
            so.defer(Topic.body_html),
            so.selectinload(Topic.community),
            so.selectinload(Topic.category_links),
        ),
        page=page,
        per_page=min(max(per_page, 1), MAX_PAGE_SIZE),
        error_out=False,
        max_per_page=MAX_PAGE_SIZE,
    )


def feed_topics(filters: Filters) -> list[Topic]:
    """The newest public topics for the Atom feed."""
    return list(
        db.session.scalars(public_topics_query(filters).options(so.selectinload(Topic.community)).limit(FEED_SIZE))
    )


def filter_choices() -> dict:
    """Communities and categories for the filter form (two small queries)."""
    from consult.rules.defaults import NATIONAL_CATEGORIES

    communities = db.session.execute(sa.select(Community.code, Community.name).order_by(Community.name)).all()
    return {'communities': communities, 'categories': NATIONAL_CATEGORIES}
