"""Retention classes (domain.md rule 36): how long each bundle item is kept, from the community's rule set."""

from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l

from consult.rules.defaults import NUMBERS
from consult.rules.defaults import number_value

#: Permanent by default: minutes, sign-in sheets and vote results of meetings.
MEETING_RECORDS = frozenset({'minutes', 'sign_in', 'vote_tally'})
#: Routine notices: the announcement and the meetings' notices.
NOTICES = frozenset({'announcement', 'meeting_notice'})
NUMBER_OF_CLASS = {
    'meeting': 'retention_meeting_years',
    'records': 'retention_records_years',
    'notices': 'retention_notices_years',
}
CLASS_LABELS = {
    'meeting': _l('Meeting minutes, sign-in sheets and vote results'),
    'records': _l('Other consultation records'),
    'notices': _l('Routine notices'),
}


def class_of(key: str) -> str:
    if key in MEETING_RECORDS:
        return 'meeting'
    if key in NOTICES:
        return 'notices'
    return 'records'


def years_of(key: str, params: dict | None) -> int:
    """The item's retention in years (0: permanent), from a rule set's ``params`` (``None``: the defaults)."""
    number = NUMBER_OF_CLASS[class_of(key)]
    return number_value(params or {}, number)


def source_of(key: str):
    return NUMBERS[NUMBER_OF_CLASS[class_of(key)]].source


def term_ends_on(archived_at: datetime | None, years: int) -> date | None:
    """The day a fixed term ends: counted in whole years from 1 January after filing; ``None`` if permanent."""
    if archived_at is None or years == 0:
        return None
    return date(archived_at.year + 1 + years, 1, 1)
