"""Who may do what with a topic. Predicates take the user explicitly (routes, sockets, tests alike)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.residency.eligibility import can_take_part
from consult.residency.eligibility import can_vote
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import has_role
from consult.roles.permissions import is_admin
from consult.roles.permissions import is_committee
from consult.topics.models import SourceChannel
from consult.topics.models import TopicStatus

#: Channels a resident or representative uses for themselves; all others are on someone's behalf.
SELF_CHANNELS = frozenset({SourceChannel.ONLINE})
#: Channels through which staff type in a resident's matter (the originator is kept).
ON_BEHALF_CHANNELS = frozenset(
    {SourceChannel.COUNTER, SourceChannel.HOTLINE, SourceChannel.GRID_PATROL, SourceChannel.ONSITE_COLLECTION}
)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


ARCHIVE_READ_ONLY = Rule(
    'archive_read_only',
    _l(
        'Measures for the Administration of Urban Community Archives (2015): community records are managed'
        ' centrally and kept whole; nobody may alter, keep privately or destroy them'
    ),
)


def read_only_refusal() -> Refusal:
    """The refusal of any write about an archived topic."""
    return Refusal(_('This topic is archived: its record is read-only.'), ARCHIVE_READ_ONLY, code='archived')


def topic_writable(topic) -> bool:
    """Whether anything may still be written about ``topic``: not once it is archived (domain.md rule 33).

    Every write predicate of every context asks this first. When it says no inside a request or a socket event,
    it leaves the reason in ``flask.g.refusal``, so the refusal page or the socket's ``error`` event says why
    (``consult.errors``, ``consult.realtime.send_error``) instead of a bare "not allowed".
    """
    if topic is None or topic.status != TopicStatus.ARCHIVED:
        return True
    from flask import g
    from flask import has_request_context

    if has_request_context():
        g.refusal = str(read_only_refusal())
    return False


def submission_channels(user, community) -> list[SourceChannel]:
    """The channels through which ``user`` may submit a topic for ``community`` (empty: none)."""
    if not _authenticated(user):
        return []
    channels = []
    if can_take_part(user, community) or has_role(user, Role.REPRESENTATIVE, community):
        channels.append(SourceChannel.ONLINE)
    if is_committee(user, community):
        channels += [SourceChannel.COUNTER, SourceChannel.HOTLINE, SourceChannel.ONSITE_COLLECTION]
    if has_role(user, Role.GRID_WORKER, community):
        channels += [SourceChannel.GRID_PATROL, SourceChannel.ONSITE_COLLECTION]
    if has_role(user, Role.DEPARTMENT, community):
        channels.append(SourceChannel.DEPARTMENT)
    if has_role(user, Role.NPC_DEPUTY, community):
        channels.append(SourceChannel.DEPUTY_LIAISON)
    return list(dict.fromkeys(channels))


def may_submit_via(user, community, channel) -> bool:
    return channel in submission_channels(user, community)


def submittable_community_ids(user) -> set[int]:
    """Communities where ``user`` may open a topic through some channel (residence or a role)."""
    from consult.residency.eligibility import active_membership

    ids = community_ids_for(
        user,
        Role.REPRESENTATIVE,
        Role.COMMITTEE_STAFF,
        Role.COMMITTEE_DIRECTOR,
        Role.GRID_WORKER,
        Role.DEPARTMENT,
        Role.NPC_DEPUTY,
    )
    membership = active_membership(user)
    if membership is not None:
        ids.add(membership.community_id)
    return ids


def is_submitter(user, topic) -> bool:
    return _authenticated(user) and user.id == topic.submitted_by_id


def is_party_to(user, topic) -> bool:
    """The submitter, or the resident a topic was submitted for: a party to the matter (domain.md rule 25)."""
    return _authenticated(user) and user.id in (topic.submitted_by_id, topic.originator_id)


def can_check_legality(user, topic) -> bool:
    """The legality check (domain.md rule 5): committee staff or director, never a party to the matter (rule 25)."""
    return can_review(user, topic.community) and not is_party_to(user, topic)


def read_only(topic):
    """The refusal of any write about ``topic`` once it is archived, else ``None`` (the state machines ask it)."""
    return None if topic_writable(topic) else read_only_refusal()


def row_read_only(row):
    """:func:`read_only` of the topic a row belongs to (a meeting, a vote, a dispatched item, a comment period)."""
    return read_only(row.topic)


def can_edit_topic(user, topic) -> bool:
    """The submitter edits a draft, or a submitted topic before it enters review."""
    if not topic_writable(topic):
        return False
    editable = topic.status == TopicStatus.DRAFT or (topic.status == TopicStatus.SUBMITTED and topic.queued_at is None)
    return editable and is_submitter(user, topic)


def can_attach(user, topic) -> bool:
    """Attach or remove files: whoever may edit the topic (staff who typed it in for a resident too)."""
    return can_edit_topic(user, topic)


def is_party_org(user, topic) -> bool:
    return _authenticated(user) and has_role(user, Role.PARTY_ORG, topic.community)


def is_principal(user, topic) -> bool:
    """The committee director: the community's principal leader, who signs off a whistle (domain.md rule 28)."""
    return _authenticated(user) and has_role(user, Role.COMMITTEE_DIRECTOR, topic.community)


def is_joint_committee(user, topic) -> bool:
    """The joint Party committee of the central community the topic was escalated to."""
    return (
        _authenticated(user)
        and topic.escalated_to_id is not None
        and topic.escalated_to_id == topic.community.central_community_id
        and has_role(user, Role.JOINT_PARTY_COMMITTEE, topic.community)
    )


def can_confirm(user, topic) -> bool:
    """The community Party organisation, or after escalation the joint Party committee (domain.md rule 7, 15)."""
    if topic.escalated_to_id is not None:
        return is_joint_committee(user, topic)
    return is_party_org(user, topic)


def can_review(user, community) -> bool:
    """Admissibility review: committee staff and director of the community (domain.md rule 15)."""
    return _authenticated(user) and is_committee(user, community)


def can_cosign(user, topic) -> bool:
    """Verified adult residents of the community, not the submitter or originator."""
    return (
        topic_writable(topic)
        and _authenticated(user)
        and user.id not in (topic.submitted_by_id, topic.originator_id)
        and can_vote(user, topic.community)
    )


def may_cosign(user, topic) -> bool:
    """``topic.cosign``: eligible residents co-sign a submitted topic."""
    return topic_writable(topic) and topic.status == TopicStatus.SUBMITTED and can_cosign(user, topic)


def can_view_topic(user, topic) -> bool:
    """Drafts: their submitter. Private matters: submitter, originator and committee. Others: everyone."""
    own = _authenticated(user) and user.id in (topic.submitted_by_id, topic.originator_id)
    if topic.status == TopicStatus.DRAFT:
        return own
    if not topic.public:
        return own or can_review(user, topic.community) or (_authenticated(user) and is_admin(user))
    return True


def party_community_ids(user) -> set[int]:
    """Communities whose topics ``user`` confirms as Party organisation or joint Party committee."""
    return community_ids_for(user, Role.PARTY_ORG, Role.JOINT_PARTY_COMMITTEE)


def may_use_review_queue(user, _obj=None) -> bool:
    """``topic.review_queue``: committee staff and directors, for their communities."""
    return _authenticated(user) and bool(community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR))


def may_use_confirmation_queue(user, _obj=None) -> bool:
    """``topic.confirmation_queue``: the Party organisation and the joint Party committee."""
    return _authenticated(user) and bool(party_community_ids(user))
