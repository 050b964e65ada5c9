"""THE state machine of a dispatch ticket (吹哨报到): the only module that changes ``DispatchTicket.status``.

============  ======================  ==========  ==================================================
step          from                    to          who
============  ======================  ==========  ==================================================
``dispatch``  proposed                dispatched  the committee director (signs the whistle off)
``decline``   proposed                declined    the committee director
``report``    dispatched              reported    the department it was dispatched to (报到)
``handle``    reported                handling    the department (its first progress note)
``close``     reported, handling      closed      the department (办结, with its reply)
============  ======================  ==========  ==================================================

Creating a ticket (a proposal, or one dispatched at once) is an insert, not a step. :meth:`StateMachine.apply`
moves the status with one conditional UPDATE, appends a :class:`DispatchEvent` and publishes a
:class:`~consult.kernel.events.TicketMoved`. The operations (``consult.dispatch.operations``) check who acts
first, with the loop's own messages, then take the step.
"""

from flask_babel import gettext as _

from consult.db import db
from consult.dispatch import guards as dg
from consult.dispatch import permissions as p
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.dispatch.models import TicketStatus as T
from consult.kernel.events import TicketMoved
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.topics.permissions import row_read_only

#: The event log's action for a step whose row says what happened, not the step (the first progress note).
_LOGGED_AS = {'handle': 'progress'}


def _record(ticket, action, actor, source, target, text, context, data) -> DispatchEvent:
    return log(ticket, actor, _LOGGED_AS.get(action, action), source, text)


def log(ticket, actor, action: str, source: str, text: str = '') -> DispatchEvent:
    """Append a row to the ticket's event log (also for entries that keep the status: a proposal, a note)."""
    event = DispatchEvent(
        ticket_id=ticket.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        from_status=str(source),
        to_status=str(ticket.status),
        text=text,
    )
    db.session.add(event)
    db.session.flush()
    return event


MACHINE = machine(
    'ticket',
    DispatchTicket,
    rule=dg.LOOP,
    read_only=row_read_only,
    event=TicketMoved,
    record=_record,
    messages={
        'wrong_state': lambda: _('This step is not possible in the ticket’s current state.'),
        'conflict': lambda: _('Someone else changed this ticket just now; reload and try again.'),
    },
)

MACHINE.define(
    Transition('dispatch', frozenset({T.PROPOSED}), T.DISPATCHED, p.is_ticket_principal),
    Transition('decline', frozenset({T.PROPOSED}), T.DECLINED, p.is_ticket_principal),
    Transition('report', frozenset({T.DISPATCHED}), T.REPORTED, p.can_handle),
    Transition('handle', frozenset({T.REPORTED}), T.HANDLING, p.can_handle),
    Transition('close', frozenset({T.REPORTED, T.HANDLING}), T.CLOSED, p.can_handle),
)
