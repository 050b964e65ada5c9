"""The department's side: report (报到), progress (办理中), close (办结) with a reply; scoping and conflicts."""

import pytest
import sqlalchemy as sa

from consult.dispatch import guards as dg
from consult.dispatch import operations
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.topics import operations as topic_operations
from consult.topics.models import TopicEvent


def test_the_department_walks_the_loop(db, cast, make_ticket):
    ticket = make_ticket('dispatched')
    operations.report(cast.department, ticket)
    assert ticket.status == 'reported'
    assert ticket.reported_at is not None
    operations.post_progress(cast.department, ticket, '已派人查看')
    assert ticket.status == 'handling'
    assert ticket.handling_at is not None
    operations.post_progress(cast.department, ticket, '材料已到')
    operations.post_progress(cast.staff, ticket, '请加快进度')
    operations.close(cast.department, ticket, '<script>x()</script>路灯已修复')
    db.session.commit()
    assert ticket.status == 'closed'
    assert ticket.reply == '路灯已修复'
    assert ticket.closed_by_id == cast.department.id
    trail = db.session.scalars(
        sa.select(DispatchEvent).where(DispatchEvent.ticket_id == ticket.id).order_by(DispatchEvent.id)
    ).all()
    assert [e.action for e in trail] == ['propose', 'dispatch', 'report', 'progress', 'progress', 'note', 'close']
    assert [e.to_status for e in trail][-1] == 'closed'
    closed = db.session.scalar(
        sa.select(TopicEvent).where(TopicEvent.topic_id == ticket.topic_id, TopicEvent.action == 'dispatch_closed')
    )
    assert closed.reason == '路灯已修复'
    assert closed.actor_role == 'department'


def test_close_tells_submitter_and_cosigners(db, cast, make_topic):
    from consult.dispatch.queries import live_ticket
    from consult.topics.models import SourceChannel

    topic = make_topic('draft', submitter=cast.resident, channel=SourceChannel.ONLINE)
    topic_operations.submit_topic(cast.resident, topic)
    topic_operations.cosign(cast.neighbour, topic)
    topic.queued_at = topic.submitted_at  # put it in the queue directly; the threshold is tested elsewhere
    db.session.commit()
    operations.propose_dispatch(cast.director, topic, cast.place.department, 'simple', '部门职责')
    ticket = live_ticket(topic.id)
    operations.report(cast.department, ticket)
    operations.close(cast.department, ticket, '已办结')
    db.session.commit()
    kinds = db.session.execute(
        sa.select(Notification.user_id, Notification.kind).where(Notification.topic_id == topic.id)
    ).all()
    for user in (cast.resident, cast.neighbour):
        assert (user.id, 'redirect') in kinds
        assert (user.id, 'dispatch_closed') in kinds


@pytest.mark.parametrize('role', ['staff', 'director', 'resident', 'party'])
def test_only_the_department_reports_and_closes(db, cast, make_ticket, role):
    ticket = make_ticket('reported')
    for attempt in (
        lambda: operations.report(getattr(cast, role), ticket),
        lambda: operations.close(getattr(cast, role), ticket, '回复'),
    ):
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.rule is dg.OWN_DEPARTMENT
    assert ticket.status == 'reported'


def test_another_department_is_refused(db, cast, make_ticket, other_department):
    ticket = make_ticket('dispatched')
    _department, member = other_department
    for step in (
        operations.report,
        lambda u, t: operations.post_progress(u, t, '进度'),
        lambda u, t: operations.close(u, t, '回复'),
    ):
        with pytest.raises(Refusal) as refused:
            step(member, ticket)
        assert refused.value.code == 'forbidden'


def test_wrong_states_are_refused(db, cast, make_ticket):
    ticket = make_ticket('dispatched')
    with pytest.raises(Refusal) as refused:
        operations.post_progress(cast.department, ticket, '进度')
    assert refused.value.code == 'wrong_state'
    with pytest.raises(Refusal) as refused:
        operations.close(cast.department, ticket, '回复')
    assert refused.value.code == 'wrong_state'
    operations.report(cast.department, ticket)
    with pytest.raises(Refusal) as refused:
        operations.report(cast.department, ticket)
    assert refused.value.code == 'wrong_state'
    assert refused.value.rule is dg.LOOP


def test_proposed_ticket_is_not_the_departments_yet(db, cast, make_ticket):
    ticket = make_ticket('proposed')
    with pytest.raises(Refusal) as refused:
        operations.report(cast.department, ticket)
    assert refused.value.code == 'wrong_state'


@pytest.mark.parametrize('reply', ['', '   ', '<p></p>'])
def test_empty_reply_is_refused(db, cast, make_ticket, reply):
    ticket = make_ticket('handling')
    with pytest.raises(Refusal) as refused:
        operations.close(cast.department, ticket, reply)
    assert refused.value.rule is dg.REPLY
    assert ticket.status == 'handling'


def test_oversized_reply_is_refused(db, cast, make_ticket):
    ticket = make_ticket('handling')
    with pytest.raises(Refusal) as refused:
        operations.close(cast.department, ticket, '字' * (dg.REPLY_MAX + 1))
    assert refused.value.code == 'text_too_long'
    operations.close(cast.department, ticket, '字' * dg.REPLY_MAX)
    assert ticket.status == 'closed'


def test_second_close_is_refused(db, cast, make_ticket):
    ticket = make_ticket('closed')
    with pytest.raises(Refusal) as refused:
        operations.close(cast.department, ticket, '再次回复')
    assert refused.value.code == 'wrong_state'


def test_concurrent_close_is_refused(db, cast, make_ticket):
    ticket = make_ticket('handling')
    # Another request closed it after this one loaded the ticket.
    assert ticket.status  # loaded by this request
    db.session.execute(
        sa.update(DispatchTicket)
        .where(DispatchTicket.id == ticket.id)
        .values(status='closed')
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Refusal) as refused:
        operations.close(cast.department, ticket, '回复')
    assert refused.value.code == 'conflict'
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(DispatchEvent.ticket_id == ticket.id, DispatchEvent.action == 'close')
        )
        == 0
    )


def test_events_are_append_only(db, cast, make_ticket):
    ticket = make_ticket('dispatched')
    event = db.session.scalar(sa.select(DispatchEvent).where(DispatchEvent.ticket_id == ticket.id))
    event.text = 'changed'
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()


def test_committee_of_another_community_may_not_note(db, cast, make_ticket):
    ticket = make_ticket('handling')
    with pytest.raises(Refusal) as refused:
        operations.post_progress(cast.staff_b, ticket, '催办')
    assert refused.value.code == 'forbidden'
