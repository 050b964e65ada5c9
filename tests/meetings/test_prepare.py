"""Scheduling, roster criteria, notice and materials periods, opening, freezing, join requests."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.meetings import operations as ops
from consult.meetings import roster
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingStatus
from consult.meetings.models import Participant
from consult.topics.models import TopicStatus
from tests.meetings.conftest import schedule_data


def _kinds(db, meeting):
    return dict(
        db.session.execute(
            sa.select(Participant.user_id, Participant.kind).where(Participant.meeting_id == meeting.id)
        ).all()
    )


def test_only_the_committee_schedules_and_only_announced_topics(db, cast, announced, make_topic):
    with pytest.raises(Refusal) as refused:
        ops.schedule(cast.resident, announced, schedule_data(cast))
    assert refused.value.code == 'forbidden'
    with pytest.raises(Refusal) as refused:
        ops.schedule(cast.staff, make_topic('screening'), schedule_data(cast))
    assert refused.value.code == 'wrong_state'
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


@pytest.mark.parametrize(
    ('agenda', 'ok'),
    [
        ('议程 | 240', True),
        ('议程 | 241', False),
        ('议程 | 0', False),
        ('议程 | 十', False),
        ('', False),
        ('甲\n' * 21, False),
    ],
)
def test_agenda_lines_are_checked(db, cast, announced, agenda, ok):
    if ok:
        meeting = ops.schedule(cast.staff, announced, schedule_data(cast, agenda=agenda))
        assert [(i.title, i.minutes) for i in meeting.items] == [('议程', 240)]
    else:
        with pytest.raises(Refusal) as refused:
            ops.schedule(cast.staff, announced, schedule_data(cast, agenda=agenda))
        assert refused.value.code == 'bad_agenda'


def test_onsite_needs_a_place(db, cast, announced):
    with pytest.raises(Refusal) as refused:
        ops.schedule(cast.staff, announced, schedule_data(cast, form='onsite', place=''))
    assert refused.value.code == 'no_place'


def test_roster_criteria_adults_households_representatives(db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    kinds = _kinds(db, meeting)
    adults = {cast.resident.id, cast.neighbour.id, cast.neighbour2.id, cast.representative.id}
    assert set(kinds) == adults  # the minor, the outsider and role holders without residence are not on it
    assert kinds[cast.representative.id] == 'representative'
    assert roster.build_from_criteria(cast.staff, meeting, 'adults', False) == 0  # nothing twice

    other = ops.schedule(cast.staff, meeting.topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, other, 'representatives', False)
    assert _kinds(db, other) == {cast.representative.id: 'representative'}


def test_one_adult_per_household(db, cast, make_resident, make_meeting):
    from consult.residency.models import Membership

    household = db.session.scalar(sa.select(Membership).where(Membership.user_id == cast.resident.id)).household
    spouse = make_resident(household)
    meeting = make_meeting(ready=False)
    other = ops.schedule(cast.staff, meeting.topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, other, 'households', False)
    kinds = _kinds(db, other)
    assert len({cast.resident.id, spouse.id} & set(kinds)) == 1
    assert set(kinds.values()) <= {'household_rep', 'representative'}


def test_add_by_capacity_checks_the_role(db, cast, make_user, grant, make_meeting):
    from consult.roles.models import Role
    from consult.roles.permissions import forget_grants

    meeting = make_meeting(ready=False)
    expert = make_user()
    with pytest.raises(Refusal) as refused:
        roster.add_participant(cast.staff, meeting, expert, 'expert')
    assert refused.value.code == 'no_role'
    grant(expert, Role.EXPERT, community=cast.place.a)
    forget_grants(expert)
    roster.add_participant(cast.staff, meeting, expert, 'expert')
    with pytest.raises(Refusal) as refused:
        roster.add_participant(cast.staff, meeting, expert, 'observer')
    assert refused.value.code == 'duplicate'
    with pytest.raises(Refusal) as refused:
        roster.add_participant(cast.staff, meeting, make_user(), 'unit', organisation='')
    assert refused.value.code == 'no_organisation'
    roster.add_participant(cast.staff, meeting, cast.deputy, 'observer')
    kinds = _kinds(db, meeting)
    assert kinds[expert.id] == 'expert'
    assert kinds[cast.deputy.id] == 'observer'


@pytest.mark.parametrize(
    ('field', 'days_key'), [('notice_sent_at', 'notice_days'), ('materials_sent_at', 'materials_days')]
)
def test_opening_waits_for_the_notice_and_materials_periods_to_the_second(db, cast, make_meeting, field, days_key):
    meeting = make_meeting()
    rules = ops._rules(meeting.community)
    now = utcnow()
    setattr(meeting, field, now - timedelta(days=rules.number(days_key)) + timedelta(seconds=1))
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        ops.open_meeting(cast.director, meeting, now=now)
    assert refused.value.code == days_key.split('_')[0]
    assert refused.value.rule.code == {'notice_days': 'meeting_notice', 'materials_days': 'meeting_materials'}[days_key]
    setattr(meeting, field, now - timedelta(days=rules.number(days_key)))
    db.session.commit()
    ops.open_meeting(cast.director, meeting, now=now)
    assert meeting.status == MeetingStatus.OPEN


def test_opening_needs_notice_materials_and_the_topic_publicity_over(db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    with pytest.raises(Refusal) as refused:
        ops.open_meeting(cast.director, meeting)
    assert refused.value.code == 'notice'
    meeting.topic.publicity_ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        ops.open_meeting(cast.director, meeting)
    assert refused.value.code == 'publicity_not_over'


def test_opening_freezes_the_roster_and_moves_the_topic(db, cast, make_meeting, make_user):
    meeting = make_meeting()
    ops.open_meeting(cast.director, meeting)
    db.session.commit()
    assert meeting.topic.status == TopicStatus.IN_CONSULTATION
    assert meeting.rule_set_id is not None
    for attempt in (
        lambda: roster.add_participant(cast.staff, meeting, cast.deputy, 'observer'),
        lambda: roster.build_from_criteria(cast.staff, meeting, 'adults', False),
        lambda: ops.send_notice(cast.staff, meeting),
    ):
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.code == 'frozen'
    with pytest.raises(Refusal):
        ops.open_meeting(cast.director, meeting)


def test_requests_to_join(db, cast, make_user, make_resident, make_meeting):
    meeting = make_meeting(ready=False)
    newcomer = make_resident(cast.place.households(cast.place.a)[9])
    assert newcomer.id not in _kinds(db, meeting)  # verified after the roster was built
    with pytest.raises(Refusal) as refused:
        roster.request_to_join(cast.outsider, meeting, '我关心')
    assert refused.value.code == 'not_resident'
    with pytest.raises(Refusal) as refused:
        roster.request_to_join(cast.resident, meeting, '我关心')
    assert refused.value.code == 'duplicate'
    with pytest.raises(Refusal) as refused:
        roster.request_to_join(newcomer, meeting, '   ')
    assert refused.value.code == 'reason_required'
    join = roster.request_to_join(newcomer, meeting, '我住在隔壁')
    with pytest.raises(Refusal) as refused:
        roster.request_to_join(newcomer, meeting, '再问一次')
    assert refused.value.code == 'duplicate'
    with pytest.raises(Refusal) as refused:
        roster.decide_join(cast.staff, join, False, '')
    assert refused.value.code == 'reason_required'
    roster.decide_join(cast.staff, join, True, '')
    assert _kinds(db, meeting)[newcomer.id] == 'resident'
    with pytest.raises(Refusal):
        roster.decide_join(cast.staff, join, True, '')


def test_notice_notifies_the_roster(db, cast, make_meeting):
    from consult.notifications.models import Notification

    meeting = make_meeting()
    notified = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.topic_id == meeting.topic_id, Notification.kind == 'meeting_notice'
            )
        )
    )
    assert notified == set(_kinds(db, meeting))
