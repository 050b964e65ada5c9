"""What is public, as queries: each list's rows, filtered as the public pages filter them.

Topics follow the public topic list (``consult.topics.public``): public, not private, not a draft. Everything
else is public only through such a topic. Votes are listed only once closed: before the close nothing of the
count exists for anyone (the embargo of ``consult.votes``). Every list is a fixed number of statements
whatever its page size: the page, then one statement per kind of related row.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.communities.models import Community
from consult.db import db
from consult.disclosure.models import Objection
from consult.implementation.models import Feedback
from consult.implementation.models import Task
from consult.meetings.minutes_models import SignedMinutes
from consult.meetings.models import VOTING_KINDS
from consult.meetings.models import Attendance
from consult.meetings.models import Meeting
from consult.meetings.models import Participant
from consult.outcomes.models import LegalityCheck
from consult.outcomes.models import Opinion
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.topics.models import PUBLISHED_STATUSES
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus
from consult.topics.public import HIDDEN_STATUSES
from consult.votes.models import Vote
from consult.votes.models import VoteOption
from consult.votes.models import VoteStatus

#: A topic whose result was published, and every state after it, and a failed deciding vote's result (public at
#: the vote's close) waiting for its publication: the results feed and the results list.
RESULT_STATUSES = (*sorted(PUBLISHED_STATUSES), TopicStatus.CLOSED_NOT_ADOPTED)


def public_topic_ids() -> sa.Select:
    """The ids of public topics (the rule of the public topic list)."""
    return sa.select(Topic.id).where(Topic.public.is_(True), Topic.status.not_in(HIDDEN_STATUSES))


def communities(filters: dict) -> sa.Select:
    return sa.select(Community).options(so.joinedload(Community.central_community))


def rule_sets(filters: dict) -> sa.Select:
    """Confirmed versions (in force, past or coming): proposals and declined ones are not rules."""
    query = sa.select(RuleSet).where(RuleSet.status == RuleSetStatus.CONFIRMED)
    if filters.get('community'):
        query = query.where(RuleSet.community_id == filters['community'])
    return query


def topics(filters: dict) -> sa.Select:
    query = (
        sa.select(Topic)
        .where(Topic.id.in_(public_topic_ids()))
        .options(so.joinedload(Topic.community), so.selectinload(Topic.category_links))
    )
    if filters.get('community'):
        query = query.where(Topic.community_id == filters['community'])
    if filters.get('status'):
        query = query.where(Topic.status == filters['status'])
    if filters.get('results'):
        query = query.where(Topic.status.in_(RESULT_STATUSES))
    return query


def timeline(topic_id: int) -> sa.Select:
    return sa.select(TopicEvent).where(TopicEvent.topic_id == topic_id)


def meetings(filters: dict) -> sa.Select:
    query = sa.select(Meeting).where(Meeting.topic_id.in_(public_topic_ids()))
    return _by(query, Meeting, filters)


def votes(filters: dict) -> sa.Select:
    query = sa.select(Vote).where(Vote.topic_id.in_(public_topic_ids()), Vote.status == VoteStatus.CLOSED)
    query = _by(query, Vote, filters)
    if filters.get('meeting'):
        query = query.where(Vote.meeting_id == filters['meeting'])
    return query


def minutes(filters: dict) -> sa.Select:
    query = (
        sa.select(SignedMinutes)
        .join(Meeting, Meeting.id == SignedMinutes.meeting_id)
        .where(Meeting.topic_id.in_(public_topic_ids()))
    )
    return _by(query, Meeting, filters)


def opinions(filters: dict) -> sa.Select:
    query = (
        sa.select(Opinion)
        .join(Topic, Topic.id == Opinion.topic_id)
        .where(Opinion.topic_id.in_(public_topic_ids()))
        .options(so.selectinload(Opinion.votes))
    )
    return _by(query, Topic, filters, topic_column=Opinion.topic_id)


def legality_checks(filters: dict) -> sa.Select:
    query = (
        sa.select(LegalityCheck)
        .join(Topic, Topic.id == LegalityCheck.topic_id)
        .where(LegalityCheck.topic_id.in_(public_topic_ids()))
    )
    return _by(query, Topic, filters, topic_column=LegalityCheck.topic_id)


def objections(filters: dict) -> sa.Select:
    """Objections to the published results of public topics (objections exist only on a published result)."""
    query = sa.select(Objection).join(Topic, Topic.id == Objection.topic_id)
    query = query.where(Objection.topic_id.in_(public_topic_ids()))
    return _by(query, Topic, filters, topic_column=Objection.topic_id)


def tasks(filters: dict) -> sa.Select:
    """The implementation tasks of public topics' adopted results."""
    query = sa.select(Task).join(Topic, Topic.id == Task.topic_id).where(Task.topic_id.in_(public_topic_ids()))
    return _by(query, Topic, filters, topic_column=Task.topic_id)


def implementation_results(filters: dict) -> sa.Select:
    """The implementation results (second disclosures) of public topics."""
    query = sa.select(Feedback).join(Topic, Topic.id == Feedback.topic_id)
    query = query.where(Feedback.topic_id.in_(public_topic_ids()))
    return _by(query, Topic, filters, topic_column=Feedback.topic_id)


def _by(query: sa.Select, model, filters: dict, topic_column=None) -> sa.Select:
    if filters.get('community'):
        query = query.where(model.community_id == filters['community'])
    if filters.get('topic'):
        query = query.where((topic_column if topic_column is not None else model.topic_id) == filters['topic'])
    return query


def attendance(meetings_shown: list) -> dict[int, dict]:
    """Each meeting's roster and sign-in counts, by head and household, in two statements for the page.

    The same numbers as ``consult.meetings.quorum.counts``, for many meetings at once.
    """
    ids = [m.id for m in meetings_shown]
    if not ids:
        return {}
    voting = sa.and_(Participant.meeting_id.in_(ids), Participant.kind.in_([str(k) for k in VOTING_KINDS]))
    members = db.session.execute(
        sa.select(
            Participant.meeting_id, sa.func.count(Participant.id), sa.func.count(sa.distinct(Participant.household_id))
        )
        .where(voting)
        .group_by(Participant.meeting_id)
    ).all()
    present = db.session.execute(
        sa.select(
            Participant.meeting_id, sa.func.count(Participant.id), sa.func.count(sa.distinct(Participant.household_id))
        )
        .join(
            Attendance,
            sa.and_(Attendance.meeting_id == Participant.meeting_id, Attendance.user_id == Participant.user_id),
        )
        .where(voting)
        .group_by(Participant.meeting_id)
    ).all()
    numbers = {meeting_id: {'members': (0, 0), 'present': (0, 0)} for meeting_id in ids}
    for meeting_id, heads, households in members:
        numbers[meeting_id]['members'] = (heads, households)
    for meeting_id, heads, households in present:
        numbers[meeting_id]['present'] = (heads, households)
    return numbers


def option_labels(vote_ids: list[int]) -> dict[int, list[str]]:
    """The options' labels of each vote, in order: one statement of plain rows for the page (no ORM objects)."""
    labels = {vote_id: [] for vote_id in vote_ids}
    if vote_ids:
        rows = db.session.execute(
            sa.select(VoteOption.vote_id, VoteOption.label)
            .where(VoteOption.vote_id.in_(vote_ids))
            .order_by(VoteOption.vote_id, VoteOption.position)
        )
        for vote_id, label in rows:
            labels[vote_id].append(label)
    return labels


def rule_sets_by_id(ids) -> dict[int, RuleSet]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {r.id: r for r in db.session.scalars(sa.select(RuleSet).where(RuleSet.id.in_(wanted)))}
