"""A deciding vote's result moves its topic out of PENDING_VOTE; nothing else does (domain.md rule 3)."""

import pytest
import sqlalchemy as sa

from consult.kernel.refusals import Refusal
from consult.topics import states
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus
from consult.votes import operations as vops
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from tests.outcomes.conftest import deciding_vote

FOR, AGAINST = 0, 1


def _last_event(db, topic) -> TopicEvent:
    return db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id.desc()).limit(1)
    )


def test_a_passed_deciding_vote_makes_the_result_ready_to_publish(db, cast, make_topic, adults):
    topic = make_topic('pending_vote')
    vote = deciding_vote(db, cast, topic, [(u, FOR) for u in adults[:3]])
    assert vote.decides
    assert vote.quorum_met
    assert vote.adopted
    db.session.refresh(topic)
    assert topic.status == TopicStatus.LEGALITY_REVIEWED
    event = _last_event(db, topic)
    assert (event.action, event.actor_id, event.actor_role) == ('vote_passed', None, 'system')
    assert event.reason == vote.title


def test_a_deciding_vote_that_does_not_pass_closes_the_matter_not_adopted(db, cast, make_topic, adults):
    topic = make_topic('pending_vote')
    vote = deciding_vote(db, cast, topic, [(u, AGAINST) for u in adults[:3]])
    assert vote.quorum_met
    assert not vote.adopted
    db.session.refresh(topic)
    assert topic.status == TopicStatus.CLOSED_NOT_ADOPTED
    assert _last_event(db, topic).action == 'vote_failed'


def test_a_failed_quorum_keeps_the_topic_waiting_and_says_so_on_the_timeline(db, cast, make_topic, adults):
    topic = make_topic('pending_vote')
    vote = deciding_vote(db, cast, topic, [(adults[0], FOR)])
    assert not vote.quorum_met
    db.session.refresh(topic)
    assert topic.status == TopicStatus.PENDING_VOTE
    event = _last_event(db, topic)
    assert (event.action, event.from_status, event.to_status) == ('vote_quorum_failed', 'pending_vote', 'pending_vote')
    # Reconvened: a second deciding vote decides it.
    deciding_vote(db, cast, topic, [(u, FOR) for u in adults[:3]])
    db.session.refresh(topic)
    assert topic.status == TopicStatus.LEGALITY_REVIEWED


def test_a_vote_that_decides_nothing_moves_nothing(db, cast, voters, make_vote):
    vote = make_vote()
    topic = vote.topic
    assert not vote.decides
    before = topic.status
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    db.session.refresh(topic)
    assert vote.adopted
    assert topic.status == before == TopicStatus.IN_CONSULTATION


def test_a_meetings_deciding_vote_moves_the_topic(db, cast, make_topic, adults):
    """A residents' meeting convened on the waiting topic votes on the motion during its session."""
    from consult.kernel.clock import utcnow
    from consult.meetings import checkin
    from consult.meetings import operations as mops
    from consult.meetings import roster
    from tests.meetings.conftest import LONG_AGO
    from tests.meetings.conftest import schedule_data

    topic = make_topic('pending_vote')
    meeting = mops.schedule(cast.staff, topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, meeting, 'adults', False)
    mops.add_material(cast.staff, meeting, '筹资方案', '每户分摊')
    mops.send_notice(cast.staff, meeting, now=utcnow() - LONG_AGO)
    mops.send_materials(cast.staff, meeting, now=utcnow() - LONG_AGO)
    db.session.commit()
    mops.open_meeting(cast.director, meeting)
    db.session.commit()
    assert topic.status == TopicStatus.PENDING_VOTE  # opening the vote's meeting starts no new consultation
    for user in adults:
        checkin.mark_present(cast.staff, meeting, user)
    db.session.commit()
    vote = vops.create_vote(cast.director, topic, {'title': '筹资表决', 'kind': 'motion'}, meeting=meeting)
    db.session.commit()
    assert vote.decides
    vops.open_vote(cast.director, vote)
    db.session.commit()
    for user in adults[:3]:
        cast_ballot(user, vote, [FOR])
    close_vote(cast.director, vote)
    db.session.commit()
    db.session.refresh(topic)
    assert vote.quorum_met
    assert vote.adopted
    assert topic.status == TopicStatus.LEGALITY_REVIEWED


@pytest.mark.parametrize('step', ['vote_passed', 'vote_failed', 'vote_quorum_failed'])
def test_no_one_takes_a_vote_step_and_the_system_only_with_the_deciding_votes_result(db, cast, make_topic, step):
    topic = make_topic('pending_vote')
    for person in (cast.director, cast.staff, cast.party):
        with pytest.raises(Refusal) as refused:
            states.apply(topic, step, person)
        db.session.rollback()
        assert refused.value.code == 'forbidden'
    with pytest.raises(Refusal) as refused:
        states.apply(topic, step, None)
    db.session.rollback()
    assert refused.value.code == 'no_deciding_vote'
    assert refused.value.rule is not None
    db.session.refresh(topic)
    assert topic.status == TopicStatus.PENDING_VOTE


def test_a_vote_step_does_not_take_another_votes_result(db, cast, make_topic, adults):
    """The system step needs the result it names: a passed vote cannot be taken as ``vote_failed``."""
    topic = make_topic('pending_vote')
    other = make_topic('pending_vote')
    vote = deciding_vote(db, cast, other, [(u, FOR) for u in adults[:3]])
    for step in ('vote_passed', 'vote_failed'):
        with pytest.raises(Refusal) as refused:
            states.apply(topic, step, None, vote=vote)  # another topic's vote
        db.session.rollback()
        assert refused.value.code == 'no_deciding_vote'


def test_a_matter_is_decided_by_one_vote_at_a_time(db, cast, make_topic, adults):
    """A second deciding vote of the same topic does not open while the first is open; it may once that closed."""
    from datetime import timedelta

    from consult.kernel.clock import utcnow

    topic = make_topic('pending_vote')
    now = utcnow()
    data = {
        'kind': 'motion',
        'rule_kind': 'residents_meeting',
        'electorate_mode': 'adults',
        'opens_at': now,
        'closes_at': now + timedelta(days=3),
    }
    first = vops.create_vote(cast.director, topic, {**data, 'title': '第一次表决'})
    second = vops.create_vote(cast.director, topic, {**data, 'title': '第二次表决'})
    db.session.commit()
    vops.open_vote(None, first)
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        vops.open_vote(None, second)
    db.session.rollback()
    assert refused.value.code == 'other_deciding'
    assert refused.value.rule.code == 'vote_decides_matter'
    close_vote(cast.director, first)
    db.session.commit()
    db.session.refresh(topic)
    assert topic.status == TopicStatus.PENDING_VOTE  # nobody voted: no quorum, the meeting is reconvened
    vops.open_vote(None, second)
    db.session.commit()
    assert second.status == 'open'
