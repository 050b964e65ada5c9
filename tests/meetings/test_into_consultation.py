"""Both ways into consultation share one publicity guard; people added late get the notice and materials."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.comments import operations as comments
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.meetings import operations as ops
from consult.meetings import roster
from consult.notifications.models import Notification
from consult.roles.models import Role
from consult.roles.permissions import forget_grants
from consult.topics import guards as tg
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.topics.states import TRANSITIONS
from tests import support


def test_one_publicity_guard_is_registered_on_both_steps():
    assert tg.publicity_ended in TRANSITIONS['open_session'].guards
    assert tg.publicity_ended in TRANSITIONS['open_comments'].guards


def _publicity_ends(db, topic, at):
    db.session.execute(sa.update(Topic).where(Topic.id == topic.id).values(publicity_ends_at=at))
    db.session.commit()
    db.session.refresh(topic)


def _open(step, cast, meeting):
    if step == 'open_session':
        return ops.open_meeting(cast.director, meeting)
    return comments.open_period(cast.staff, meeting.topic, 14)


@pytest.mark.parametrize('step', ['open_session', 'open_comments'])
def test_neither_step_opens_consultation_during_the_publicity_period(db, cast, make_meeting, step):
    meeting = make_meeting()
    _publicity_ends(db, meeting.topic, utcnow() + timedelta(hours=1))
    with pytest.raises(Refusal) as refused:
        _open(step, cast, meeting)
    assert refused.value.code == 'publicity_not_over'
    assert refused.value.rule is tg.TOPIC_PUBLICITY
    db.session.rollback()
    assert db.session.get(Topic, meeting.topic_id).status == TopicStatus.ANNOUNCED
    _publicity_ends(db, meeting.topic, utcnow() - timedelta(seconds=1))
    _open(step, cast, meeting)
    assert meeting.topic.status == TopicStatus.IN_CONSULTATION


def _kinds_of(db, user):
    return sorted(
        db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == user.id, Notification.kind.like('meeting_%'))
        )
    )


def test_a_person_added_after_the_notice_gets_the_notice_only(db, cast, make_meeting, make_resident):
    meeting = make_meeting(ready=False)
    ops.send_notice(cast.staff, meeting)
    late = make_resident(cast.place.households(cast.place.a)[9])
    roster.add_participant(cast.staff, meeting, late, 'resident')
    assert _kinds_of(db, late) == ['meeting_notice']


@pytest.mark.parametrize('path', ['staff', 'criteria', 'request', 'expert'])
def test_every_path_onto_the_roster_sends_what_was_already_sent(db, cast, make_meeting, make_resident, grant, path):
    meeting = make_meeting()  # notice and materials sent
    late = make_resident(cast.place.households(cast.place.a)[9])
    assert _kinds_of(db, late) == []
    if path == 'staff':
        roster.add_participant(cast.staff, meeting, late, 'household_rep')
    elif path == 'criteria':
        assert roster.build_from_criteria(cast.staff, meeting, 'adults', False) == 1
    elif path == 'request':
        roster.decide_join(cast.staff, roster.request_to_join(late, meeting, '我住在隔壁'), True, '')
    else:
        grant(late, Role.EXPERT, community=cast.place.a)
        forget_grants(late)
        roster.add_participant(cast.staff, meeting, late, 'expert')
    assert _kinds_of(db, late) == ['meeting_materials', 'meeting_notice']
    assert _kinds_of(db, cast.resident) == ['meeting_materials', 'meeting_notice']  # nobody is told twice


def test_no_notice_before_it_is_sent(db, cast, make_meeting, make_resident):
    meeting = make_meeting(ready=False)
    late = make_resident(cast.place.households(cast.place.a)[9])
    roster.add_participant(cast.staff, meeting, late, 'resident')
    assert _kinds_of(db, late) == []


def test_latecomers_are_mailed_after_the_commit_as_the_roster_was(
    app, db, cast, make_meeting, make_resident, monkeypatch
):
    server = support.MailServer().start()
    try:
        monkeypatch.setitem(app.config, 'MAIL_SERVER', server.host)
        monkeypatch.setitem(app.config, 'MAIL_PORT', server.port)
        cast.resident.email = 'resident@example.org'
        db.session.commit()
        meeting = make_meeting()
        assert sorted(server.recipients()) == ['resident@example.org'] * 2  # the notice and the materials
        late = make_resident(cast.place.households(cast.place.a)[9], email='late@example.org')
        roster.add_participant(cast.staff, meeting, late, 'resident')
        assert server.recipients().count('late@example.org') == 0  # not before the commit
        db.session.commit()
        assert server.recipients().count('late@example.org') == 2
        assert server.recipients().count('resident@example.org') == 2
        subjects = [message['Subject'] for _sender, rcpts, message in server.messages if 'late@example.org' in rcpts]
        assert all(meeting.title in subject for subject in subjects)
    finally:
        server.stop()
