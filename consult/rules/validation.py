"""Checking a proposed rule set: every value within bounds, nothing weaker than the law allows.

:func:`build_params` turns the director's choices into a rule set's ``params`` or refuses, naming the rule.
The form checks types; this module is the server's word, whatever sends the values.
"""

from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import MEETING_TYPES
from consult.rules.defaults import NATIONAL_CATEGORIES
from consult.rules.defaults import NUMBERS
from consult.rules.defaults import SOURCE_S1_9
from consult.rules.defaults import number_value
from consult.rules.defaults import voting_value
from consult.rules.describe import NUMBER_LABELS
from consult.rules.engine import Condition
from consult.rules.engine import Threshold
from consult.security import clean_text

#: (lowest, highest) accepted for each number of the rule set.
NUMBER_BOUNDS = dict.fromkeys(NUMBERS, (0, 365)) | {
    'review_deadline_days': (1, 365),
    'cooling_off_months': (0, 60),
    'whistle_simple_days': (1, 90),
    'whistle_complex_working_days': (1, 90),
    # A positive whole number: a petition open for 0 days would lapse the second it starts.
    'petition_lapse_days': (1, 365),
    # Electoral Law art 42 allows 3; a community may allow fewer, or a few more for its own meetings.
    'proxy_max_per_holder': (1, 10),
    'gov_reply_days': (1, 365),
    'implementation_first_report_days': (1, 365),
    'implementation_report_interval_days': (1, 365),
    'satisfaction_days': (1, 365),
    # Law on Deputies art 51 sets the ceilings: three months, six for complex matters.
    'deputy_reply_months': (1, 3),
    'deputy_complex_reply_months': (1, 6),
    # Years; 0 keeps the record permanently.
    'retention_meeting_years': (0, 100),
    'retention_records_years': (0, 100),
    'retention_notices_years': (0, 100),
}
#: Per meeting type: its votes are open (roll call); written proxies may be registered.
VOTING_KEYS = ('roll_call', 'proxies')
MAX_WORK_ITEMS = 50
MAX_WORK_ITEM_LENGTH = 40
MAX_DENOMINATOR = 1000
MAX_COSIGN_COUNT = 100_000
MAX_COSIGN_DENOMINATOR = 10_000

BOUNDS = Rule('rule_set_bounds', _l('Platform rule: rule set values stay within sensible bounds'))
STATE_SECRETS = Rule('state_secrets_excluded', EXCLUSIONS['state_secret']['source'])
RESIDENTS_MEETING_MAJORITY = Rule('residents_meeting_majority', SOURCE_S1_9)
#: The residents' meeting is valid with more than half attending and decides by more than half of those
#: attending (S1 art 9, LAW): a community may ask for more, never for less.
STATUTORY_MINIMUM = {('residents_meeting', 'quorum'), ('residents_meeting', 'approval')}


def build_params(current: dict, choices: dict) -> dict:
    """Return new ``params`` from ``current`` and the director's ``choices``.

    ``choices`` holds ``categories`` and ``exclusions`` (lists of keys), ``work_items`` (text, one per line),
    ``numbers`` ({key: int}), ``cosign`` ({count, num, den}, each int or None) and ``meetings``
    ({type: {'quorum'|'approval': (op, num, den)}}), and ``voting`` ({type: {'roll_call': bool, 'proxies':
    bool}}; absent: kept as they are). The petition threshold is the law's and is kept.

    :raises Refusal: a value out of bounds, a share weaker than the law, or state secrets switched off.
    """
    categories = [key for key in NATIONAL_CATEGORIES if key in set(choices.get('categories') or [])]
    work_items = clean_work_items(choices.get('work_items') or '')
    if not categories and not work_items:
        raise Refusal(_('Keep at least one category of matters.'), BOUNDS, code='no_category')
    exclusions = [key for key in EXCLUSIONS if key in set(choices.get('exclusions') or [])]
    if 'state_secret' not in exclusions:
        raise Refusal(
            _('Matters involving state secrets can never be consulted on.'), STATE_SECRETS, code='state_secret'
        )
    return {
        'categories': categories,
        'work_items': work_items,
        'exclusions': exclusions,
        'numbers': _numbers(choices.get('numbers') or {}),
        'cosign': _cosign(choices.get('cosign') or {}).to_list(),
        'petition': current['petition'],
        'meetings': _voting(
            _meetings(current['meetings'], choices.get('meetings') or {}), current, choices.get('voting')
        ),
    }


def clean_work_items(text) -> list[str]:
    """The community's work items, one per line: cleaned, blank lines and repeats dropped, order kept."""
    lines = text if isinstance(text, list) else str(text).splitlines()
    items: list[str] = []
    for line in lines:
        item = clean_text(line)
        if item and item not in items:
            items.append(item)
    if len(items) > MAX_WORK_ITEMS:
        raise Refusal(_('At most %(max)s work items.', max=MAX_WORK_ITEMS), BOUNDS, code='too_many_work_items')
    for item in items:
        if len(item) > MAX_WORK_ITEM_LENGTH:
            raise Refusal(
                _('Work item "%(item)s" is longer than %(max)s characters.', item=item, max=MAX_WORK_ITEM_LENGTH),
                BOUNDS,
                code='work_item_too_long',
            )
    return items


def _whole(value) -> int | None:
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    return int(value)


