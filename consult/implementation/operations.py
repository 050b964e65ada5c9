"""The department's reply, tasks and their progress, the director's sign-off, corrections. They flush, never commit.

The topic's status moves only through :func:`consult.topics.states.apply`; the steps' records (the reply, the
published result) are written by their effects (``record_reply``, ``record_feedback``), plugged by ``wiring``.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.dispatch import guards as dg
from consult.dispatch.models import DispatchTicket
from consult.dispatch.models import TicketKind
from consult.dispatch.models import TicketStatus
from consult.dispatch.permissions import department_ids
from consult.dispatch.queries import serves
from consult.dispatch.states import log as log_ticket
from consult.inputs import parse_int
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.rules.queries import rules_in_force
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.permissions import is_principal

from . import guards as g
from . import logger
from . import permissions as p
from .models import LAW_MAX
from .models import TEXT_MAX
from .models import TITLE_MAX
from .models import Decision
from .models import Feedback
from .models import FeedbackKind
from .models import GovReply
from .models import Owner
from .models import ResultCorrection
from .models import Task
from .queries import reported_at

LOCAL = ZoneInfo('Asia/Shanghai')
#: A task's deadline is at most this far ahead.
MAX_TASK_DAYS = 3 * 366


def _rules(topic):
    rules = rules_in_force(topic.community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), tg.NO_RULES, code='no_rules')
    return rules


# -- the entrusting department's reply (rule 27 (ii)) ------------------------------------------------------------


def reply(actor, topic, decision: str, reasons: str):
    """The entrusting department replies: adopted or partly adopted (IMPLEMENTING), or not adopted (FEEDBACK_GIVEN).

    :raises Refusal: an unknown decision, no reasons, wrong state or person, or another reply first.
    """
    step = states.GOV_REPLY_STEPS.get(decision or '')
    if step is None:
        raise Refusal(
            _('Say whether the result is adopted, partly adopted or not adopted.'), g.GOV_REPLY, 'bad_decision'
        )
    states.apply(topic, step, actor, reason=reasons if isinstance(reasons, str) else '', decision=decision)
    record(actor, 'implementation.reply', community=topic.community, topic_id=topic.id, decision=decision)
    return topic


def record_reply(topic, actor, rules, reason, data) -> None:
    """Effect of both reply steps: the reply, late if after its due time; not adopted, it is also the feedback."""
    now = utcnow()
    db.session.add(
        GovReply(
            topic_id=topic.id,
            department_id=topic.entrusting_department_id,
            decision=data['decision'],
            reasons=reason,
            due_at=g.reply_due(topic, rules, reported_at(topic)),
            replied_by_id=actor.id,
            replied_at=now,
        )
    )
    if data['decision'] == Decision.NOT_ADOPTED:
        _feedback(topic, actor, rules, FeedbackKind.NOT_ADOPTED, reason, now)
    db.session.flush()


# -- the director's sign-off and the second disclosure (rule 30) -------------------------------------------------


def finish(actor, topic, outcome: str, text: str):
    """Sign the implementation off (``completed``: every task done) or explain why it cannot be carried out.

    :raises Refusal: an unknown outcome, tasks not done, no text, wrong state or person, or a sign-off first.
    """
    step = states.FINISH_STEPS.get(outcome or '')
    if step is None:
        raise Refusal(_('Choose how the implementation ended.'), g.USE_OF_RESULTS, code='bad_outcome')
    states.apply(topic, step, actor, reason=text if isinstance(text, str) else '')
    record(actor, f'implementation.{outcome}', community=topic.community, topic_id=topic.id)
    return topic


def _feedback(topic, actor, rules, kind, text, now) -> Feedback:
    feedback = Feedback(
        topic_id=topic.id,
        kind=str(kind),
        text=text,
        by_id=actor.id,
        at=now,
        rating_ends_at=now + timedelta(days=rules.number('satisfaction_days')),
    )
    db.session.add(feedback)
    return feedback


def record_completed(topic, actor, rules, reason, data) -> None:
    _feedback(topic, actor, rules, FeedbackKind.COMPLETED, reason, utcnow())
    db.session.flush()


def record_cannot(topic, actor, rules, reason, data) -> None:
    _feedback(topic, actor, rules, FeedbackKind.CANNOT, reason, utcnow())
    db.session.flush()


# -- tasks ---------------------------------------------------------------------------------------------------------


def deadline_from(day) -> datetime:
    """The end of ``day`` in Longgang (23:59:59 local time), in UTC."""
    if not isinstance(day, date):
        raise Refusal(_('Give the task a deadline.'), g.USE_OF_RESULTS, code='no_deadline')
    return datetime.combine(day, time(23, 59, 59), LOCAL).astimezone(UTC)


def add_task(actor, topic, title: str, owner: str, day, grid_id=None, department=None) -> Task:
    """Add a task carrying the result out, owned by the committee, a grid, or a department (a dispatched item).

    A department's task is a whistle (rule 28): only the director, the principal leader, signs it off.
    :raises Refusal: wrong state or person, bad title, owner or deadline.
    """
    if not p.may_add_task(actor, topic):
        raise Refusal(
            _('The committee adds tasks while the result is being implemented.'), g.USE_OF_RESULTS, 'forbidden'
        )
    title = g.require_text(title, TITLE_MAX, _('Name the task.'), g.USE_OF_RESULTS)
    now = utcnow()
    due_at = deadline_from(day)
    day = day.date() if isinstance(day, datetime) else day
    # Days in Longgang: from tomorrow to three years ahead, whatever the hour (UTC's date lags eight hours).
    if day <= today() or day > today() + timedelta(days=MAX_TASK_DAYS):
        raise Refusal(_('The deadline is a day from today to three years ahead.'), g.USE_OF_RESULTS, 'bad_deadline')
    rules = _rules(topic)
    task = Task(
        topic_id=topic.id,
        title=title,
        owner=owner,
        due_at=due_at,
        report_due_at=now + timedelta(days=rules.number('implementation_first_report_days')),
        created_by_id=actor.id,
        created_at=now,
    )
    if owner == Owner.GRID:
        grid = _grid(topic, grid_id)
        task.grid_id = grid.id
    elif owner == Owner.DEPARTMENT:
        task.department_id = _whistle(actor, topic, department).id
    elif owner != Owner.COMMITTEE:
        raise Refusal(_('Choose who carries the task out.'), g.USE_OF_RESULTS, code='bad_owner')
    db.session.add(task)
    db.session.flush()
    if owner == Owner.DEPARTMENT:
        task.ticket_id = _dispatch(actor, topic, task, rules, now).id
        db.session.flush()
    states.log_step(topic, 'implementation_task', actor, reason=title)
    record(actor, 'implementation.task', community=topic.community, topic_id=topic.id, task_id=task.id, owner=owner)
    logger.info('topic %s: task %s (%s) added by %s', topic.id, task.id, owner, actor.id)
    return task


def _grid(topic, grid_id):
    from consult.communities.models import Grid

    number = parse_int(grid_id, 1)
    grid = db.session.get(Grid, number) if number is not None else None
    if grid is None or grid.community_id != topic.community_id:
        raise Refusal(_("Choose one of the community's grids."), g.USE_OF_RESULTS, code='bad_grid')
    return grid


def _whistle(actor, topic, department):
    if not p.is_committee(actor, topic) or not is_principal(actor, topic):
        raise Refusal(_('Only the committee director signs off a whistle.'), dg.SIGN_OFF, code='forbidden')
    if department is None or not serves(department.id, topic.community_id):
        raise Refusal(
            _("Choose a department that serves this topic's community."), dg.DEPARTMENT_SERVES, 'bad_department'
        )
    return department


def _dispatch(actor, topic, task, rules, now) -> DispatchTicket:
    """The department's item (吹哨), dispatched at once: the director signed it off by adding the task."""
    simple = task.due_at <= now + timedelta(days=rules.number('whistle_simple_days'))
    ticket = DispatchTicket(
        topic_id=topic.id,
        community_id=topic.community_id,
        department_id=task.department_id,
        kind=str(TicketKind.SIMPLE if simple else TicketKind.COMPLEX),
        reason=task.title,
        status=TicketStatus.DISPATCHED,
        created_by_id=actor.id,
        signed_off_by_id=actor.id,
        rule_set_id=rules.id,
        dispatched_at=now,
        deadline_at=task.due_at,
        purpose='implementation',
    )
    db.session.add(ticket)
    db.session.flush()
    log_ticket(ticket, actor, 'dispatch', TicketStatus.PROPOSED, task.title)
    return ticket


