"""THE state machine of a deputy's suggestion (rule 39): the only module that changes its ``status``.

===========  ==========  ==========  =================================================================
step         from        to          who
===========  ==========  ==========  =================================================================
``reply``    sent        replied     the responsible body (the department's staff, or the committee)
``assess``   replied     assessed    the deputy who sent it (satisfied / partly / not, with a comment)
``overdue``  sent        sent        the system (``flask deputies sweep``): the reply is late
===========  ==========  ==========  =================================================================

Sending is an insert, not a step (``SuggestionSent``). Each step publishes a
:class:`~consult.kernel.events.SuggestionMoved`.
"""

from flask_babel import gettext as _

from consult.kernel.events import SuggestionMoved
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine

from . import guards as g
from . import permissions as p
from .models import DeputySuggestion
from .models import SuggestionStatus as S

MACHINE = machine(
    'suggestion',
    DeputySuggestion,
    rule=g.SUGGESTION,
    event=SuggestionMoved,
    messages={
        'wrong_state': lambda: _('This step is not possible for this suggestion now.'),
        'forbidden': lambda: _('Only the responsible body replies, and only the deputy assesses the reply.'),
        'conflict': lambda: _('Someone else changed this suggestion just now; reload and try again.'),
    },
)

MACHINE.define(
    Transition('reply', frozenset({S.SENT}), S.REPLIED, p.answers_for, guards=(g.reply_written,)),
    Transition('assess', frozenset({S.REPLIED}), S.ASSESSED, p.is_author, guards=(g.assessment_given,)),
    Transition('overdue', frozenset({S.SENT}), S.SENT, system=True),
)
