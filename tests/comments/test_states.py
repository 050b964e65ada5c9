"""The comment period's state machine: closing once, summarising after it ended, the status the UPDATE guards."""

import pytest
import sqlalchemy as sa

from consult.comments import operations
from consult.comments.models import CommentPeriod
from consult.comments.models import PeriodStatus
from consult.comments.queries import latest_period
from consult.kernel import events
from consult.kernel.events import CommentPeriodMoved
from consult.kernel.refusals import Refusal


def test_closing_moves_the_period_and_announces_it(db, cast, consulting):
    heard = []
    events.subscribe(CommentPeriodMoved, heard.append)
    try:
        period = operations.close_early(cast.staff, consulting, '意见已充分')
    finally:
        events.unsubscribe(CommentPeriodMoved, heard.append)
    assert period.status == PeriodStatus.CLOSED
    assert [(e.action, e.source, e.target, e.actor_id) for e in heard] == [('close', 'open', 'closed', cast.staff.id)]


def test_a_period_closed_meanwhile_is_closed_once(db, cast, consulting):
    """Another request closed it after this one read it: the conditional UPDATE refuses, nothing is written."""
    from consult.comments import states

    period = latest_period(consulting.id)
    assert period.status == PeriodStatus.OPEN  # read by this request
    db.session.execute(  # then closed by another, behind this session's back
        sa.update(CommentPeriod)
        .where(CommentPeriod.id == period.id)
        .values(status=PeriodStatus.CLOSED)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Refusal) as caught:
        states.MACHINE.apply(period, 'close', cast.director, '第二次', values={'close_reason': '第二次'})
    assert caught.value.code == 'conflict'
    db.session.expire(period)
    assert period.close_reason is None


def test_the_summary_can_be_rewritten_and_stays_summarised(db, cast, consulting):
    operations.close_early(cast.staff, consulting, '结束')
    operations.write_summary(cast.staff, consulting, '第一稿')
    period = operations.write_summary(cast.director, consulting, '第二稿')
    assert period.status == PeriodStatus.SUMMARISED
    assert period.summary == '第二稿'
    assert period.summary_by_id == cast.director.id


def test_a_summarised_period_cannot_be_closed(db, cast, consulting):
    from consult.comments import states

    operations.close_early(cast.staff, consulting, '结束')
    period = operations.write_summary(cast.staff, consulting, '总结')
    assert not states.MACHINE.may(cast.staff, period, 'close')
    assert states.MACHINE.may(cast.staff, period, 'summarise')
    assert not states.MACHINE.may(cast.resident, period, 'summarise')
