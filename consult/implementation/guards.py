"""The rules of the use of results, each with its source, and the checks plugged into the topic's steps.

Checks with the topic-step signature ``(topic, actor, rules, reason, data)`` are plugged by ``wiring``; each
raises a :class:`~consult.kernel.refusals.Refusal` naming its rule and changes nothing.
"""

from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.security import clean_text

from .models import TEXT_MAX
from .models import Decision
from .models import Task

USE_OF_RESULTS = Rule(
    'use_of_results',
    _l(
        'Guidance on urban and rural community consultation (2015): results the community carries out are'
        " implemented promptly and disclosed within a set time limit, under residents' supervision"
    ),
)
GOV_REPLY = Rule(
    'gov_reply',
    _l(
        'Guidance on urban and rural community consultation (2015): a result on a matter a department entrusted is'
        ' reported to it, and the department studies it, adopts it or not, and replies with its reasons'
    ),
)
TWO_DISCLOSURES = Rule(
    'two_disclosures',
    _l(
        'Longgang Community Governance Regulation art 12: consultation results are disclosed to residents; four'
        ' deliberations, two disclosures: the decision and the result of its implementation are both published'
    ),
)
CANNOT_IMPLEMENT = Rule(
    'cannot_implement_explained',
    _l(
        'Guidance on urban and rural community consultation (2015): when a result cannot be carried out, residents'
        ' are told why'
    ),
)
CORRECTION = Rule(
    'unlawful_result_corrected',
    _l(
        'Urban Residents Committee Organisation Law art 15 and the Guidance on urban and rural community'
        ' consultation (2015): a result that breaks the law is corrected by the government'
    ),
)
SATISFACTION = Rule(
    'satisfaction_appraisal',
    _l(
        'Whistle-and-report practice of Guangling, Yangzhou (local practice): residents rate the implementation and'
        ' the departments that handled it; one rating per resident, changed until the period ends'
    ),
)
PRIVACY = Rule(
    'publication_privacy',
    _l('Personal Information Protection Law (2021): what is published leaves out personal information'),
)


def require_text(text, limit: int, message: str, rule: Rule) -> str:
    """``text`` cleaned (NUL and control characters removed), or a refusal when empty or longer than ``limit``."""
    cleaned = clean_text(text if isinstance(text, str) else '')
    if not cleaned:
        raise Refusal(message, rule, code='text_required')
    if len(cleaned) > limit:
        raise Refusal(_('At most %(max)s characters.', max=limit), rule, code='text_too_long')
    return cleaned


def reply_due(topic, rules, reported_at: datetime) -> datetime:
    """When the entrusting department's reply falls due (a reply at that very second is in time)."""
    return reported_at + timedelta(days=rules.number('gov_reply_days'))


def adopts(topic, actor, rules, reason, data) -> None:
    """``gov_reply``: the department adopted the result, or part of it."""
    if data.get('decision') not in (Decision.ADOPTED, Decision.PARTLY):
        raise Refusal(_('Say whether the result is adopted, partly adopted or not adopted.'), GOV_REPLY, 'bad_decision')


def rejects(topic, actor, rules, reason, data) -> None:
    """``gov_reply_not_adopted``: the department did not adopt the result."""
    if data.get('decision') != Decision.NOT_ADOPTED:
        raise Refusal(_('Say whether the result is adopted, partly adopted or not adopted.'), GOV_REPLY, 'bad_decision')


def reasons_given(topic, actor, rules, reason, data) -> None:
    require_text(reason, TEXT_MAX, _('Give the reasons of the reply.'), GOV_REPLY)


def every_task_done(topic, actor, rules, reason, data) -> None:
    """The director signs off only when the result has tasks and every one of them is done."""
    total, done = db.session.execute(
        sa.select(sa.func.count(Task.id), sa.func.count(Task.done_at)).where(Task.topic_id == topic.id)
    ).one()
    if not total:
        raise Refusal(_('Add the tasks that carry the result out first.'), USE_OF_RESULTS, code='no_tasks')
    if done < total:
        raise Refusal(
            _('%(count)s tasks are not done yet: every task is done before the sign-off.', count=total - done),
            USE_OF_RESULTS,
            code='tasks_open',
        )


def result_written(topic, actor, rules, reason, data) -> None:
    require_text(reason, TEXT_MAX, _('Write the result of the implementation; residents read it.'), TWO_DISCLOSURES)


def explanation_written(topic, actor, rules, reason, data) -> None:
    require_text(
        reason, TEXT_MAX, _('Explain why the result cannot be carried out; residents read it.'), CANNOT_IMPLEMENT
    )
