"""Reads of the deputies' pages: the dashboard's figures, each with a fixed number of statements.

Every figure is computed in SQL over the deputy's communities (grouped counts), or from one statement returning
a row per closed meeting of the last twelve months; none grows in statements with the number of topics.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.communities.models import Community
from consult.db import db
from consult.disclosure.models import Objection
from consult.implementation.models import Task
from consult.kernel.clock import CITY_ZONE
from consult.meetings.models import VOTING_KINDS
from consult.meetings.models import Attendance
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingStatus
from consult.meetings.models import Outcome
from consult.meetings.models import Participant
from consult.topics.models import Topic
from consult.topics.models import TopicStatus

from .models import DeputySuggestion
from .models import SuggestionStatus

PER_PAGE = 10
#: The months shown in "participation over time".
MONTHS = 12

T = TopicStatus
#: The stages of a topic's life, for the "topics by stage" chart; every public state falls in one.
STAGES = (
    ('submitted', (T.SUBMITTED, T.SCREENING, T.ESCALATED)),
    ('consultation', (T.ANNOUNCED, T.IN_CONSULTATION, T.DEFERRED, T.RETURNED)),
    ('decision', (T.OPINION_FORMED, T.LEGALITY_REVIEWED, T.PENDING_VOTE)),
    ('published', (T.RESULT_PUBLISHED, T.CLOSED_NOT_ADOPTED, T.REPORTED_TO_GOV)),
    ('implementation', (T.IMPLEMENTING, T.FEEDBACK_GIVEN)),
    ('closed', (T.ARCHIVED, T.REJECTED, T.REDIRECTED, T.MERGED, T.WITHDRAWN)),
)


def communities(ids: set[int]) -> list[Community]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Community).where(Community.id.in_(ids)).order_by(Community.name)))


def topics_by_state(ids: set[int]) -> dict[str, int]:
    """Public topics of these communities per state (drafts left out)."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Topic.status, sa.func.count(Topic.id))
        .where(Topic.community_id.in_(ids), Topic.public.is_(True), Topic.status != T.DRAFT)
        .group_by(Topic.status)
    ).all()
    return {str(status): count for status, count in rows}


def stages(by_state: dict[str, int]) -> list[tuple[str, int]]:
    return [(stage, sum(by_state.get(str(s), 0) for s in states)) for stage, states in STAGES]


def upcoming_meetings(ids: set[int], page: int = 1):
    """Meetings scheduled or in session, soonest first (a page: two statements)."""
    query = (
        sa.select(Meeting)
        .join(Topic, Topic.id == Meeting.topic_id)
        .where(
            Meeting.community_id.in_(ids or {0}),
            Meeting.status.in_((MeetingStatus.SCHEDULED, MeetingStatus.OPEN)),
            Topic.public.is_(True),
        )
        .options(so.contains_eager(Meeting.topic), so.joinedload(Meeting.community))
        .order_by(Meeting.status.desc(), Meeting.starts_at, Meeting.id)  # 'scheduled' > 'open': live ones first
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


@dataclass(frozen=True)
class MonthFigures:
    month: str
    meetings: int
    #: Attending voters over voters on the rosters, in percent (``None``: nobody on the rosters).
    participation: int | None
    #: Meetings that reached their quorum, in percent.
    quorum: int | None


def participation(ids: set[int], now: datetime) -> list[MonthFigures]:
    """Per month of the last twelve (Longgang's calendar): meetings closed, participation and quorum rates."""
    if not ids:
        return []
    since = now - timedelta(days=31 * MONTHS)
    roster = (
        sa.select(sa.func.count(Participant.id))
        .where(Participant.meeting_id == Meeting.id, Participant.kind.in_(VOTING_KINDS))
        .scalar_subquery()
    )
    attended = (
        sa.select(sa.func.count(Attendance.id))
        .join(
            Participant,
            sa.and_(Participant.meeting_id == Attendance.meeting_id, Participant.user_id == Attendance.user_id),
        )
        .where(Attendance.meeting_id == Meeting.id, Participant.kind.in_(VOTING_KINDS))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Meeting.closed_at, Meeting.outcome, roster, attended).where(
            Meeting.community_id.in_(ids), Meeting.status == MeetingStatus.CLOSED, Meeting.closed_at >= since
        )
    ).all()
    months: dict[str, list[int]] = {}
    for closed_at, outcome, on_roster, present in rows:
        key = closed_at.astimezone(CITY_ZONE).strftime('%Y-%m')
        figures = months.setdefault(key, [0, 0, 0, 0])
        figures[0] += 1
        figures[1] += on_roster or 0
        figures[2] += present or 0
        figures[3] += outcome != Outcome.QUORUM_FAILED
    return [
        MonthFigures(
            month,
            count,
            round(100 * present / on_roster) if on_roster else None,
            round(100 * quorate / count) if count else None,
        )
        for month, (count, on_roster, present, quorate) in sorted(months.items())
    ]