def _numbers(values: dict) -> dict:
    numbers = {}
    for key, (low, high) in NUMBER_BOUNDS.items():
        try:
            value = _whole(values.get(key))
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            raise Refusal(
                _(
                    '"%(name)s" must be a whole number from %(low)s to %(high)s.',
                    name=NUMBER_LABELS[key],
                    low=low,
                    high=high,
                ),
                BOUNDS,
                code='number_bounds',
            )
        numbers[key] = value
    return numbers


def _share(num, den, max_den: int) -> tuple[int, int]:
    try:
        num, den = _whole(num), _whole(den)
    except (TypeError, ValueError):
        num = den = None
    if num is None or den is None or not 1 <= den <= max_den or not 1 <= num <= den:
        raise Refusal(
            _('A share is a fraction from 1/%(max)s up to 1 (e.g. 1/2, 2/3).', max=max_den),
            BOUNDS,
            code='share_bounds',
        )
    return num, den


def _cosign(values: dict) -> Threshold:
    conditions = []
    try:
        count = _whole(values.get('count'))
    except (TypeError, ValueError):
        count = -1
    if count is not None:
        if not 1 <= count <= MAX_COSIGN_COUNT:
            raise Refusal(
                _('The co-signing count must be from 1 to %(max)s.', max=MAX_COSIGN_COUNT), BOUNDS, code='cosign_count'
            )
        conditions.append(Condition('signatures', '>=', count, 1, 'one'))
    if values.get('num') not in (None, '') or values.get('den') not in (None, ''):
        num, den = _share(values.get('num'), values.get('den'), MAX_COSIGN_DENOMINATOR)
        conditions.append(Condition('signatures', '>=', num, den, 'adults'))
    if not conditions:
        raise Refusal(
            _('Set a co-signing count, a share of verified adult residents, or both.'), BOUNDS, code='cosign_empty'
        )
    return Threshold.any_of(*conditions)


def _meetings(current: dict, choices: dict) -> dict:
    meetings = {}
    for meeting in MEETING_TYPES:
        meetings[meeting] = {}
        for which in ('quorum', 'approval'):
            chosen = (choices.get(meeting) or {}).get(which)
            if chosen is None:
                meetings[meeting][which] = current[meeting][which]
                continue
            op, num, den = chosen
            if op not in ('>', '>='):
                raise Refusal(_('Choose "more than" or "at least".'), BOUNDS, code='share_operator')
            num, den = _share(num, den, MAX_DENOMINATOR)
            if op == '>' and num == den:
                raise Refusal(_('"More than all" can never be met.'), BOUNDS, code='share_bounds')
            if (meeting, which) in STATUTORY_MINIMUM and not _at_least_majority(op, Fraction(num, den)):
                raise Refusal(
                    _(
                        "A residents' meeting needs more than half of those entitled attending, and more than "
                        'half of those attending approving; a community may ask for more, never for less.'
                    ),
                    RESIDENTS_MEETING_MAJORITY,
                    code='weaker_than_law',
                )
            base = Threshold.from_list(current[meeting][which]).rules[0].conditions[0]
            condition = Condition(base.counted, op, num, den, base.base, base.by)
            meetings[meeting][which] = Threshold.all_of(condition).to_list()
    return meetings


def _voting(meetings: dict, current: dict, choices: dict | None) -> dict:
    """Add each meeting type's ``roll_call`` and ``proxies`` (chosen, or as ``current`` has them).

    A value ``current`` does not store and the choice leaves at its default is not written either: a version
    made before these settings existed, proposed again unchanged, stays unchanged.
    """
    for meeting in MEETING_TYPES:
        chosen = (choices or {}).get(meeting) or {}
        stored = current['meetings'].get(meeting) or {}
        for key in VOTING_KEYS:
            now = voting_value(current, meeting, key)
            value = bool(chosen[key]) if chosen.get(key) is not None else now
            if key in stored or value != now:
                meetings[meeting][key] = value
    return meetings


def _at_least_majority(op: str, share: Fraction) -> bool:
    """Whether "``op`` ``share``" is at least as strict as "more than 1/2"."""
    return share > Fraction(1, 2) or (op == '>' and share == Fraction(1, 2))


def choices_from(params: dict) -> dict:
    """The choices that reproduce ``params`` (to prefill the form from the version in force)."""
    cosign = {'count': None, 'num': None, 'den': None}
    for rule in Threshold.from_list(params['cosign']).rules:
        condition = rule.conditions[0]
        if condition.base == 'one':
            cosign['count'] = condition.num // condition.den
        else:
            cosign['num'], cosign['den'] = condition.num, condition.den
    meetings = {}
    for meeting, rules in params['meetings'].items():
        meetings[meeting] = {}
        for which in ('quorum', 'approval'):
            condition = Threshold.from_list(rules[which]).rules[0].conditions[0]
            meetings[meeting][which] = (condition.op, condition.num, condition.den)
    return {
        'categories': list(params['categories']),
        'work_items': '\n'.join(params.get('work_items', [])),
        'exclusions': list(params['exclusions']),
        'numbers': {key: number_value(params, key) for key in NUMBERS},
        'cosign': cosign,
        'meetings': meetings,
        'voting': {
            meeting: {key: voting_value(params, meeting, key) for key in VOTING_KEYS} for meeting in MEETING_TYPES
        },
    }
