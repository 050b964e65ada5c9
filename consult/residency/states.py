"""THE state machine of a residence claim: the only module that decides a ``Membership`` out of ``pending``.

============  ========  =========  ==========================================================================
step          from      to         who
============  ========  =========  ==========================================================================
``verify``    pending   verified   committee staff or the director of its community; or the system (a roster
                                   match, a household code)
``reject``    pending   rejected   committee staff or the director of its community
``withdraw``  pending   withdrawn  the claimant
============  ========  =========  ==========================================================================

:meth:`StateMachine.apply` moves the status with one conditional UPDATE (two deciders cannot both succeed),
setting ``decided_at`` and ``decided_by_id`` in the same statement, and publishes a
:class:`~consult.kernel.events.ClaimDecided`, which is pushed to the resident's pages
(``consult.residency.wiring``). Claims keep no event log of their own: the operations audit the decision. Ending a residence (a move) is not a step here.
"""

from flask_babel import gettext as _

from consult.kernel.events import ClaimDecided
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.residency import permissions as p
from consult.residency.guards import RESIDENCE
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus as S

MACHINE = machine(
    'claim',
    Membership,
    rule=RESIDENCE,
    event=ClaimDecided,
    messages={
        'wrong_state': lambda: _('This claim has already been decided.'),
        'conflict': lambda: _('This claim has already been decided.'),
    },
)

_PENDING = frozenset({S.PENDING})

MACHINE.define(
    Transition('verify', _PENDING, S.VERIFIED, p.can_decide_claim, system=True),
    Transition('reject', _PENDING, S.REJECTED, p.can_decide_claim),
    Transition('withdraw', _PENDING, S.WITHDRAWN, p.can_withdraw_claim),
)
