"""Thresholds in plain language: any :class:`~consult.rules.engine.Threshold` as one translated sentence.

Conditions of a rule join with "and"; alternative rules join with "or". A share of the base ``one`` is an
absolute number ("at least 20 sign"); a share with denominator 100 reads as a percentage.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.rules.engine import Condition
from consult.rules.engine import Threshold

#: What is counted, as a clause around the share ("%(share)s attend").
COUNTED_CLAUSES = {
    'attending': _l('%(share)s attend'),
    'yes': _l('%(share)s vote yes'),
    'no': _l('%(share)s vote no'),
    # Ballots cast, blank ones included: a turnout condition ("more than 1/2 of eligible residents vote").
    'votes_cast': _l('%(share)s vote'),
    'signatures': _l('%(share)s co-sign'),
    'petitioners': _l('%(share)s petition'),
    # A residents' group (a building) petitions when most of its households do (consult/petitions).
    'groups_petitioning': _l('%(share)s petition'),
}

#: What a share is taken of.
BASE_LABELS = {
    'eligible': _l('eligible residents'),
    'registered': _l('registered residents'),
    'attending': _l('those attending'),
    'votes_cast': _l('votes cast'),
    'members': _l('members'),
    'adults': _l('verified adult residents'),
    'households': _l('households'),
    'groups': _l("residents' groups"),
}

#: Each number of the rule set, as a resident would ask about it.
NUMBER_LABELS = {
    'review_deadline_days': _l('Admissibility review of a submitted topic, within'),
    'topic_publicity_days': _l('Topic announcement before a session, at least'),
    'notice_days': _l("Notice of a residents' meeting, at least"),
    'materials_days': _l('Materials sent to participants before a session, at least'),
    'result_publicity_days': _l('Result public notice period'),
    'objection_window_days': _l('Objections may be raised within'),
    'objection_reply_days': _l('Each objection is answered within'),
    'cooling_off_months': _l('A decided matter is not reopened for'),
    'whistle_simple_days': _l('A simple item dispatched to a department is closed within'),
    'whistle_complex_working_days': _l('A complex item dispatched to a department is closed within'),
    'proxy_max_per_holder': _l('Written proxies one person may hold in a vote, at most'),
    'petition_lapse_days': _l("A petition for a residents' meeting lapses unless met within"),
    'gov_reply_days': _l('The entrusting department replies to a reported result within'),
    'implementation_first_report_days': _l("An implementation task's first progress report is due within"),
    'implementation_report_interval_days': _l('Then a progress report is due every'),
    'satisfaction_days': _l('Residents rate the implementation for'),
    'deputy_reply_months': _l("The body an NPC deputy's suggestion is sent to replies within"),
    'deputy_complex_reply_months': _l('A complex suggestion of an NPC deputy is replied to within'),
    'retention_meeting_years': _l('Minutes, sign-in sheets and vote results of meetings are kept for (0: permanently)'),
    'retention_records_years': _l('Other consultation records are kept for (0: permanently)'),
    'retention_notices_years': _l('Routine notices are kept for (0: permanently)'),
}

BY_LABELS = {
    'head': None,
    'household': _l('counted by household'),
    'weight': _l('counted by weight'),
}


def fraction(num: int, den: int) -> str:
    """``1/2``, ``2/3``, ``1%`` (hundredths read as percentages), ``20`` (a whole number)."""
    if den == 1:
        return str(num)
    if den == 100:
        return f'{num}%'
    return f'{num}/{den}'


def _share(condition: Condition) -> str:
    if condition.base == 'one':
        count = fraction(condition.num, condition.den)
        if condition.op == '>':
            return _('more than %(count)s', count=count)
        return _('at least %(count)s', count=count)
    values = {'fraction': fraction(condition.num, condition.den), 'base': BASE_LABELS[condition.base]}
    if condition.op == '>':
        return _('more than %(fraction)s of %(base)s', **values)
    return _('at least %(fraction)s of %(base)s', **values)


def describe_condition(condition: Condition) -> str:
    """One condition, e.g. "more than 1/2 of eligible residents attend"."""
    text = COUNTED_CLAUSES[condition.counted] % {'share': _share(condition)}
    unit = BY_LABELS[condition.by]
    if unit is not None:
        text = _('%(condition)s (%(unit)s)', condition=text, unit=unit)
    return text


def describe(threshold: Threshold) -> str:
    """The whole threshold as one sentence: conditions joined by "and", rules by "or"."""
    rules = []
    for rule in threshold.rules:
        text = _(' and ').join(describe_condition(c) for c in rule.conditions)
        if len(rule.conditions) > 1 and len(threshold.rules) > 1:
            text = _('(%(rule)s)', rule=text)
        rules.append(text)
    return _(', or ').join(rules)
