"""When a dispatched item falls due, from the rule set in force (domain.md (c), ``whistle.*``; source S20).

Simple items: ``whistle_simple_days`` calendar days. Complex items: ``whistle_complex_working_days`` working
days, counted on Longgang's calendar and skipping Saturdays and Sundays (public holidays are not modelled).
The time of day is kept, so an item dispatched at 15:00 falls due at 15:00.
"""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from consult.dispatch.models import TicketKind

LOCAL = ZoneInfo('Asia/Shanghai')


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Monday to Friday, local time), at the same time of day."""
    local = start.astimezone(LOCAL)
    while days > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(UTC)


def deadline(start: datetime, kind: str, rules) -> datetime:
    """The deadline of an item of ``kind`` dispatched at ``start`` under ``rules``."""
    if kind == TicketKind.COMPLEX:
        return add_working_days(start, rules.number('whistle_complex_working_days'))
    return start + timedelta(days=rules.number('whistle_simple_days'))
