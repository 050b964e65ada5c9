"""The ticket's state machine (consult/dispatch/states.py): refusals change nothing; each step logs and is told."""

import pytest
import sqlalchemy as sa

from consult.dispatch import operations
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.dispatch.states import MACHINE
from consult.kernel.actions import may
from consult.kernel.events import TicketMoved
from consult.kernel.events import subscribe
from consult.kernel.refusals import Refusal

SEEN: list[TicketMoved] = []


def _seen(event: TicketMoved) -> None:
    SEEN.append(event)


@pytest.fixture
def moves():
    subscribe(TicketMoved, _seen)  # connecting the same listener again is a no-op
    SEEN.clear()
    yield SEEN
    SEEN.clear()


def _events(db, ticket) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.from_status, e.to_status)
        for e in db.session.scalars(
            sa.select(DispatchEvent).where(DispatchEvent.ticket_id == ticket.id).order_by(DispatchEvent.id)
        )
    ]


@pytest.mark.parametrize(('status', 'step'), [('closed', 'report'), ('dispatched', 'close'), ('proposed', 'handle')])
def test_a_step_in_the_wrong_state_is_refused_and_changes_nothing(db, cast, make_ticket, moves, status, step):
    ticket = make_ticket(status)
    moves.clear()
    before = _events(db, ticket)
    actor = cast.director if step == 'dispatch' else cast.department
    with pytest.raises(Refusal) as refused:
        MACHINE.apply(ticket, step, actor, 'text')
    assert refused.value.code == 'wrong_state'
    db.session.rollback()
    assert db.session.scalar(sa.select(DispatchTicket.status).where(DispatchTicket.id == ticket.id)) == status
    assert _events(db, ticket) == before
    assert moves == []


def test_the_loop_is_logged_and_published_step_by_step(db, cast, make_ticket, moves):
    ticket = make_ticket('closed')
    assert _events(db, ticket) == [
        ('propose', 'proposed', 'proposed'),
        ('dispatch', 'proposed', 'dispatched'),
        ('report', 'dispatched', 'reported'),
        ('progress', 'reported', 'handling'),  # the step ``handle``: the first progress note
        ('close', 'handling', 'closed'),
    ]
    assert [(e.action, e.source, e.target) for e in moves] == [
        ('dispatch', 'proposed', 'dispatched'),
        ('report', 'dispatched', 'reported'),
        ('handle', 'reported', 'handling'),
        ('close', 'handling', 'closed'),
    ]
    assert {e.machine for e in moves} == {'ticket'}
    assert moves[-1].reason == '已修复路灯'


def test_a_second_progress_note_keeps_the_state_and_is_no_step(db, cast, make_ticket, moves):
    ticket = make_ticket('handling')
    moves.clear()
    event = operations.post_progress(cast.department, ticket, '材料已到')
    assert (event.action, event.from_status, event.to_status) == ('progress', 'handling', 'handling')
    assert moves == []


def test_the_steps_are_actions_for_whoever_takes_them(db, cast, make_ticket):
    proposed = make_ticket('proposed')
    assert may(cast.director, 'ticket.dispatch', proposed)
    assert may(cast.director, 'ticket.decline', proposed)
    assert not may(cast.staff, 'ticket.dispatch', proposed)
    assert not may(cast.department, 'ticket.report', proposed)
    dispatched = make_ticket('dispatched')
    assert may(cast.department, 'ticket.report', dispatched)
    assert not may(cast.director, 'ticket.report', dispatched)
    assert not may(cast.department, 'ticket.close', dispatched)
