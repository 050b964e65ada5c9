"""Sign-in, quorum against the frozen roster, and closing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.meetings import checkin
from consult.meetings import operations as ops
from consult.meetings.models import Attendance
from consult.meetings.quorum import quorum_status
from consult.topics.models import TopicStatus


def _present(db, meeting):
    return set(db.session.scalars(sa.select(Attendance.user_id).where(Attendance.meeting_id == meeting.id)))


def test_qr_code_works_now_and_for_one_more_window_only(db, cast, open_meeting):
    now = utcnow()
    code = checkin.code_for(open_meeting, now)
    assert checkin.code_valid(open_meeting, code, now)
    assert checkin.code_valid(open_meeting, code, now + timedelta(seconds=checkin.WINDOW_SECONDS))
    assert not checkin.code_valid(open_meeting, code, now + timedelta(seconds=2 * checkin.WINDOW_SECONDS))
    assert not checkin.code_valid(open_meeting, 'x' * 16, now)
    assert not checkin.code_valid(open_meeting, None, now)


def test_qr_sign_in_moves_the_quorum(db, cast, open_meeting):
    rules = open_meeting.rule_set
    assert quorum_status(open_meeting, rules).as_dict() == {'present': 0, 'members': 4, 'required': 3, 'met': False}
    for person in (cast.resident, cast.neighbour):
        checkin.check_in_by_code(person, open_meeting, checkin.code_for(open_meeting))
    db.session.commit()
    status = quorum_status(open_meeting, rules)
    assert (status.present, status.met) == (2, False)  # 2 of 4 is not more than half
    checkin.check_in_by_code(cast.neighbour2, open_meeting, checkin.code_for(open_meeting))
    assert quorum_status(open_meeting, rules).met
    assert checkin.check_in_by_code(cast.neighbour2, open_meeting, checkin.code_for(open_meeting)) is None


def test_sign_in_refusals(db, cast, open_meeting, make_meeting):
    with pytest.raises(Refusal) as refused:
        checkin.check_in_by_code(cast.outsider, open_meeting, checkin.code_for(open_meeting))
    assert refused.value.code == 'not_participant'
    old = checkin.code_for(open_meeting, utcnow() - timedelta(seconds=3 * checkin.WINDOW_SECONDS))
    with pytest.raises(Refusal) as refused:
        checkin.check_in_by_code(cast.resident, open_meeting, old)
    assert refused.value.code == 'bad_code'
    with pytest.raises(Refusal) as refused:
        checkin.mark_present(cast.resident, open_meeting, cast.neighbour)
    assert refused.value.code == 'forbidden'
    checkin.mark_present(cast.staff, open_meeting, cast.neighbour)
    assert _present(db, open_meeting) == {cast.neighbour.id}
    later = make_meeting(starts_at=utcnow() + timedelta(hours=3))
    with pytest.raises(Refusal) as refused:
        checkin.check_in_by_code(cast.resident, later, checkin.code_for(later))
    assert refused.value.code == 'closed'


def test_representatives_meeting_quorum_is_two_thirds_inclusive(db, cast, make_meeting):
    meeting = make_meeting(kind='representatives_meeting')
    ops.open_meeting(cast.director, meeting)
    for person in (cast.resident, cast.neighbour):
        checkin.mark_present(cast.staff, meeting, person)
    status = quorum_status(meeting, meeting.rule_set)
    assert (status.present, status.required, status.met) == (2, 3, False)  # 2/3 of 4 is 2.67: 3 needed
    checkin.mark_present(cast.staff, meeting, cast.neighbour2)
    assert quorum_status(meeting, meeting.rule_set).met


def test_hearing_has_no_quorum_rule(db, cast, make_meeting):
    meeting = make_meeting(kind='hearing')
    status = quorum_status(meeting, ops._rules(meeting.community))
    assert status.required is None
    assert status.met


def test_closing_needs_attendance_minutes_and_for_an_opinion_the_quorum(db, cast, open_meeting):
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.resident, open_meeting, 'consensus', '同意')
    assert refused.value.code == 'forbidden'
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.director, open_meeting, 'consensus', '同意')
    assert refused.value.code == 'no_attendance'
    checkin.mark_present(cast.staff, open_meeting, cast.resident)
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.director, open_meeting, 'consensus', '同意')
    assert refused.value.code == 'no_minutes'
    with pytest.raises(Refusal) as refused:
        ops.save_minutes(cast.resident, open_meeting, '记录', 0)
    assert refused.value.code == 'forbidden'
    ops.save_minutes(cast.staff, open_meeting, '会议记录：讨论了三个方案。', 0)
    with pytest.raises(Refusal) as refused:
        ops.save_minutes(cast.staff, open_meeting, '旧版本覆盖', 0)
    assert refused.value.code == 'conflict'
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.director, open_meeting, 'consensus', '同意')
    assert refused.value.code == 'no_quorum'
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.director, open_meeting, 'consensus', '  ')
    assert refused.value.code == 'reason_required'
    for person in (cast.neighbour, cast.neighbour2):
        checkin.mark_present(cast.staff, open_meeting, person)
    ops.close_meeting(cast.director, open_meeting, 'consensus', '同意方案二')
    db.session.commit()
    assert open_meeting.status == 'closed'
    assert open_meeting.topic.status == TopicStatus.OPINION_FORMED


def test_a_failed_quorum_sends_the_topic_back_to_be_rescheduled(db, cast, open_meeting):
    checkin.mark_present(cast.staff, open_meeting, cast.resident)
    ops.save_minutes(cast.staff, open_meeting, '到会人数不足', 0)
    ops.close_meeting(cast.director, open_meeting, 'quorum_failed', '到会不足半数')
    db.session.commit()
    assert open_meeting.topic.status == TopicStatus.ANNOUNCED
    again = ops.schedule(
        cast.staff,
        open_meeting.topic,
        {
            'title': '第二次',
            'kind': 'residents_meeting',
            'form': 'online',
            'starts_at': utcnow(),
            'chair_id': cast.director.id,
            'secretary_id': cast.staff.id,
            'agenda': '讨论 | 30',
        },
    )
    assert again.id != open_meeting.id
