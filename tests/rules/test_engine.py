from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consult.rules.defaults import COSIGN_THRESHOLD
from consult.rules.defaults import MEETING_RULES
from consult.rules.defaults import PETITION_THRESHOLD
from consult.rules.defaults import default_params
from consult.rules.engine import Condition
from consult.rules.engine import RuleError
from consult.rules.engine import Threshold
from consult.rules.engine import evaluate


def _counts(**values):
    return {tuple(key.split('__')): value for key, value in values.items()}


def test_residents_meeting_quorum_is_strictly_more_than_half():
    quorum = MEETING_RULES['residents_meeting']['quorum']
    assert not evaluate(quorum, _counts(attending__head=50, eligible__head=100)).met
    assert evaluate(quorum, _counts(attending__head=51, eligible__head=100)).met
    assert not evaluate(quorum, _counts(attending__head=50, eligible__head=101)).met
    assert evaluate(quorum, _counts(attending__head=51, eligible__head=101)).met


def test_representatives_meeting_quorum_is_at_least_two_thirds():
    quorum = MEETING_RULES['representatives_meeting']['quorum']
    assert not evaluate(quorum, _counts(attending__head=19, members__head=30)).met
    assert evaluate(quorum, _counts(attending__head=20, members__head=30)).met
    assert not evaluate(quorum, _counts(attending__head=20, members__head=31)).met
    assert evaluate(quorum, _counts(attending__head=21, members__head=31)).met


def test_required_count_is_reported_for_the_ui():
    outcome = evaluate(MEETING_RULES['residents_meeting']['quorum'], _counts(attending__head=10, eligible__head=100))
    [[result]] = outcome.results
    assert (result.counted, result.base, result.required, result.holds) == (10, 100, 51, False)


def test_cosign_threshold_is_twenty_or_one_percent():
    assert evaluate(COSIGN_THRESHOLD, _counts(signatures__head=20, adults__head=10_000)).met
    assert not evaluate(COSIGN_THRESHOLD, _counts(signatures__head=19, adults__head=10_000)).met
    assert evaluate(COSIGN_THRESHOLD, _counts(signatures__head=12, adults__head=1_200)).met
    assert not evaluate(COSIGN_THRESHOLD, _counts(signatures__head=11, adults__head=1_200)).met


def test_petition_any_of_adults_households_groups():
    counts = _counts(
        petitioners__head=199,
        adults__head=1000,
        petitioners__household=10,
        households__household=400,
        groups__household=60,
        groups_petitioning__household=19,
    )
    assert not evaluate(PETITION_THRESHOLD, counts).met
    assert evaluate(PETITION_THRESHOLD, {**counts, ('petitioners', 'head'): 200}).met
    assert evaluate(PETITION_THRESHOLD, {**counts, ('petitioners', 'household'): 80}).met
    assert evaluate(PETITION_THRESHOLD, {**counts, ('groups_petitioning', 'household'): 20}).met


def test_compound_rule_needs_every_condition():
    rule = Threshold.all_of(Condition('attending', '>', 1, 2, 'eligible'), Condition('yes', '>=', 2, 3, 'attending'))
    assert evaluate(rule, _counts(attending__head=60, eligible__head=100, yes__head=40)).met
    assert not evaluate(rule, _counts(attending__head=60, eligible__head=100, yes__head=39)).met
    assert not evaluate(rule, _counts(attending__head=50, eligible__head=100, yes__head=50)).met


def test_weighted_counts_are_separate_from_heads():
    rule = Threshold.all_of(Condition('yes', '>', 1, 2, 'votes_cast', by='weight'))
    assert evaluate(rule, _counts(yes__weight=501, votes_cast__weight=1000)).met
    with pytest.raises(RuleError):
        evaluate(rule, _counts(yes__head=501, votes_cast__head=1000))


@pytest.mark.parametrize(
    'bad',
    [
        {'counted': 'yes', 'op': '=', 'num': 1, 'den': 2, 'base': 'attending'},
        {'counted': 'yes', 'op': '>', 'num': 1, 'den': 0, 'base': 'attending'},
        {'counted': 'yes', 'op': '>', 'num': -1, 'den': 2, 'base': 'attending'},
        {'counted': 'yes', 'op': '>', 'num': 1, 'den': 2, 'base': 'moon'},
        {'counted': 'cats', 'op': '>', 'num': 1, 'den': 2, 'base': 'attending'},
        {'counted': 'yes', 'op': '>', 'num': 1, 'den': 2, 'base': 'attending', 'by': 'vibes'},
        {'op': '>'},
        'not a dict',
    ],
)
def test_malformed_conditions_are_refused(bad):
    with pytest.raises(RuleError):
        Threshold.from_list([[bad]])


def test_empty_rules_are_refused():
    with pytest.raises(RuleError):
        Threshold.from_list([])
    with pytest.raises(RuleError):
        Threshold.from_list([[]])


def test_defaults_round_trip_through_json():
    import json

    params = json.loads(json.dumps(default_params()))
    for meeting in params['meetings'].values():
        for which in ('quorum', 'approval'):
            Threshold.from_list(meeting[which])
    assert Threshold.from_list(params['cosign']) == COSIGN_THRESHOLD


@given(
    st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 20), st.integers(1, 20), st.sampled_from(['>', '>='])
)
def test_integer_arithmetic_matches_exact_fractions(counted, base, num, den, op):
    condition = Condition('yes', op, num, den, 'attending')
    share = Fraction(num, den) * base
    expected = counted > share if op == '>' else counted >= share
    assert condition.holds(counted, base) == expected
    assert condition.holds(condition.required(base), base)
    if condition.required(base) > 0:
        assert not condition.holds(condition.required(base) - 1, base)


def test_rules_in_force_picks_the_latest_confirmed_version_by_date(db, place):
    from datetime import date

    from consult.rules.models import RuleSet
    from consult.rules.queries import rules_in_force

    v1 = rules_in_force(place.a, date(2024, 1, 1))
    assert v1.version == 1
    params = default_params()
    params['numbers']['topic_publicity_days'] = 5
    db.session.add(
        RuleSet(community_id=place.a.id, version=2, effective_from=date(2025, 6, 1), status='confirmed', params=params)
    )
    db.session.add(
        RuleSet(community_id=place.a.id, version=3, effective_from=date(2025, 7, 1), status='proposed', params=params)
    )
    db.session.flush()
    assert rules_in_force(place.a, date(2025, 5, 31)).version == 1
    assert rules_in_force(place.a, date(2025, 6, 1)).number('topic_publicity_days') == 5
    assert rules_in_force(place.a, date(2025, 8, 1)).version == 2
    assert rules_in_force(place.a, date(2020, 1, 1)) is None


def test_turnout_counts_votes_cast():
    turnout = Threshold.all_of(Condition('votes_cast', '>', 1, 2, 'eligible'))
    assert not evaluate(turnout, _counts(votes_cast__head=50, eligible__head=100)).met
    assert evaluate(turnout, _counts(votes_cast__head=51, eligible__head=100)).met


def test_an_outcome_is_kept_as_json():
    import json

    from consult.rules.engine import Outcome

    threshold = Threshold.any_of(
        Condition('yes', '>', 1, 2, 'attending'), Condition('yes', '>=', 2, 3, 'attending', by='weight')
    )
    outcome = evaluate(threshold, _counts(yes__head=5, attending__head=10, yes__weight=20, attending__weight=30))
    assert Outcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
    assert [r.holds for row in outcome.results for r in row] == [False, True]