def implementation_timeliness(ids: set[int], now: datetime) -> list[tuple[str, int]]:
    """Implementation tasks: done on time, done late, open and overdue, open in time (one statement)."""
    if not ids:
        return [('on_time', 0), ('late', 0), ('overdue', 0), ('open', 0)]
    done = Task.done_at.is_not(None)
    row = db.session.execute(
        sa.select(
            sa.func.count(sa.case((sa.and_(done, Task.done_at <= Task.due_at), 1))),
            sa.func.count(sa.case((sa.and_(done, Task.done_at > Task.due_at), 1))),
            sa.func.count(sa.case((sa.and_(~done, Task.due_at < now), 1))),
            sa.func.count(sa.case((sa.and_(~done, Task.due_at >= now), 1))),
        )
        .join(Topic, Topic.id == Task.topic_id)
        .where(Topic.community_id.in_(ids), Topic.public.is_(True))
    ).one()
    return list(zip(('on_time', 'late', 'overdue', 'open'), row, strict=True))


def objections(ids: set[int], now: datetime) -> dict[str, int]:
    """Objections to published results: filed, answered, awaiting an answer, and overdue (one statement)."""
    if not ids:
        return {'filed': 0, 'answered': 0, 'waiting': 0, 'overdue': 0}
    answered = Objection.answered_at.is_not(None)
    row = db.session.execute(
        sa.select(
            sa.func.count(Objection.id),
            sa.func.count(sa.case((answered, 1))),
            sa.func.count(sa.case((sa.and_(~answered, Objection.answer_due_at >= now), 1))),
            sa.func.count(sa.case((sa.and_(~answered, Objection.answer_due_at < now), 1))),
        )
        .join(Topic, Topic.id == Objection.topic_id)
        .where(Topic.community_id.in_(ids), Topic.public.is_(True))
    ).one()
    return dict(zip(('filed', 'answered', 'waiting', 'overdue'), row, strict=True))


def suggestion_counts(ids: set[int], now: datetime) -> dict[str, int]:
    """Deputies' suggestions about these communities: sent, awaiting a reply, overdue, replied late."""
    if not ids:
        return {'sent': 0, 'waiting': 0, 'overdue': 0, 'late': 0}
    s = DeputySuggestion
    waiting = s.status == SuggestionStatus.SENT
    row = db.session.execute(
        sa.select(
            sa.func.count(s.id),
            sa.func.count(sa.case((sa.and_(waiting, s.due_at >= now), 1))),
            sa.func.count(sa.case((sa.and_(waiting, s.due_at < now), 1))),
            sa.func.count(sa.case((s.replied_at > s.due_at, 1))),
        ).where(s.community_id.in_(ids))
    ).one()
    return dict(zip(('sent', 'waiting', 'overdue', 'late'), row, strict=True))


def suggestions_page(page: int = 1, *, community_ids=None, deputy_id=None, now: datetime, per_page=PER_PAGE):
    """Suggestions, unanswered overdue ones first, then the newest (a page: two statements)."""
    s = DeputySuggestion
    overdue_first = sa.case((sa.and_(s.status == SuggestionStatus.SENT, s.due_at < now), 0), else_=1)
    query = (
        sa.select(s)
        .options(so.joinedload(s.deputy), so.joinedload(s.community), so.joinedload(s.department))
        .order_by(overdue_first, s.sent_at.desc(), s.id.desc())
    )
    if community_ids is not None:
        query = query.where(s.community_id.in_(community_ids or {0}))
    if deputy_id is not None:
        query = query.where(s.deputy_id == deputy_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def awaiting_reply(department_ids: set[int], committee_ids: set[int], limit: int):
    """Suggestions a person's bodies have yet to answer, the earliest deadline first (one statement)."""
    s = DeputySuggestion
    bodies = []
    if department_ids:
        bodies.append(s.department_id.in_(department_ids))
    if committee_ids:
        bodies.append(sa.and_(s.department_id.is_(None), s.community_id.in_(committee_ids)))
    if not bodies:
        return 0, []
    rows = db.session.execute(
        sa.select(s, sa.func.count().over())
        .where(s.status == SuggestionStatus.SENT, sa.or_(*bodies))
        .order_by(s.due_at, s.id)
        .limit(limit)
    ).all()
    return (rows[0][1] if rows else 0), [row[0] for row in rows]


def awaiting_assessment(deputy_id: int, limit: int):
    """The deputy's suggestions replied to and not yet assessed, oldest reply first (one statement)."""
    s = DeputySuggestion
    rows = db.session.execute(
        sa.select(s, sa.func.count().over())
        .where(s.deputy_id == deputy_id, s.status == SuggestionStatus.REPLIED)
        .order_by(s.replied_at, s.id)
        .limit(limit)
    ).all()
    return (rows[0][1] if rows else 0), [row[0] for row in rows]
