"""Who does what in the archive (the role table's ARCHIVED column): staff assemble the bundle, the director
approves archiving and carries out a destruction, everyone else sees the public part read-only."""

from consult.disclosure.permissions import is_published
from consult.roles.models import Role
from consult.roles.permissions import has_role
from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import can_view_topic
from consult.topics.permissions import topic_writable
from consult.topics.states import ARCHIVABLE
from consult.topics.states import MACHINE as TOPIC


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def is_committee(user, topic) -> bool:
    return _authenticated(user) and can_review(user, topic.community)


def may_view(user, topic) -> bool:
    """``archive.view``: the archive page of a topic anyone may see, once it can be (or was) archived."""
    return (topic.status in ARCHIVABLE or topic.status == TopicStatus.ARCHIVED) and can_view_topic(user, topic)


def may_waive(user, topic) -> bool:
    """``archive.waive``: committee staff (and the director) record why a missing item is missing, before filing."""
    return topic_writable(topic) and topic.status in ARCHIVABLE and is_committee(user, topic)


def may_archive(user, topic) -> bool:
    """``topic.archive`` as asked by the page: the director, in a state that can be archived."""
    return TOPIC.may(user, topic, 'archive')


def may_appraise(user, topic) -> bool:
    """``archive.appraise``: the committee records an appraisal of an archived record's item past its term."""
    return topic.status == TopicStatus.ARCHIVED and is_committee(user, topic)


def may_destroy(user, appraisal) -> bool:
    """``archive.destroy``: the director carries out an appraisal not yet carried out."""
    import sqlalchemy as sa

    from consult.db import db

    from .models import Destruction

    topic = appraisal.topic
    if topic.status != TopicStatus.ARCHIVED or not _authenticated(user):
        return False
    if not has_role(user, Role.COMMITTEE_DIRECTOR, topic.community):
        return False
    return db.session.scalar(sa.select(Destruction.id).where(Destruction.appraisal_id == appraisal.id)) is None


def may_download(user, topic) -> bool:
    """``archive.download``: anyone who may see the topic's public record (its result was published)."""
    return is_published(topic) and can_view_topic(user, topic)
