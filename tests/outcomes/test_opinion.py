"""The consultation opinion: drafted when the topic forms it, recorded by the committee, locked by the check."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from consult.kernel.refusals import Refusal
from consult.outcomes import operations
from consult.outcomes.models import Opinion
from consult.outcomes.models import OpinionCorrection
from consult.outcomes.permissions import may_record_opinion
from consult.topics.models import TopicEvent
from tests.outcomes.conftest import OPINION
from tests.outcomes.conftest import opinion_of
from tests.topics.test_matrix import ROLES

#: Where recording the opinion is possible: the opinion formed and not yet checked.
STATES = ['in_consultation', 'opinion_formed', 'legality_reviewed', 'returned', 'pending_vote']


def _opinions(db, topic) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).where(Opinion.topic_id == topic.id))


def test_a_comment_period_drafts_the_opinion_from_its_summary(db, cast, make_topic):
    topic = make_topic('opinion_formed')
    opinion = opinion_of(topic)
    assert opinion.round == 1
    assert opinion.text == '多数居民**赞成**。'
    assert '<strong>赞成</strong>' in opinion.text_html
    assert opinion.consensus is None  # a summary does not say: the committee states it
    assert not opinion.complete
    assert opinion.comment_period_id is not None
    assert opinion.meeting_id is None
    assert opinion.recorded_by_id == cast.staff.id


def test_a_meeting_closed_with_consensus_drafts_the_opinion_from_its_conclusion(db, cast, voters, make_vote):
    from consult.meetings import checkin
    from consult.meetings import operations as mops
    from consult.votes.ballots import cast_ballot
    from consult.votes.closing import close_vote

    vote = make_vote()
    meeting = vote.meeting
    for user in voters:
        checkin.mark_present(cast.staff, meeting, user)
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    close_vote(cast.director, vote)
    meeting.minutes = '会议记录'
    db.session.commit()
    mops.close_meeting(cast.director, meeting, 'consensus', '同意加装电梯')
    db.session.commit()
    opinion = opinion_of(meeting.topic)
    assert meeting.topic.status == 'opinion_formed'
    assert opinion.text == '同意加装电梯'
    assert opinion.consensus is True
    assert opinion.meeting_id == meeting.id
    assert [v.id for v in opinion.votes] == [vote.id]  # the meeting's closed votes are relied on
    assert opinion.recorded_by_id == cast.director.id


@pytest.mark.parametrize('state', STATES)
def test_recording_the_opinion_by_role_and_state(db, cast, make_topic, state):
    """The committee records it while the opinion is formed; never the submitter (staff) or the resident it is for."""
    topic = make_topic(state)
    allowed = {'director'} if state == 'opinion_formed' else set()
    for role in ROLES:
        actor = getattr(cast, role)
        assert may_record_opinion(actor, topic) == (role in allowed), (role, state)
        savepoint = db.session.begin_nested()
        refusal = None
        try:
            operations.record_opinion(actor, topic, True, OPINION)
        except Refusal as exc:
            refusal = exc
        savepoint.rollback()
        db.session.expire_all()
        assert (refusal is None) == (role in allowed), (role, state, refusal)
        if role in ('staff', 'resident') and state == 'opinion_formed':
            assert refusal.code == 'conflict_of_interest'
            with force_locale('en'):
                assert 'Electoral Law art 43' in str(refusal.rule.source)


def test_the_committee_records_consensus_dissent_and_the_votes_relied_on(db, cast, make_topic, adults):
    from tests.outcomes.conftest import deciding_vote

    topic = make_topic('opinion_formed')
    other = make_topic('pending_vote')
    foreign = deciding_vote(db, cast, other, [(u, 0) for u in adults[:3]])
    with pytest.raises(Refusal) as refused:
        operations.record_opinion(cast.director, topic, False, OPINION, [], [foreign.id])
    db.session.rollback()
    assert refused.value.code == 'bad_vote'
    opinion = operations.record_opinion(cast.director, topic, False, OPINION, ['  一楼住户反对 ', '', '<b>二楼</b>'])
    db.session.commit()
    assert opinion.consensus is False
    assert opinion.dissent == ['一楼住户反对', '二楼']
    assert opinion.edited_by_id == cast.director.id
    assert opinion.round == 1
    assert _opinions(db, topic) == 1  # the draft was edited, not doubled
    event = db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id.desc()).limit(1)
    )
    assert event.action == 'opinion_recorded'


@pytest.mark.parametrize(
    ('consensus', 'text', 'dissent', 'code'),
    [
        (None, OPINION, [], 'no_consensus'),
        (True, '   ', [], 'no_text'),
        (True, 'x' * 20001, [], 'too_long'),
        (True, OPINION, ['意见'] * 51, 'too_many'),
        (True, OPINION, ['长' * 2001], 'too_long'),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(db, cast, make_topic, consensus, text, dissent, code):
    topic = make_topic('opinion_formed')
    with pytest.raises(Refusal) as refused:
        operations.record_opinion(cast.director, topic, consensus, text, dissent)
    db.session.rollback()
    assert refused.value.code == code
    assert refused.value.rule is not None
    assert opinion_of(topic).text == '多数居民**赞成**。'
    assert opinion_of(topic).consensus is None


def test_the_chair_of_the_meeting_it_came_from_records_it(db, cast, make_topic, make_user, grant):
    from consult.meetings.models import Meeting

    topic = make_topic('opinion_formed')
    chair = make_user()
    meeting = Meeting(
        topic=topic,
        community=topic.community,
        title='议事会',
        kind='residents_meeting',
        form='online',
        starts_at=topic.created_at,
        chair_id=chair.id,
        secretary_id=cast.staff.id,
        created_by_id=cast.staff.id,
        checkin_secret='x' * 64,
    )
    db.session.add(meeting)
    db.session.flush()
    assert not may_record_opinion(chair, topic)  # the opinion came from the comment period
    opinion_of(topic).meeting_id = meeting.id
    db.session.commit()
    assert may_record_opinion(chair, topic)
    operations.record_opinion(chair, topic, True, OPINION)
    db.session.commit()


def test_the_check_locks_the_opinion_and_corrections_are_appended(db, cast, formed):
    opinion = opinion_of(formed)
    with pytest.raises(Refusal) as refused:
        operations.correct_opinion(cast.director, opinion, '更正：分摊比例另议')
    db.session.rollback()
    assert refused.value.code == 'not_locked'
    operations.check_legality(cast.director, formed, 'pass')
    db.session.commit()
    assert opinion.locked
    with pytest.raises(Refusal) as refused:
        operations.record_opinion(cast.director, formed, True, '改写的意见')
    db.session.rollback()
    assert refused.value.code in ('wrong_state', 'locked')
    for party in (cast.staff, cast.resident):
        with pytest.raises(Refusal) as refused:
            operations.correct_opinion(party, opinion, '更正')
        db.session.rollback()
        assert refused.value.code == 'conflict_of_interest'
    correction = operations.correct_opinion(cast.director, opinion, '更正：分摊比例另议')
    db.session.commit()
    db.session.refresh(opinion)
    assert opinion.text == OPINION  # as it was checked
    assert [c.body for c in opinion.corrections] == ['更正：分摊比例另议']
    correction.body = '改掉'
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(OpinionCorrection, correction.id).body == '更正：分摊比例另议'


def test_a_new_round_gets_a_new_opinion(db, cast, make_topic):
    from consult.comments import operations as comments
    from tests.topics.conftest import run_comment_period

    topic = make_topic('returned')
    first = opinion_of(topic)
    run_comment_period(topic, cast.director)
    comments.conclude(cast.director, topic)
    db.session.commit()
    second = opinion_of(topic)
    assert (first.round, second.round) == (1, 2)
    assert first.locked
    assert not second.locked
    assert first.check.failed