def mark_done(actor, task, note: str = '') -> Task:
    """The committee (or a grid worker, for the grid's task) records a task as done; once, even if sent twice."""
    if not p.may_complete_task(actor, task):
        raise Refusal(_('You may not record this task as done.'), g.USE_OF_RESULTS, code='forbidden')
    _done(task, actor.id)
    states.log_step(task.topic, 'implementation_task_done', actor, reason=task.title)
    return task


def _done(task, actor_id: int | None) -> None:
    moved = db.session.execute(
        sa.update(Task)
        .where(Task.id == task.id, Task.done_at.is_(None))
        .values(done_at=utcnow(), done_by_id=actor_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Refusal(_('This task is done already.'), g.USE_OF_RESULTS, code='duplicate')
    db.session.refresh(task)


def on_ticket_moved(event) -> None:
    """``TicketMoved`` listener: a department closing its item finishes the task the item carries out."""
    if event.target != TicketStatus.CLOSED:
        return
    task = db.session.scalar(sa.select(Task).where(Task.ticket_id == event.subject_id, Task.done_at.is_(None)))
    if task is not None:
        _done(task, event.actor_id)


# -- a result corrected as unlawful (rule 27 (iii)) ------------------------------------------------------------


def correct_result(actor, topic, law: str, reason: str) -> ResultCorrection:
    """The government (a department serving the community) records that the result is corrected as unlawful."""
    if not p.may_correct(actor, topic):
        raise Refusal(
            _('A city department serving the community corrects a published result.'), g.CORRECTION, 'forbidden'
        )
    law = g.require_text(law, LAW_MAX, _('Name the law the result breaks.'), g.CORRECTION)
    reason = g.require_text(reason, TEXT_MAX, _('Give the reason of the correction; residents read it.'), g.CORRECTION)
    department_id = min(d for d in department_ids(actor) if serves(d, topic.community_id))
    correction = ResultCorrection(
        topic_id=topic.id, department_id=department_id, law=law, reason=reason, by_id=actor.id
    )
    db.session.add(correction)
    db.session.flush()
    states.log_step(topic, 'result_corrected', actor, reason=reason)
    record(actor, 'implementation.correct', community=topic.community, topic_id=topic.id, correction=correction.id)
    return correction
