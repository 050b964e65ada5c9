"""The legality check (domain.md rule 5): pass, fail, or a vote the law requires; never by a party to the matter."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.outcomes import operations
from consult.outcomes.models import LegalityCheck
from consult.outcomes.permissions import may_check_legality
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus
from tests.outcomes.conftest import opinion_of
from tests.topics.conftest import LEGALITY
from tests.topics.test_matrix import ROLES

STATES = ['in_consultation', 'opinion_formed', 'legality_reviewed', 'returned', 'pending_vote']
REACHES = {
    'pass': TopicStatus.LEGALITY_REVIEWED,
    'fail': TopicStatus.RETURNED,
    'needs_vote': TopicStatus.PENDING_VOTE,
}


def _checks(db, topic) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LegalityCheck).where(LegalityCheck.topic_id == topic.id)
    )


@pytest.mark.parametrize('state', STATES)
@pytest.mark.parametrize('result', sorted(REACHES))
def test_the_check_by_role_and_state(db, cast, make_topic, state, result):
    """Committee staff or director, on an opinion formed; not the submitter (staff) or the resident it is for."""
    topic = make_topic(state)
    if state == 'opinion_formed':
        opinion_of(topic).consensus = True
        db.session.commit()
    allowed = {'director'} if state == 'opinion_formed' else set()
    for role in ROLES:
        actor = getattr(cast, role)
        assert may_check_legality(actor, topic) == (role in allowed), (role, state)
        before = _checks(db, topic)
        savepoint = db.session.begin_nested()
        refusal = None
        try:
            operations.check_legality(actor, topic, result, **LEGALITY[result])
        except Refusal as exc:
            refusal = exc
        moved_to = topic.status
        savepoint.rollback()
        db.session.expire_all()
        assert (refusal is None) == (role in allowed), (role, state, refusal)
        if refusal is None:
            assert moved_to == REACHES[result]
        else:
            assert topic.status == state
            assert _checks(db, topic) == before
            if role in ('staff', 'resident'):
                assert refusal.code == 'conflict_of_interest'


def test_a_pass_makes_the_result_ready_to_publish_and_locks_the_opinion(db, cast, formed):
    check = operations.check_legality(cast.director, formed, 'pass', reason='未发现与法律法规相抵触')
    db.session.commit()
    assert formed.status == TopicStatus.LEGALITY_REVIEWED
    assert (check.result, check.matter, check.law) == ('pass', None, None)
    assert check.checked_by_id == cast.director.id
    assert check.opinion_id == opinion_of(formed).id
    assert opinion_of(formed).locked


def test_a_fail_names_the_law_and_the_reason_and_returns_the_topic(db, cast, formed):
    for data, code in (
        ({'law': '', 'reason': '与备案规定相抵触'}, 'no_law'),
        ({'law': '《城市居民委员会组织法》第十五条', 'reason': ''}, 'reason_required'),
    ):
        with pytest.raises(Refusal) as refused:
            operations.check_legality(cast.director, formed, 'fail', **data)
        db.session.rollback()
        assert refused.value.code == code
    assert formed.status == TopicStatus.OPINION_FORMED
    check = operations.check_legality(cast.director, formed, 'fail', **LEGALITY['fail'])
    db.session.commit()
    assert formed.status == TopicStatus.RETURNED
    assert check.law == '《城市居民委员会组织法》第十五条'
    assert check.reason == '与居民公约的备案规定相抵触'
    event = db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == formed.id).order_by(TopicEvent.id.desc()).limit(1)
    )
    assert (event.action, event.reason) == ('legality_fail', '与居民公约的备案规定相抵触')


def test_needs_vote_names_the_matter(db, cast, formed):
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'needs_vote')
    db.session.rollback()
    assert refused.value.code == 'no_matter'
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'needs_vote', matter='lottery')
    db.session.rollback()
    assert refused.value.code == 'bad_matter'
    check = operations.check_legality(cast.director, formed, 'needs_vote', matter='compact')
    db.session.commit()
    assert formed.status == TopicStatus.PENDING_VOTE
    assert check.matter == 'compact'


@pytest.mark.parametrize(
    ('matter', 'article'),
    [
        ('all_residents', 'art 10'),
        ('compact', 'art 15'),
        ('fund_raising', 'art 16'),
        ('subsidies', 'art 17'),
        ('committee_members', 'art 10'),
    ],
)
def test_a_matter_for_the_residents_meeting_cannot_pass_without_its_vote(db, cast, formed, matter, article):
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'pass', matter=matter)
    db.session.rollback()
    assert refused.value.code == 'vote_required'
    with force_locale('en'):
        assert f'Urban Residents Committee Organisation Law {article}' in str(refused.value.rule.source)
    assert formed.status == TopicStatus.OPINION_FORMED
    assert not opinion_of(formed).locked


def test_a_matter_named_in_an_earlier_round_still_needs_its_vote(db, cast, formed):
    """Returned with the matter named, consulted again: the second round cannot pass it without the vote."""
    from consult.comments import operations as comments
    from tests.topics.conftest import run_comment_period

    operations.check_legality(cast.director, formed, 'fail', matter='fund_raising', **LEGALITY['fail'])
    db.session.commit()
    run_comment_period(formed, cast.director)
    comments.conclude(cast.director, formed)
    operations.record_opinion(cast.director, formed, True, '修改后的方案')
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'pass')
    db.session.rollback()
    assert refused.value.code == 'vote_required'
    operations.check_legality(cast.director, formed, 'needs_vote', matter='fund_raising')
    db.session.commit()
    assert formed.status == TopicStatus.PENDING_VOTE


def test_an_opinion_without_its_consensus_stated_is_not_checked(db, cast, make_topic):
    topic = make_topic('opinion_formed')  # the comment period's draft: consensus not stated
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, topic, 'pass')
    db.session.rollback()
    assert refused.value.code == 'no_opinion'
    assert topic.status == TopicStatus.OPINION_FORMED


def test_an_unknown_result_is_refused(db, cast, formed):
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'maybe')
    db.session.rollback()
    assert refused.value.code == 'bad_result'


def test_a_second_check_is_refused(db, cast, formed):
    operations.check_legality(cast.director, formed, 'pass')
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'fail', **LEGALITY['fail'])
    db.session.rollback()
    assert refused.value.code == 'wrong_state'
    assert _checks(db, formed) == 1


@pytest.mark.parametrize('result', sorted(REACHES))
def test_the_submitter_and_the_resident_are_told(db, cast, formed, result):
    operations.check_legality(cast.director, formed, result, **LEGALITY[result])
    db.session.commit()
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.topic_id == formed.id, Notification.kind == f'legality_{result}'
            )
        )
    )
    assert told == {cast.staff.id, cast.resident.id}


def test_a_returned_topic_is_consulted_again_through_a_comment_period(db, cast, make_topic):
    from consult.comments import operations as comments

    topic = make_topic('returned')
    comments.open_period(cast.director, topic, 7)
    db.session.commit()
    assert topic.status == TopicStatus.IN_CONSULTATION


def test_a_returned_topic_is_consulted_again_through_a_meeting(db, cast, make_topic):
    from consult.kernel.actions import may
    from consult.kernel.clock import utcnow
    from consult.meetings import operations as mops
    from consult.meetings import roster
    from tests.meetings.conftest import LONG_AGO
    from tests.meetings.conftest import schedule_data

    topic = make_topic('returned')
    assert may(cast.staff, 'meeting.schedule', topic)
    meeting = mops.schedule(cast.staff, topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, meeting, 'adults', False)
    mops.add_material(cast.staff, meeting, '修改后的方案', '方案二')
    mops.send_notice(cast.staff, meeting, now=utcnow() - LONG_AGO)
    mops.send_materials(cast.staff, meeting, now=utcnow() - LONG_AGO)
    db.session.commit()
    mops.open_meeting(cast.director, meeting)
    db.session.commit()
    assert topic.status == TopicStatus.IN_CONSULTATION
    event = db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id.desc()).limit(1)
    )
    assert (event.action, event.from_status) == ('open_session', 'returned')


@pytest.mark.parametrize(
    ('data', 'code'),
    [
        ({'law': '法' * 201}, 'too_long'),
        ({'reason': '因' * 2001}, 'too_long'),
    ],
)
def test_oversized_input_is_refused_and_nothing_changes(db, cast, formed, data, code):
    with pytest.raises(Refusal) as refused:
        operations.check_legality(cast.director, formed, 'pass', **data)
    db.session.rollback()
    assert refused.value.code == code
    assert formed.status == TopicStatus.OPINION_FORMED
    assert _checks(db, formed) == 0
