"""The current time (aware UTC) and today's date in the city's time zone."""

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

#: The city's time zone: it decides birthdays, deadlines counted in days and what "today" is.
CITY_ZONE = ZoneInfo('Asia/Shanghai')


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the city's time zone (Asia/Shanghai)."""
    return utcnow().astimezone(CITY_ZONE).date()
