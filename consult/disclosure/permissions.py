"""Who prepares a publication, objects, answers, and flags an irregularity. Predicates take the user."""

from consult.kernel.clock import utcnow
from consult.residency.eligibility import is_verified_resident
from consult.roles.models import Role
from consult.roles.permissions import has_role
from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import topic_writable

#: States in which a topic's result has been published (and stays public).
PUBLISHED_STATES = frozenset(
    {
        TopicStatus.RESULT_PUBLISHED,
        TopicStatus.REPORTED_TO_GOV,
        TopicStatus.IMPLEMENTING,
        TopicStatus.FEEDBACK_GIVEN,
        TopicStatus.ARCHIVED,
    }
)
#: States whose result waits for its publication (legality passed or vote passed; a failed vote).
PUBLISHABLE_STATES = frozenset({TopicStatus.LEGALITY_REVIEWED, TopicStatus.CLOSED_NOT_ADOPTED})


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def is_published(topic) -> bool:
    return topic.public and topic.status in PUBLISHED_STATES


def may_prepare(user, topic) -> bool:
    """``publication.prepare``: committee staff (or the director) of the community, while the result waits."""
    if not topic_writable(topic):
        return False
    return topic.status in PUBLISHABLE_STATES and _authenticated(user) and can_review(user, topic.community)


def may_object(user, topic) -> bool:
    """``objection.file``: a verified resident of the community, while the objection window is open and they have
    no objection waiting for its answer."""
    if not topic_writable(topic):
        return False
    from .queries import open_objection_of

    if not _authenticated(user) or not objection_window_open(topic):
        return False
    if not is_verified_resident(user, topic.community):
        return False
    return open_objection_of(topic.id, user.id) is None


def objection_window_open(topic) -> bool:
    """The result is published and its objection window open now (for anyone: the page says who may object)."""
    from .queries import current_publication

    if topic.status != TopicStatus.RESULT_PUBLISHED:
        return False
    publication = current_publication(topic.id)
    return publication is not None and publication.objections_open(utcnow())


def may_answer(user, objection) -> bool:
    """``objection.answer``: committee staff or director of the topic's community, while it is open."""
    if not topic_writable(objection.topic):
        return False
    return not objection.answered and _authenticated(user) and can_review(user, objection_community(objection))


def objection_community(objection):
    from consult.db import db
    from consult.topics.models import Topic

    return db.session.get(Topic, objection.topic_id).community


def is_supervisor(user, topic) -> bool:
    return _authenticated(user) and has_role(user, Role.SUPERVISORY_COMMITTEE, topic.community)


def may_flag(user, topic) -> bool:
    """``irregularity.flag``: the supervisory committee of the community, on any published result."""
    if not topic_writable(topic):
        return False
    return is_published(topic) and is_supervisor(user, topic)


def may_answer_irregularity(user, irregularity) -> bool:
    """``irregularity.answer``: committee staff or director, once."""
    from consult.db import db
    from consult.topics.models import Topic

    if not topic_writable(db.session.get(Topic, irregularity.topic_id)):
        return False
    if irregularity.answered_at is not None or not _authenticated(user):
        return False
    return can_review(user, db.session.get(Topic, irregularity.topic_id).community)


def is_principal(user, topic) -> bool:
    """The committee director, who signs a publication off."""
    return _authenticated(user) and has_role(user, Role.COMMITTEE_DIRECTOR, topic.community)
