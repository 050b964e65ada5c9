"""The rules of deputies' work, each with its source, and the reply deadline in Longgang's calendar."""

import calendar
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.clock import CITY_ZONE
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.security import clean_text

OBSERVE = Rule(
    'deputy_observes',
    _l(
        'Law on Deputies arts 28 and 31: deputies contact the public and observe, give suggestions and opinions, but do'
        ' not handle matters directly; in consultation they observe (列席), comment and file notes, and never vote'
    ),
)
SUGGESTION = Rule(
    'deputy_suggestion_reply',
    _l(
        "Law on Deputies art 51: the bodies a deputy's suggestion is sent to study it and reply within three months,"
        ' or six for wide-ranging or complex matters'
    ),
)
WORK_RECORD = Rule('deputy_work_record', _l('Law on Deputies art 58: deputies report their work to voters'))


def require_text(text, limit: int, message: str, rule: Rule) -> str:
    """``text`` cleaned (NUL and control characters removed); refused when empty or longer than ``limit``."""
    cleaned = clean_text(text if isinstance(text, str) else '')
    if not cleaned:
        raise Refusal(message, rule, code='text_required')
    if len(cleaned) > limit:
        raise Refusal(_('At most %(max)s characters.', max=limit), rule, code='text_too_long')
    return cleaned


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reply_due(sent_at: datetime, rules, complex_: bool) -> datetime:
    """The end (23:59:59 in Longgang) of the day ``deputy_reply_months`` (or the complex figure) after sending."""
    months = rules.number('deputy_complex_reply_months' if complex_ else 'deputy_reply_months')
    day = add_months(sent_at.astimezone(CITY_ZONE).date(), months)
    return datetime.combine(day, time(23, 59, 59), CITY_ZONE).astimezone(UTC)


# -- checks of the suggestion machine's steps: ``(suggestion, actor, context, reason, data)`` ------------------


def reply_written(suggestion, actor, context, reason, data) -> None:
    from .models import TEXT_MAX

    require_text(reason, TEXT_MAX, _('Write the reply.'), SUGGESTION)


def assessment_given(suggestion, actor, context, reason, data) -> None:
    from .models import TEXT_MAX
    from .models import Assessment

    if data.get('assessment') not in set(Assessment):
        raise Refusal(_('Say whether you are satisfied with the reply.'), SUGGESTION, code='bad_assessment')
    require_text(reason, TEXT_MAX, _('Say why, in a sentence or two.'), SUGGESTION)
