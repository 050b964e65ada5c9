"""THE state machine of a vote: the only module that changes ``Vote.status``.

========== ========= ========== ===================================================================
step       from      to         who
========== ========= ========== ===================================================================
``open``   draft     open       the meeting's chair or the committee (standalone: also the system, at
                                its opening time)
``close``  open      closed     the meeting's chair or the committee; the system at the closing time
``cancel`` draft     cancelled  the committee, or the chair of the meeting, with a reason
========== ========= ========== ===================================================================

An open vote is never cancelled: its ballots are counted at the close (a failed quorum is a result too).
"""

from flask_babel import gettext as _

from consult.kernel.events import VoteMoved
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.topics.permissions import row_read_only

from . import guards as g
from . import permissions as p
from .models import Vote
from .models import VoteStatus as S

MACHINE = machine(
    'vote',
    Vote,
    rule=g.PROCEDURE,
    who_rule=g.WHO_RUNS,
    read_only=row_read_only,
    event=VoteMoved,
    messages={
        'wrong_state': lambda: _('This vote cannot take that step now.'),
        'conflict': lambda: _('Someone else changed this vote just now; reload.'),
    },
)

MACHINE.define(
    Transition('open', frozenset({S.DRAFT}), S.OPEN, p.runs_vote, system=True),
    Transition('close', frozenset({S.OPEN}), S.CLOSED, p.runs_vote, system=True),
    Transition('cancel', frozenset({S.DRAFT}), S.CANCELLED, p.runs_vote),
)
