"""Opening, closing, summarising and concluding a comment period: boundaries, roles, states, notifications."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.comments import operations
from consult.comments.models import CommentPeriod
from consult.comments.queries import latest_period
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.rules.defaults import NUMBERS
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus
from tests.comments.conftest import post


def _periods(db, topic):
    return db.session.scalar(sa.select(sa.func.count()).where(CommentPeriod.topic_id == topic.id))


def test_opening_exactly_at_publicity_end_is_allowed(db, cast, announced, clock):
    clock.set(announced.publicity_ends_at)
    period = operations.open_period(cast.staff, announced, 10)
    assert announced.status == TopicStatus.IN_CONSULTATION
    assert period.opened_at == announced.publicity_ends_at
    assert period.closes_at == announced.publicity_ends_at + timedelta(days=10)


def test_opening_one_second_before_publicity_end_is_refused_citing_the_rule(db, cast, announced, clock):
    clock.set(announced.publicity_ends_at - timedelta(seconds=1))
    with pytest.raises(Refusal) as caught:
        operations.open_period(cast.staff, announced, 10)
    assert caught.value.code == 'publicity_not_over'
    assert caught.value.rule.code == 'topic_publicity_days'
    assert caught.value.rule.code in NUMBERS
    db.session.rollback()
    assert announced.status == TopicStatus.ANNOUNCED
    assert _periods(db, announced) == 0


@pytest.mark.parametrize('days', [1, 60])
def test_days_at_the_limits_are_allowed(db, cast, announced, days):
    assert operations.open_period(cast.director, announced, days).days == days


@pytest.mark.parametrize('days', [0, 61, -1, None, '14', True])
def test_days_outside_1_to_60_are_refused(db, cast, announced, days):
    with pytest.raises(Refusal) as caught:
        operations.open_period(cast.staff, announced, days)
    assert caught.value.code == 'bad_days'


@pytest.mark.parametrize('role', ['resident', 'representative', 'party', 'deputy', 'staff_b', 'stranger'])
def test_only_the_committee_opens(db, cast, announced, role):
    with pytest.raises(Refusal) as caught:
        operations.open_period(getattr(cast, role), announced, 14)
    assert caught.value.code == 'forbidden'


@pytest.mark.parametrize('state', ['draft', 'submitted', 'screening', 'rejected', 'opinion_formed'])
def test_wrong_state_is_refused(db, cast, make_topic, state):
    topic = make_topic(state)
    with pytest.raises(Refusal) as caught:
        operations.open_period(cast.staff, topic, 14)
    assert caught.value.code == 'wrong_state'


def test_second_period_while_one_is_open_is_refused(db, cast, consulting):
    with pytest.raises(Refusal) as caught:
        operations.open_period(cast.staff, consulting, 14)
    assert caught.value.code == 'period_open'


def test_a_new_round_opens_after_the_first_closes(db, cast, consulting):
    operations.close_early(cast.staff, consulting, '第一轮结束')
    second = operations.open_period(cast.staff, consulting, 7)
    assert consulting.status == TopicStatus.IN_CONSULTATION
    assert latest_period(consulting.id).id == second.id
    assert _periods(db, consulting) == 2


def test_opening_notifies_the_originator_and_logs_the_step(db, cast, announced):
    operations.open_period(cast.staff, announced, 14)
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(
            Notification.user_id == cast.resident.id, Notification.topic_id == announced.id
        )
    ).all()
    assert 'open_comments' in kinds
    steps = db.session.scalars(sa.select(TopicEvent.action).where(TopicEvent.topic_id == announced.id)).all()
    assert steps[-1] == 'open_comments'


def test_close_early_needs_the_committee_and_a_reason(db, cast, consulting):
    with pytest.raises(Refusal) as caught:
        operations.close_early(cast.resident, consulting, '够了')
    assert caught.value.code == 'forbidden'
    with pytest.raises(Refusal) as caught:
        operations.close_early(cast.staff, consulting, '  ')
    assert caught.value.code == 'reason_required'
    period = operations.close_early(cast.staff, consulting, '意见已充分')
    assert period.close_reason == '意见已充分'
    assert not period.is_open(period.closed_early_at)
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting)
    assert caught.value.code == 'period_closed'


def test_summary_before_the_period_closes_is_refused(db, cast, consulting):
    with pytest.raises(Refusal) as caught:
        operations.write_summary(cast.staff, consulting, '总结')
    assert caught.value.code == 'period_open'


def test_summary_is_required(db, cast, consulting):
    operations.close_early(cast.staff, consulting, '结束')
    with pytest.raises(Refusal) as caught:
        operations.write_summary(cast.staff, consulting, '   ')
    assert caught.value.code == 'no_summary'


def test_summary_by_non_committee_is_refused(db, cast, consulting):
    operations.close_early(cast.staff, consulting, '结束')
    with pytest.raises(Refusal) as caught:
        operations.write_summary(cast.representative, consulting, '总结')
    assert caught.value.code == 'forbidden'


def test_summary_after_closes_at_is_rendered_safely(db, cast, consulting, clock):
    period = latest_period(consulting.id)
    clock.set(period.closes_at)
    saved = operations.write_summary(cast.staff, consulting, '**多数赞成**\n\n<script>alert(1)</script>')
    assert '<strong>多数赞成</strong>' in saved.summary_html
    assert '<script>' not in saved.summary_html
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'comments.summary'))
    assert entry.details['topic_id'] == consulting.id


def test_conclude_needs_a_closed_and_summarised_period(db, cast, consulting):
    with pytest.raises(Refusal) as caught:
        operations.conclude(cast.staff, consulting)
    assert caught.value.code == 'period_open'
    operations.close_early(cast.staff, consulting, '结束')
    with pytest.raises(Refusal) as caught:
        operations.conclude(cast.staff, consulting)
    assert caught.value.code == 'no_summary'
    operations.write_summary(cast.staff, consulting, '多数赞成')
    operations.conclude(cast.director, consulting)
    assert consulting.status == TopicStatus.OPINION_FORMED
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == cast.resident.id)).all()
    assert 'conclude_comments' in kinds


def test_conclude_by_non_committee_is_refused(db, cast, make_topic):
    topic = make_topic('in_consultation')
    for role in ('resident', 'party', 'staff_b', 'deputy'):
        with pytest.raises(Refusal) as caught:
            operations.conclude(getattr(cast, role), topic)
        assert caught.value.code == 'forbidden'
