"""A vote's result in plain language: each condition with its numbers, and the words for options, ties, reasons.

:func:`describe_result` turns one :class:`~consult.rules.engine.ConditionResult` into a sentence for the
result page and the minutes, e.g. "赞成 31 票，出席 40 人，须超过 1/2（至少 21 票）：通过"; the rule
itself, without numbers, is :func:`consult.rules.describe.describe`.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel import ngettext

from consult.rules.describe import BY_LABELS
from consult.rules.describe import fraction
from consult.rules.engine import ConditionResult

#: The options of a motion, in order (consult.votes.counting.MOTION_OPTIONS).
MOTION_OPTION_LABELS = (
    lazy_pgettext('motion', 'Yes'),
    lazy_pgettext('motion', 'No'),
    lazy_pgettext('motion', 'Abstain'),
)

#: How the runoff broke a tie for fewest votes (consult.votes.runoff.TIE_BREAKS).
TIE_BREAK_LABELS = {
    'earlier_round': _l('fewer votes in the most recent earlier round where the tied options differed'),
    'first_preferences': _l('fewer first preferences'),
    'lot': _l('by lot, drawn from the seed published with the result'),
}

#: Why nothing was adopted (consult.votes.decide.REASONS).
REASON_LABELS = {
    'quorum_failed': _l('The quorum was not met: nothing is adopted.'),
    'not_approved': _l('Not approved: the votes for it did not reach the required share.'),
    'tie': _l('Two or more options tied for the most votes: none is adopted.'),
    'no_winner': _l('No option received a vote that still counted: none is adopted.'),
}

#: Each count or base, as the noun before its number ("赞成 31 票", "出席 40 人").
QUANTITY_LABELS = {
    'yes': lazy_pgettext('count', 'yes'),
    'no': lazy_pgettext('count', 'no'),
    'attending': lazy_pgettext('count', 'attending'),
    'votes_cast': lazy_pgettext('count', 'votes cast'),
    'signatures': lazy_pgettext('count', 'co-signatures'),
    'petitioners': lazy_pgettext('count', 'petitioners'),
    'groups_petitioning': lazy_pgettext('count', "residents' groups petitioning"),
    'eligible': lazy_pgettext('count', 'eligible'),
    'registered': lazy_pgettext('count', 'registered'),
    'members': lazy_pgettext('count', 'members'),
    'adults': lazy_pgettext('count', 'verified adults'),
    'households': lazy_pgettext('count', 'households'),
    'groups': lazy_pgettext('count', "residents' groups"),
}
_VOTES = {'yes', 'no', 'votes_cast'}
_GROUPS = {'groups', 'groups_petitioning'}


def _amount(what: str, by: str, number: int) -> str:
    """A number with its unit: 31 votes, 40 people, 12 households; weights are bare numbers."""
    if by == 'weight':
        return str(number)
    if by == 'household' or what == 'households':
        return ngettext('%(num)s household', '%(num)s households', number)
    if what in _VOTES:
        return ngettext('%(num)s vote', '%(num)s votes', number)
    if what in _GROUPS:
        return ngettext('%(num)s group', '%(num)s groups', number)
    return ngettext('%(num)s person', '%(num)s people', number)


def _quantity(what: str, by: str, number: int) -> str:
    return _('%(label)s %(amount)s', label=QUANTITY_LABELS[what], amount=_amount(what, by, number))


def describe_result(result: ConditionResult) -> str:
    """One evaluated condition with its numbers and verdict.

    E.g. "yes 31 votes, attending 40 people; needs more than 1/2 (at least 21 votes): passed"; a share
    counted by weight ends with "(counted by weight)".
    """
    condition = result.condition
    counted = _quantity(condition.counted, condition.by, result.counted)
    required = _amount(condition.counted, condition.by, result.required)
    if condition.counted == 'yes':
        verdict = _('passed') if result.holds else _('not passed')
    else:
        verdict = _('met') if result.holds else _('not met')
    if condition.base == 'one':
        text = _(
            '%(counted)s; needs at least %(required)s: %(verdict)s', counted=counted, required=required, verdict=verdict
        )
    else:
        share = fraction(condition.num, condition.den)
        requirement = (
            _('more than %(fraction)s', fraction=share)
            if condition.op == '>'
            else _('at least %(fraction)s', fraction=share)
        )
        text = _(
            '%(counted)s, %(base)s; needs %(requirement)s (at least %(required)s): %(verdict)s',
            counted=counted,
            base=_quantity(condition.base, condition.by, result.base),
            requirement=requirement,
            required=required,
            verdict=verdict,
        )
    if condition.by == 'weight':
        text = _('%(condition)s (%(unit)s)', condition=text, unit=BY_LABELS['weight'])
    return text
