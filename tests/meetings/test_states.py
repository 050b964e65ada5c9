"""The meeting's state machine (consult/meetings/states.py): cancelling is guarded like opening and closing."""

import pytest
import sqlalchemy as sa

from consult.kernel.actions import may
from consult.kernel.refusals import Refusal
from consult.meetings import operations as ops
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingEvent
from consult.meetings.models import MeetingStatus


def _log(db, meeting) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(MeetingEvent.action).where(MeetingEvent.meeting_id == meeting.id).order_by(MeetingEvent.id)
        )
    )


def test_cancelling_a_meeting_another_request_opened_is_refused(db, cast, make_meeting):
    meeting = make_meeting()
    assert meeting.status == MeetingStatus.SCHEDULED  # loaded by this request
    db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id).values(status=MeetingStatus.OPEN),
        execution_options={'synchronize_session': False},
    )
    with pytest.raises(Refusal) as refused:
        ops.cancel_meeting(cast.staff, meeting, '场地不可用')
    assert refused.value.code == 'conflict'
    assert db.session.scalar(sa.select(Meeting.status).where(Meeting.id == meeting.id)) == MeetingStatus.OPEN
    assert 'cancelled' not in _log(db, meeting)


def test_cancel_logs_its_reason(db, cast, make_meeting):
    meeting = make_meeting()
    assert may(cast.staff, 'meeting.cancel', meeting)
    ops.cancel_meeting(cast.staff, meeting, '场地不可用')
    db.session.commit()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == '场地不可用'
    event = db.session.scalars(sa.select(MeetingEvent).where(MeetingEvent.meeting_id == meeting.id)).all()[-1]
    assert (event.action, event.detail, event.actor_id) == ('cancelled', '场地不可用', cast.staff.id)
    assert not may(cast.staff, 'meeting.cancel', meeting)
    assert not may(cast.director, 'meeting.open', meeting)


def test_the_steps_are_actions_for_their_people(db, cast, make_meeting):
    meeting = make_meeting()
    assert may(cast.director, 'meeting.open', meeting)  # the chair
    assert may(cast.staff, 'meeting.open', meeting)  # the committee
    assert not may(cast.resident, 'meeting.open', meeting)
    assert not may(cast.director, 'meeting.close', meeting)  # not open yet
