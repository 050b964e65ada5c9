"""Who may do what as, or with, an NPC deputy. Predicates take the user explicitly.

Deputies observe, comment, file notes and send suggestions; they never vote and never edit results (rule 38):
nothing here lets them, and the votes, outcomes and disclosure predicates do not know the role.
"""

from consult.dispatch.permissions import department_ids
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import has_role
from consult.roles.permissions import is_committee
from consult.topics.models import TopicStatus
from consult.topics.permissions import topic_writable

from .models import SuggestionStatus

#: Topic states on which a deputy files an observation note: from its announcement until it is archived.
NOTE_STATES = frozenset(
    {
        TopicStatus.ANNOUNCED,
        TopicStatus.IN_CONSULTATION,
        TopicStatus.OPINION_FORMED,
        TopicStatus.DEFERRED,
        TopicStatus.LEGALITY_REVIEWED,
        TopicStatus.RETURNED,
        TopicStatus.PENDING_VOTE,
        TopicStatus.CLOSED_NOT_ADOPTED,
        TopicStatus.RESULT_PUBLISHED,
        TopicStatus.REPORTED_TO_GOV,
        TopicStatus.IMPLEMENTING,
        TopicStatus.FEEDBACK_GIVEN,
    }
)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def deputy_community_ids(user) -> set[int]:
    """The communities of the deputy's constituency (one grant each)."""
    if not _authenticated(user):
        return set()
    return community_ids_for(user, Role.NPC_DEPUTY)


def is_deputy(user, community=None) -> bool:
    """``user`` is an NPC deputy (of ``community``, if given)."""
    return _authenticated(user) and has_role(user, Role.NPC_DEPUTY, community)


def may_view_dashboard(user, _obj=None) -> bool:
    return is_deputy(user)


def may_file_note(user, topic) -> bool:
    """``deputy.note``: a deputy of the topic's community, on a public topic from its announcement on."""
    return topic_writable(topic) and topic.public and topic.status in NOTE_STATES and is_deputy(user, topic.community)


def may_suggest(user, community) -> bool:
    """``deputy.suggest``: a deputy of the community sends a formal suggestion about it."""
    return community is not None and is_deputy(user, community)


def may_observe(user, meeting) -> bool:
    """``deputy.observe``: a deputy of the meeting's community enters its live room (列席) before or during it."""
    return (
        topic_writable(meeting.topic)
        and meeting.ahead_or_in_session
        and meeting.topic.public
        and is_deputy(user, meeting.community)
    )


def answers_for(user, suggestion) -> bool:
    """The responsible body's people: the department's staff, or the community's committee."""
    if not _authenticated(user):
        return False
    if suggestion.department_id is not None:
        return suggestion.department_id in department_ids(user)
    return is_committee(user, suggestion.community)


def is_author(user, suggestion) -> bool:
    return _authenticated(user) and user.id == suggestion.deputy_id


def may_view_replies(user, _obj=None) -> bool:
    """Whoever answers for a body that can receive suggestions: department staff and committees."""
    return _authenticated(user) and bool(
        department_ids(user) or community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    )


def still_open(suggestion) -> bool:
    return suggestion.status == SuggestionStatus.SENT
