"""THE state machine of a petition: the only module that changes ``Petition.status``.

============  ==============  ==============  =====================================================
step          from            to              who
============  ==============  ==============  =====================================================
``meet``      open            threshold_met   the system (a signature or a re-check met the rules)
``convene``   threshold_met   convened        committee staff or the director of its community
``lapse``     open            lapsed          the system (past its lapse second)
``withdraw``  open            withdrawn       the resident who started it
============  ==============  ==============  =====================================================

:meth:`StateMachine.apply` moves the status with one conditional UPDATE (two racing signatures cannot both
mark a petition met) and publishes a :class:`~consult.kernel.events.PetitionMoved`, which tells the petition's
people (``consult.petitions.notifications``). Petitions keep no event log of their own: the operations audit
each step. Signing is serialised by
:func:`consult.petitions.steps.lock`, not by this machine.
"""

from flask_babel import gettext as _

from consult.db import db
from consult.kernel.events import PetitionMoved
from consult.kernel.refusals import Refusal
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.petitions import permissions as p
from consult.petitions.guards import PROCEDURE
from consult.petitions.models import Petition
from consult.petitions.models import PetitionStatus as S

MACHINE = machine(
    'petition',
    Petition,
    rule=PROCEDURE,
    event=PetitionMoved,
    messages={
        'wrong_state': lambda: _('This petition has changed meanwhile; reload the page.'),
        'conflict': lambda: _('This petition has changed meanwhile; reload the page.'),
    },
)

MACHINE.define(
    Transition('meet', frozenset({S.OPEN}), S.THRESHOLD_MET, system=True),
    Transition('convene', frozenset({S.THRESHOLD_MET}), S.CONVENED, p.is_petition_committee),
    Transition('lapse', frozenset({S.OPEN}), S.LAPSED, system=True),
    Transition('withdraw', frozenset({S.OPEN}), S.WITHDRAWN, p.is_starter),
)


def take(petition, action: str, actor=None, *, refuse: bool = True, **values) -> bool:
    """Take ``action`` on ``petition``, setting ``values`` in the same UPDATE; reload the row.

    :param refuse: ``False`` for the system's steps (a sweep, a threshold check): a petition another request
        moved first is left alone and ``False`` returned instead of a refusal.
    :return: whether this call moved it.
    :raises Refusal: ``wrong_state`` or ``conflict`` (with ``refuse``), ``forbidden``.
    """
    try:
        MACHINE.apply(petition, action, actor, values=values)
    except Refusal as refusal:
        if refuse or refusal.code not in ('wrong_state', 'conflict'):
            raise
        return False
    db.session.refresh(petition)
    return True
