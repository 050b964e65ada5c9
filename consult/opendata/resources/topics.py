"""Topics (public, not private, not drafts: the public topic list's rule) and each topic's timeline."""

import sqlalchemy as sa

from consult.db import db
from consult.topics.models import Topic
from consult.topics.models import TopicEvent

from .. import queries
from ..api import ListView
from ..api import public_statuses
from ..api import register_item
from ..api import register_list
from ..filters import Filter
from ..schemas import TimelineEventSchema
from ..schemas import TopicSchema

TAG = 'topics'
COMMUNITY = Filter('community', "Only this community's topics (its id)")

register_list(
    'topics',
    '/topics',
    ListView(queries.topics, Topic.id),
    TopicSchema,
    'Public topics, oldest first',
    TAG,
    filters=(COMMUNITY, Filter('status', 'Only topics in this state', kind='choice', choices=public_statuses())),
)

register_list(
    'results',
    '/results',
    ListView(lambda filters: queries.topics({**filters, 'results': True}), Topic.id),
    TopicSchema,
    'Topics whose result was published, or any later state',
    TAG,
    filters=(COMMUNITY,),
)


def _load(topic_id: int):
    return db.session.scalar(queries.topics({}).where(Topic.id == topic_id))


def _is_public(topic_id: int) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Topic.id == topic_id, Topic.id.in_(queries.public_topic_ids())))
    )


register_item('topic', '/topics/<int:topic_id>', _load, TopicSchema, 'A public topic', TAG)

register_list(
    'timeline',
    '/topics/<int:topic_id>/timeline',
    ListView(lambda filters: queries.timeline(filters['topic_id']), TopicEvent.id, exists=_is_public),
    TimelineEventSchema,
    'The steps of a public topic, in order; who acted is given by role',
    TAG,
)
