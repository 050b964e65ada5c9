"""Proposing, signing off and declining a whistle; the topic moves only through the transition table."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.dispatch import guards as dg
from consult.dispatch import operations
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.dispatch.queries import live_ticket
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.models import SourceChannel
from consult.topics.models import TopicEvent

REASON = '路灯维修属于部门法定职责'


def _audit_actions(db, ticket_id):
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    return [(e.action, e.actor_id) for e in entries if e.details.get('ticket') == ticket_id]


def test_staff_propose_then_director_signs_off(db, cast, make_topic):
    topic = make_topic('submitted')
    ticket = operations.propose_dispatch(cast.staff, topic, cast.place.department, 'simple', REASON)
    db.session.commit()
    assert ticket.status == 'proposed'
    assert topic.status == 'submitted'
    assert ticket.deadline_at is None
    operations.sign_off(cast.director, ticket)
    db.session.commit()
    db.session.expire_all()
    assert topic.status == 'redirected'
    assert topic.decision_reason == REASON
    assert topic.exclusion_code == 'department_duty'
    assert ticket.status == 'dispatched'
    assert ticket.created_by_id == cast.staff.id
    assert ticket.signed_off_by_id == cast.director.id
    assert ticket.deadline_at == ticket.dispatched_at + timedelta(days=1)
    step = db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == topic.id, TopicEvent.action == 'redirect')
    )
    assert (step.from_status, step.to_status, step.actor_id) == ('submitted', 'redirected', cast.director.id)
    assert step.actor_role == 'committee_director'
    assert _audit_actions(db, ticket.id) == [
        ('dispatch.propose', cast.staff.id),
        ('dispatch.dispatch', cast.director.id),
    ]
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.topic_id == topic.id)).all()
    assert cast.resident.id in told  # the originator, at dispatch


def test_director_redirects_in_one_step(db, cast, make_topic):
    topic = make_topic('submitted')
    ticket = operations.propose_dispatch(cast.director, topic, cast.place.department, 'complex', REASON)
    db.session.commit()
    assert topic.status == 'redirected'
    assert ticket.status == 'dispatched'
    assert ticket.created_by_id == ticket.signed_off_by_id == cast.director.id
    actions = db.session.scalars(sa.select(DispatchEvent.action).where(DispatchEvent.ticket_id == ticket.id)).all()
    assert actions == ['dispatch']


def test_staff_may_not_sign_off(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    with pytest.raises(Refusal) as refused:
        operations.sign_off(cast.staff, ticket)
    assert refused.value.rule is dg.SIGN_OFF
    assert refused.value.code == 'forbidden'
    assert ticket.topic.status == 'submitted'


@pytest.mark.parametrize('role', ['department', 'party', 'resident', 'staff_b', 'grid_worker'])
def test_only_the_committee_proposes(db, cast, make_topic, role):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(getattr(cast, role), topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'forbidden'


@pytest.mark.parametrize('state', ['draft', 'screening', 'announced', 'rejected', 'redirected'])
def test_propose_refused_outside_review(db, cast, make_topic, state):
    topic = make_topic(state)
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.director, topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'wrong_state'
    assert refused.value.rule is tg.PROCEDURE


def test_propose_refused_before_the_review_queue(db, cast, make_topic):
    topic = make_topic('submitted', submitter=cast.resident, channel=SourceChannel.ONLINE)
    assert topic.queued_at is None
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.director, topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'not_queued'


def test_department_must_serve_the_community(db, cast, make_topic, other_department):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.director, topic, other_department[0], 'simple', REASON)
    assert refused.value.rule is dg.DEPARTMENT_SERVES
    with pytest.raises(Refusal):
        operations.propose_dispatch(cast.director, topic, None, 'simple', REASON)
    assert topic.status == 'submitted'


@pytest.mark.parametrize(
    ('kind', 'reason', 'code'), [('urgent', REASON, 'bad_kind'), ('simple', '  <b></b> ', 'text_required')]
)
def test_kind_and_reason_are_checked(db, cast, make_topic, kind, reason, code):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.staff, topic, cast.place.department, kind, reason)
    assert refused.value.code == code


def test_transition_guards_hold_without_the_dispatch_pages(db, cast, make_topic, other_department):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as refused:
        states.apply(topic, 'redirect', cast.director, reason='', department=cast.place.department, kind='simple')
    assert refused.value.code == 'reason_required'
    with pytest.raises(Refusal) as refused:
        states.apply(topic, 'redirect', cast.director, reason=REASON, department=other_department[0], kind='simple')
    assert refused.value.code == 'bad_department'
    with pytest.raises(Refusal) as refused:
        states.apply(topic, 'redirect', cast.staff, reason=REASON, department=cast.place.department, kind='simple')
    assert refused.value.code == 'forbidden'
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DispatchTicket)) == 0


def test_second_proposal_is_refused(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.staff, ticket.topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'duplicate'
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.director, ticket.topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'duplicate'


def test_concurrent_proposals_meet_the_unique_index(db, cast, make_ticket, monkeypatch):
    ticket = make_ticket('proposed')
    monkeypatch.setattr(operations, 'live_ticket', lambda topic_id: None)  # both requests saw no proposal
    with pytest.raises(Refusal) as refused:
        operations.propose_dispatch(cast.staff, ticket.topic, cast.place.department, 'simple', REASON)
    assert refused.value.code == 'duplicate'


def test_director_declines_and_staff_may_propose_again(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    with pytest.raises(Refusal) as refused:
        operations.decline(cast.director, ticket, '')
    assert refused.value.code == 'text_required'
    with pytest.raises(Refusal):
        operations.decline(cast.staff, ticket, '不是部门职责')
    operations.decline(cast.director, ticket, '不是部门职责')
    db.session.commit()
    assert ticket.status == 'declined'
    assert ticket.topic.status == 'submitted'
    assert live_ticket(ticket.topic_id) is None
    again = operations.propose_dispatch(cast.staff, ticket.topic, cast.place.department, 'simple', REASON)
    assert again.id != ticket.id
    with pytest.raises(Refusal) as refused:
        operations.sign_off(cast.director, ticket)
    assert refused.value.code == 'wrong_state'


def test_sign_off_refused_once_the_topic_was_accepted(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    states.apply(ticket.topic, 'accept', cast.staff)
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        operations.sign_off(cast.director, ticket)
    assert refused.value.code == 'wrong_state'
    db.session.rollback()
    assert ticket.status == 'proposed'


def test_concurrent_sign_off_is_refused(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    assert ticket.status  # loaded by this request
    db.session.execute(
        sa.update(DispatchTicket)
        .where(DispatchTicket.id == ticket.id)
        .values(status='declined')
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Refusal) as refused:
        operations.sign_off(cast.director, ticket)  # still 'proposed' in memory
    assert refused.value.code == 'conflict'
