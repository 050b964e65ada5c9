"""THE state machine of a meeting: the only module that changes ``Meeting.status``.

==========  =========  =========  =========================================================================
step        from       to         who
==========  =========  =========  =========================================================================
``open``    scheduled  open       the chair, or the committee of the community
``close``   open       closed     the chair (the committee director may stand in: who moderates the room)
``cancel``  scheduled  cancelled  the committee of the community
==========  =========  =========  =========================================================================

:meth:`StateMachine.apply` moves the status with one conditional UPDATE (two requests cannot both open,
close or cancel a meeting), appends the step to the meeting's record (``opened``, ``closed``,
``cancelled``) and publishes a :class:`~consult.kernel.events.MeetingMoved`. The operations
(``consult.meetings.operations``) check who acts, the state and the step's conditions first, in the order
and with the messages they always had, then take the step.
"""

from flask_babel import gettext as _

from consult.kernel.events import MeetingMoved
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.topics.permissions import row_read_only

from . import guards as g
from . import permissions as p
from .models import Meeting
from .models import MeetingStatus as S
from .record import log

#: The record's entry for each step.
_LOGGED_AS = {'open': 'opened', 'close': 'closed', 'cancel': 'cancelled'}


def _record(meeting, action, actor, source, target, reason, context, data):
    detail = f'{data["outcome"]}: {reason}' if action == 'close' else reason
    return log(meeting, _LOGGED_AS[action], actor, detail=detail)


MACHINE = machine(
    'meeting',
    Meeting,
    rule=g.PROCEDURE,
    who_rule=g.CHAIR,
    event=MeetingMoved,
    read_only=row_read_only,
    record=_record,
    messages={'conflict': lambda: _('Someone else changed this meeting just now; reload.')},
)

MACHINE.define(
    Transition('open', frozenset({S.SCHEDULED}), S.OPEN, p.may_open),
    Transition('close', frozenset({S.OPEN}), S.CLOSED, p.moderates),
    Transition('cancel', frozenset({S.SCHEDULED}), S.CANCELLED, p.can_manage),
)
