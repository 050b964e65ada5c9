"""Who does what in the use of results. Predicates take the user explicitly (role, scope and state together)."""

from consult.dispatch.permissions import department_ids
from consult.dispatch.queries import serves
from consult.residency.eligibility import can_vote
from consult.roles.models import Role
from consult.roles.permissions import has_role
from consult.topics.models import TopicStatus
from consult.topics.permissions import can_review
from consult.topics.permissions import can_view_topic
from consult.topics.permissions import topic_writable
from consult.topics.states import MACHINE as TOPIC

from .models import Owner

#: States in which the result has been published and may be corrected as unlawful (rule 27 (iii)).
CORRECTABLE = (
    TopicStatus.RESULT_PUBLISHED,
    TopicStatus.REPORTED_TO_GOV,
    TopicStatus.IMPLEMENTING,
    TopicStatus.FEEDBACK_GIVEN,
)
#: States whose implementation section exists.
WITH_SECTION = (TopicStatus.REPORTED_TO_GOV, TopicStatus.IMPLEMENTING, TopicStatus.FEEDBACK_GIVEN)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def is_committee(user, topic) -> bool:
    return _authenticated(user) and can_review(user, topic.community)


def is_grid_worker(user, topic) -> bool:
    return _authenticated(user) and has_role(user, Role.GRID_WORKER, topic.community)


def may_manage(user, topic) -> bool:
    """``implementation.manage``: the committee and the community's grid workers see the implementation page."""
    return topic.status in (TopicStatus.IMPLEMENTING, TopicStatus.FEEDBACK_GIVEN) and (
        is_committee(user, topic) or is_grid_worker(user, topic)
    )


def may_add_task(user, topic) -> bool:
    """``implementation.add_task``: committee staff and the director, while the topic is implemented."""
    if not topic_writable(topic):
        return False
    return topic.status == TopicStatus.IMPLEMENTING and is_committee(user, topic)


def may_update(user, task) -> bool:
    """``implementation.update``: the committee on any open task; grid workers on their grid's tasks (field
    status, the role table)."""
    if not topic_writable(task.topic):
        return False
    topic = task.topic
    if task.done or topic.status != TopicStatus.IMPLEMENTING:
        return False
    return is_committee(user, topic) or (task.owner == Owner.GRID and is_grid_worker(user, topic))


def may_complete_task(user, task) -> bool:
    """``implementation.complete_task``: as updating, except a department's task, done when its item closes."""
    return task.owner != Owner.DEPARTMENT and may_update(user, task)


def may_rate(user, topic) -> bool:
    """``implementation.rate``: verified adult residents of the community (the role table), while the rating period runs."""
    if not topic_writable(topic):
        return False
    from consult.kernel.clock import utcnow

    from .queries import feedback_of

    if topic.status != TopicStatus.FEEDBACK_GIVEN or not _authenticated(user) or not topic.public:
        return False
    feedback = feedback_of(topic.id)
    return feedback is not None and feedback.rating_open(utcnow()) and can_vote(user, topic.community)


def may_correct(user, topic) -> bool:
    """``implementation.correct``: the government, as a city department serving the community (rule 27 (iii))."""
    if not topic_writable(topic):
        return False
    if topic.status not in CORRECTABLE or not _authenticated(user):
        return False
    return any(serves(department_id, topic.community_id) for department_id in sorted(department_ids(user)))


def may_reply(user, topic) -> bool:
    return TOPIC.may(user, topic, 'gov_reply')


def may_finish(user, topic) -> bool:
    return TOPIC.may(user, topic, 'complete_implementation')


def may_view(user, topic) -> bool:
    return can_view_topic(user, topic)
