"""The dashboard's figures from real rows: participation and quorum per month, implementation on time and late,
objections, suggestions; each a fixed number of statements."""

from datetime import timedelta

import sqlalchemy as sa

from consult.deputies import queries
from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow
from consult.meetings import checkin
from consult.meetings import operations as meetings
from consult.meetings.minutes import save_minutes
from consult.meetings.models import VOTING_KINDS
from consult.meetings.models import Participant


def test_participation_and_quorum_per_month(db, cast, open_meeting, count_queries):
    voters = db.session.scalar(
        sa.select(sa.func.count(Participant.id)).where(
            Participant.meeting_id == open_meeting.id, Participant.kind.in_(VOTING_KINDS)
        )
    )
    present = [cast.resident, cast.neighbour, cast.neighbour2]
    for person in present:
        checkin.mark_present(cast.staff, open_meeting, person)
    save_minutes(cast.staff, open_meeting, '讨论了方案。', open_meeting.minutes_rev)
    meetings.close_meeting(cast.director, open_meeting, 'consensus', '同意')
    db.session.commit()
    ids = {cast.place.a.id}
    with count_queries() as counter:
        months = queries.participation(ids, utcnow())
    assert counter.count == 1
    assert len(months) == 1
    month = months[0]
    assert month.month == open_meeting.closed_at.astimezone(CITY_ZONE).strftime('%Y-%m')
    assert (month.meetings, month.quorum) == (1, 100)
    assert month.participation == round(100 * len(present) / voters)
    assert queries.participation({cast.place.b.id}, utcnow()) == []


def test_implementation_objections_and_suggestions_are_counted(db, cast, published, send):
    from consult.disclosure import operations as disclosure
    from consult.implementation.models import Task

    now = utcnow()
    for done, due in (
        (now - timedelta(days=2), now - timedelta(days=1)),
        (now, now - timedelta(days=1)),
        (None, now - timedelta(days=1)),
        (None, now + timedelta(days=3)),
    ):
        db.session.add(
            Task(
                topic_id=published.id,
                title='任务',
                owner='committee',
                due_at=due,
                report_due_at=due,
                created_by_id=cast.staff.id,
                done_at=done,
            )
        )
    disclosure.file_objection(cast.resident, published, '分摊方案对一楼住户不公平，应重新协商。')
    late = send()
    late.due_at = now - timedelta(days=1)
    send()
    db.session.commit()
    ids = {cast.place.a.id}
    assert dict(queries.implementation_timeliness(ids, utcnow())) == {'on_time': 1, 'late': 1, 'overdue': 1, 'open': 1}
    assert queries.objections(ids, utcnow()) == {'filed': 1, 'answered': 0, 'waiting': 1, 'overdue': 0}
    assert queries.suggestion_counts(ids, utcnow()) == {'sent': 2, 'waiting': 1, 'overdue': 1, 'late': 0}
    assert queries.stages(queries.topics_by_state(ids))[3] == ('published', 1)
