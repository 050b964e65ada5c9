"""A rule set in plain language for the public pages: each value with its source, and what a version changed."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.rules.defaults import COSIGN_SOURCE
from consult.rules.defaults import COSIGN_THRESHOLD
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import MEETING_RULES
from consult.rules.defaults import MEETING_TYPES
from consult.rules.defaults import NATIONAL_CATEGORIES
from consult.rules.defaults import NUMBERS
from consult.rules.defaults import PETITION_SOURCE
from consult.rules.defaults import PROXIES_SOURCE
from consult.rules.defaults import ROLL_CALL_MEETINGS
from consult.rules.defaults import ROLL_CALL_SOURCE
from consult.rules.defaults import number_value
from consult.rules.defaults import voting_value
from consult.rules.describe import NUMBER_LABELS
from consult.rules.describe import describe
from consult.rules.engine import Threshold

CATEGORY_SOURCE = _l('Opinions on Strengthening Urban and Rural Community Consultation (2015)')
WORK_ITEM_SOURCE = _l('Longgang Community Governance Regulation art 8 (community work-item list)')
#: Shown instead of the default's source when the community chose its own value.
COMMUNITY_SOURCE = _l('Set by the community in this version (default: %(default)s; %(source)s)')


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: object
    source: str
    unit: str = ''


def _source(changed: bool, default, source) -> str:
    if not changed:
        return source
    return COMMUNITY_SOURCE % {'default': default, 'source': source}


def number_rows(params: dict) -> list[Row]:
    """Each number, its unit (days or months) and its source."""
    rows = []
    for key, default in NUMBERS.items():
        value = number_value(params, key)
        unit = (
            'months'
            if key.endswith('_months')
            else 'working_days'
            if key.endswith('_working_days')
            else 'days'
            if key.endswith('_days')
            else 'years'
            if key.endswith('_years')
            else 'count'
        )
        rows.append(
            Row(key, NUMBER_LABELS[key], value, _source(value != default.value, default.value, default.source), unit)
        )
    return rows


def threshold_rows(params: dict) -> list[Row]:
    """Co-signing, petition, and the quorum and approval of each meeting type, in words, with sources."""
    cosign = Threshold.from_list(params['cosign'])
    rows = [
        Row(
            'cosign',
            _l('A topic goes to review when'),
            describe(cosign),
            _source(cosign != COSIGN_THRESHOLD, describe(COSIGN_THRESHOLD), COSIGN_SOURCE),
        ),
        Row(
            'petition',
            _l("The committee must convene a residents' meeting when"),
            describe(Threshold.from_list(params['petition'])),
            PETITION_SOURCE,
        ),
    ]
    for meeting, label in MEETING_TYPES.items():
        default = MEETING_RULES[meeting]
        for which, text in (('quorum', _('%(meeting)s: quorum')), ('approval', _('%(meeting)s: approval'))):
            threshold = Threshold.from_list(params['meetings'][meeting][which])
            rows.append(
                Row(
                    f'{meeting}.{which}',
                    text % {'meeting': label},
                    describe(threshold),
                    _source(threshold != default[which], describe(default[which]), default['source']),
                )
            )
        rows.append(_voting_row(params, meeting, label))
    return rows


def _voting_text(roll_call: bool, proxies: bool, cap: int) -> str:
    text = _('Open vote (roll call): names and choices published') if roll_call else _('Secret ballot')
    return (
        text
        + '; '
        + (_('written proxies allowed, at most %(num)s per holder', num=cap) if proxies else _('no proxies'))
    )


def _voting_row(params: dict, meeting: str, label) -> Row:
    """How a meeting type votes: secret or open, and whether written proxies are allowed."""
    roll_call, proxies = voting_value(params, meeting, 'roll_call'), voting_value(params, meeting, 'proxies')
    default_roll_call = meeting in ROLL_CALL_MEETINGS
    return Row(
        f'{meeting}.voting',
        _('%(meeting)s: how it votes', meeting=label),
        _voting_text(roll_call, proxies, number_value(params, 'proxy_max_per_holder')),
        _source(
            roll_call != default_roll_call or proxies,
            _voting_text(default_roll_call, False, 0),
            f'{ROLL_CALL_SOURCE}; {PROXIES_SOURCE}',
        ),
    )


def category_rows(params: dict) -> list[Row]:
    rows = [Row(key, NATIONAL_CATEGORIES[key], None, CATEGORY_SOURCE) for key in params['categories']]
    return rows + [Row('work_item', item, None, WORK_ITEM_SOURCE) for item in params.get('work_items', [])]


def exclusion_rows(params: dict) -> list[Row]:
    return [
        Row(key, EXCLUSIONS[key]['label'], EXCLUSIONS[key]['redirect'], EXCLUSIONS[key]['source'])
        for key in params['exclusions']
    ]


@dataclass(frozen=True)
class Changes:
    categories_added: list[str]
    categories_removed: list[str]
    exclusions_added: list[str]
    exclusions_removed: list[str]
    #: (label, old value, new value, unit)
    changed: list[tuple]

    def __bool__(self):
        return any(
            (
                self.categories_added,
                self.categories_removed,
                self.exclusions_added,
                self.exclusions_removed,
                self.changed,
            )
        )


def _difference(rows_of, old: dict, new: dict) -> tuple[list[str], list[str]]:
    before = [str(row.label) for row in rows_of(old)]
    after = [str(row.label) for row in rows_of(new)]
    return [label for label in after if label not in before], [label for label in before if label not in after]


def changes_between(old: dict, new: dict) -> Changes:
    """What ``new`` changes from ``old``: categories and exclusions added or removed, numbers and rules changed."""
    changed = []
    for o, n in zip(number_rows(old), number_rows(new), strict=True):
        if o.value != n.value:
            changed.append((n.label, o.value, n.value, n.unit))
    for o, n in zip(threshold_rows(old), threshold_rows(new), strict=True):
        if o.value != n.value:
            changed.append((n.label, o.value, n.value, ''))
    categories_added, categories_removed = _difference(category_rows, old, new)
    exclusions_added, exclusions_removed = _difference(exclusion_rows, old, new)
    return Changes(categories_added, categories_removed, exclusions_added, exclusions_removed, changed)
