"""THE state machine of a comment period: the only module that changes ``CommentPeriod.status``.

=============  ============================  ===========  =========================================
step           from                          to           who
=============  ============================  ===========  =========================================
``close``      open (before ``closes_at``)   closed       the committee, with a reason
``summarise``  open (ended), closed,         summarised   the committee (rewriting it keeps the state)
               summarised
=============  ============================  ===========  =========================================

Opening a period is an insert (the topic's ``open_comments`` step, ``consult.comments.wiring``). A period also
ends by itself when ``closes_at`` passes; the guards judge by the time, the UPDATE by the status, so two
committee members closing at once close it once.
"""

from flask_babel import gettext as _

from consult.comments.models import CommentPeriod
from consult.comments.models import PeriodStatus as S
from consult.comments.permissions import can_manage_comments
from consult.kernel.clock import utcnow
from consult.kernel.events import CommentPeriodMoved
from consult.kernel.refusals import Refusal
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.topics import guards as tg
from consult.topics.permissions import row_read_only


def _committee(actor, period) -> bool:
    return can_manage_comments(actor, period.topic)


def _still_running(period, actor, context, reason, data) -> None:
    if not period.is_open(utcnow()):
        raise Refusal(_('The comment period is not open.'), tg.COMMENT_WINDOW, code='period_closed')


def _ended(period, actor, context, reason, data) -> None:
    if period.is_open(utcnow()):
        raise Refusal(
            _('The summary is written after the comment period closes.'), tg.COMMENT_WINDOW, code='period_open'
        )


MACHINE = machine(
    'comment_period',
    CommentPeriod,
    rule=tg.COMMENT_WINDOW,
    who_rule=tg.WHO_ACTS,
    read_only=row_read_only,
    event=CommentPeriodMoved,
    messages={'conflict': lambda: _('Someone else changed this comment period just now; reload and try again.')},
)

MACHINE.define(
    Transition('close', frozenset({S.OPEN}), S.CLOSED, _committee, (_still_running,)),
    Transition('summarise', frozenset({S.OPEN, S.CLOSED, S.SUMMARISED}), S.SUMMARISED, _committee, (_ended,)),
)
