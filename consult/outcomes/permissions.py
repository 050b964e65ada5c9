"""Who records and corrects a consultation opinion, and who records its legality check. Predicates take the user."""

from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import is_party_to
from consult.topics.permissions import topic_writable
from consult.topics.states import LEGALITY_STEPS
from consult.topics.states import MACHINE as TOPIC


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def records_opinion(user, topic, opinion=None) -> bool:
    """Committee staff or director of the topic's community, or the chair of the meeting ``opinion`` came from;
    never the submitter or the resident the topic is for (domain.md rule 25)."""
    if not _authenticated(user) or is_party_to(user, topic):
        return False
    if can_review(user, topic.community):
        return True
    return opinion is not None and opinion.meeting is not None and opinion.meeting.chair_id == user.id


def may_record_opinion(user, topic) -> bool:
    """``opinion.record``, asked of a topic: while its opinion is formed and not yet checked for legality."""
    if not topic_writable(topic):
        return False
    from .queries import current_opinion

    if topic.status != TopicStatus.OPINION_FORMED or not _authenticated(user):
        return False
    opinion = current_opinion(topic.id)
    return (opinion is None or not opinion.locked) and records_opinion(user, topic, opinion)


def may_correct(user, opinion) -> bool:
    """``opinion.correct``, asked of an opinion: once checked, corrections are appended by those who record it."""
    if not topic_writable(opinion.topic):
        return False
    return opinion.locked and records_opinion(user, opinion.topic, opinion)


def may_check_legality(user, topic) -> bool:
    """Whether ``user`` may record the legality check of ``topic`` now (any of its three results)."""
    if not topic_writable(topic):
        return False
    return any(TOPIC.may(user, topic, step) for step in LEGALITY_STEPS.values())
