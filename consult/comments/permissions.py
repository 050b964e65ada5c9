"""Who may comment on, and manage comments of, a topic. Predicates take the user explicitly."""

from consult.comments.models import Badge
from consult.residency.eligibility import can_take_part
from consult.residency.eligibility import is_adult
from consult.roles.models import Role
from consult.roles.permissions import has_role
from consult.roles.permissions import is_committee
from consult.topics.permissions import can_review
from consult.topics.permissions import can_view_topic
from consult.topics.permissions import topic_writable


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def badge_for(user, topic) -> Badge | None:
    """The capacity in which ``user`` comments on ``topic``; ``None``: they may not comment.

    Committee staff and director, representatives, NPC deputies (observers, domain.md rule 38) and experts
    holding that role in the topic's community; otherwise verified adult residents of the community.
    """
    if not _authenticated(user):
        return None
    community = topic.community
    if is_committee(user, community):
        return Badge.STAFF
    if has_role(user, Role.REPRESENTATIVE, community):
        return Badge.REPRESENTATIVE
    if has_role(user, Role.NPC_DEPUTY, community):
        return Badge.OBSERVER
    if has_role(user, Role.EXPERT, community):
        return Badge.EXPERT
    # can_take_part alone admits verified minors; comments are for adults (domain.md role table: 18+).
    if can_take_part(user, community) and is_adult(user):
        return Badge.RESIDENT
    return None


def can_comment(user, topic) -> bool:
    """May ``user`` comment on ``topic`` at all (the period being open is checked by the operation)."""
    if not topic_writable(topic):
        return False
    return can_view_topic(user, topic) and badge_for(user, topic) is not None


def can_manage_comments(user, topic) -> bool:
    """Open, close, hide and summarise: the committee of the topic's community."""
    if not topic_writable(topic):
        return False
    return _authenticated(user) and can_review(user, topic.community)


def _period_open(topic) -> bool | None:
    """Whether the topic's latest comment period is open now (``None``: it never had one)."""
    from consult.comments.queries import latest_period
    from consult.kernel.clock import utcnow

    period = latest_period(topic.id)
    return None if period is None else period.is_open(utcnow())


def may_post(user, topic) -> bool:
    """``comment.post``: those who may comment, while the topic's comment period is open."""
    if not topic_writable(topic):
        return False
    return can_comment(user, topic) and bool(_period_open(topic))


def may_hide(user, comment) -> bool:
    """``comment.hide``, asked of a comment: the committee hides a comment not yet hidden."""
    if not topic_writable(comment.period.topic):
        return False
    return not comment.hidden and can_manage_comments(user, comment.period.topic)


def may_close(user, topic) -> bool:
    """``comment.close``: the committee closes an open comment period early."""
    if not topic_writable(topic):
        return False
    return can_manage_comments(user, topic) and bool(_period_open(topic))


def may_summarise(user, topic) -> bool:
    """``comment.summarise``: the committee writes the summary once the period closed, while in consultation."""
    if not topic_writable(topic):
        return False
    from consult.topics.models import TopicStatus

    return (
        topic.status == TopicStatus.IN_CONSULTATION
        and can_manage_comments(user, topic)
        and _period_open(topic) is False
    )
