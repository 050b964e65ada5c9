"""What a vote decides: quorum first, then approval per kind, at the boundaries of the rule set's shares."""

import json

import pytest

from consult.rules.defaults import MEETING_RULES
from consult.rules.engine import Condition
from consult.rules.engine import RuleError
from consult.rules.engine import Threshold
from consult.votes.counting import tally
from consult.votes.decide import Decision
from consult.votes.decide import decide

SEED = b'seed'
YES, NO, ABSTAIN = (0,), (1,), (2,)
RESIDENTS = MEETING_RULES['residents_meeting']
REPRESENTATIVES = MEETING_RULES['representatives_meeting']
#: No quorum to speak of: at least 0 attending.
ANY_QUORUM = Threshold.all_of(Condition('attending', '>=', 0, 1, 'one'))


def box(*groups):
    ballots = []
    for count, choice, *weight in groups:
        ballots += [(choice, weight[0] if weight else 1)] * count
    return ballots


def bases(**values):
    return {tuple(key.split('__')): value for key, value in values.items()}


def motion(*groups, **base_values):
    rules = base_values.pop('rules', RESIDENTS)
    return decide(
        'motion',
        tally('motion', 3, box(*groups), seed=SEED),
        quorum=rules['quorum'],
        approval=rules['approval'],
        bases=bases(**base_values),
    )


# Motions at the exact boundaries.


def test_fifty_of_a_hundred_attending_is_not_more_than_half():
    decision = motion((50, YES), (50, NO), eligible__head=150, attending__head=100)
    assert decision.quorum_met
    assert (decision.passed, decision.adopted, decision.reason) == (False, (), 'not_approved')
    [[result]] = decision.approvals[0].outcome.results
    assert (result.counted, result.base, result.required, result.holds) == (50, 100, 51, False)


def test_fifty_one_of_a_hundred_attending_passes():
    decision = motion((51, YES), (40, NO), (9, ABSTAIN), eligible__head=150, attending__head=100)
    assert (decision.passed, decision.adopted, decision.reason) == (True, (0,), None)
    assert decision.approvals[0].option is None


def test_abstentions_count_as_attending_against_the_motion():
    # 40 yes, 10 no: most of those voting yes or no, but not more than half of the 100 attending.
    decision = motion((40, YES), (10, NO), (50, ABSTAIN), eligible__head=150, attending__head=100)
    assert decision.reason == 'not_approved'


def test_a_failed_quorum_adopts_nothing_but_reports_its_counts():
    decision = motion((50, YES), eligible__head=100, attending__head=50)
    assert (decision.quorum_met, decision.passed, decision.reason) == (False, False, 'quorum_failed')
    assert decision.approvals == ()
    [[result]] = decision.quorum.results
    assert (result.counted, result.base, result.required, result.holds) == (50, 100, 51, False)


def test_fifty_one_of_a_hundred_eligible_is_a_quorum():
    assert motion((51, YES), eligible__head=100, attending__head=51).passed


@pytest.mark.parametrize(('attending', 'met'), [(20, True), (19, False)])
def test_two_thirds_of_members_is_met_by_twenty_of_thirty(attending, met):
    decision = motion((attending, YES), members__head=30, attending__head=attending, rules=REPRESENTATIVES)
    assert decision.quorum_met is met


@pytest.mark.parametrize(('yes', 'passed'), [(20, True), (19, False)])
def test_at_least_two_thirds_of_votes_cast(yes, passed):
    approval = Threshold.all_of(Condition('yes', '>=', 2, 3, 'votes_cast'))
    result = tally('motion', 3, box((yes, YES), (30 - yes, NO)), seed=SEED)
    decision = decide('motion', result, quorum=ANY_QUORUM, approval=approval, bases=bases(attending__head=30))
    assert decision.passed is passed


# Weights, units, compound and alternative rules.


def test_weighted_approval_differs_from_head_approval_on_the_same_ballots():
    ballots = tally('motion', 3, box((3, YES, 1), (2, NO, 5)), seed=SEED)
    counts = bases(attending__head=5, attending__weight=13)
    by_head = Threshold.all_of(Condition('yes', '>', 1, 2, 'attending'))
    by_weight = Threshold.all_of(Condition('yes', '>', 1, 2, 'attending', by='weight'))
    assert decide('motion', ballots, quorum=ANY_QUORUM, approval=by_head, bases=counts).passed
    decision = decide('motion', ballots, quorum=ANY_QUORUM, approval=by_weight, bases=counts)
    assert not decision.passed
    [[result]] = decision.approvals[0].outcome.results
    assert (result.counted, result.base, result.required) == (3, 13, 7)


def test_both_majorities_by_head_and_by_weight_must_hold():
    both = Threshold.all_of(
        Condition('yes', '>', 1, 2, 'votes_cast'), Condition('yes', '>', 1, 2, 'votes_cast', by='weight')
    )
    decision = decide(
        'motion',
        tally('motion', 3, box((3, YES, 1), (2, NO, 5)), seed=SEED),
        quorum=ANY_QUORUM,
        approval=both,
        bases=bases(attending__head=5),
    )
    [[head, weight]] = decision.approvals[0].outcome.results
    assert (head.holds, weight.holds, decision.passed) == (True, False, False)


def test_alternative_rules_pass_when_either_holds():
    either = Threshold.any_of(
        Condition('yes', '>', 2, 3, 'attending'), Condition('yes', '>', 1, 2, 'attending', by='weight')
    )
    decision = decide(
        'motion',
        tally('motion', 3, box((2, YES, 10), (3, NO, 1)), seed=SEED),
        quorum=ANY_QUORUM,
        approval=either,
        bases=bases(attending__head=5, attending__weight=23),
    )
    assert [row[0].holds for row in decision.approvals[0].outcome.results] == [False, True]
    assert decision.passed


def test_a_compound_quorum_needs_every_condition():
    quorum = Threshold.all_of(
        Condition('attending', '>', 1, 2, 'eligible'), Condition('votes_cast', '>=', 2, 3, 'attending')
    )
    ballots = tally('motion', 3, box((30, YES)), seed=SEED)
    approval = RESIDENTS['approval']
    ok = decide('motion', ballots, quorum=quorum, approval=approval, bases=bases(eligible__head=80, attending__head=45))
    assert ok.quorum_met
    low = decide(
        'motion', ballots, quorum=quorum, approval=approval, bases=bases(eligible__head=80, attending__head=46)
    )
    assert [r.holds for r in low.quorum.results[0]] == [True, False]
    assert low.reason == 'quorum_failed'


def test_one_ballot_per_household():
    approval = Threshold.all_of(Condition('yes', '>', 1, 2, 'households', by='household'))
    decision = decide(
        'motion',
        tally('motion', 3, box((21, YES), (5, NO)), seed=SEED),
        quorum=ANY_QUORUM,
        approval=approval,
        bases=bases(households__household=40, attending__head=26),
        unit='household',
    )
    assert decision.passed


# Single, multiple and ranked votes.


def single(*groups, approval=None):
    approval = approval or Threshold.all_of(Condition('yes', '>', 1, 2, 'votes_cast'))
    result = tally('single', 3, box(*groups), seed=SEED)
    return decide('single', result, quorum=ANY_QUORUM, approval=approval, bases=bases(attending__head=result.ballots))


def test_single_choice_adopts_the_option_with_most_votes_when_approved():
    decision = single((6, (1,)), (3, (0,)), (1, (2,)))
    assert decision.adopted == (1,)
    assert [a.outcome.met for a in decision.approvals] == [False, True, False]


def test_blank_ballots_are_cast_and_can_keep_an_option_from_half():
    # 5 of 10 ballots cast: the 4 blank ballots count in votes cast, for no option.
    decision = single((5, (0,)), (1, (2,)), (4, ()))
    assert (decision.adopted, decision.reason) == ((), 'not_approved')
    assert decision.approvals[0].outcome.results[0][0].base == 10


def test_a_tie_for_first_place_adopts_nothing():
    low = Threshold.all_of(Condition('yes', '>=', 1, 3, 'votes_cast'))
    decision = single((4, (0,)), (4, (2,)), (2, (1,)), approval=low)
    assert [a.outcome.met for a in decision.approvals] == [True, False, True]
    assert (decision.adopted, decision.reason) == ((), 'tie')


def test_single_choice_with_only_blank_ballots_has_no_winner():
    assert single((3, ())).reason == 'no_winner'


def test_single_choice_counted_by_weight_ranks_options_by_weight():
    by_weight = Threshold.all_of(Condition('yes', '>', 1, 3, 'votes_cast', by='weight'))
    decision = single((3, (0,), 1), (2, (1,), 4), approval=by_weight)
    assert decision.adopted == (1,)


def test_multiple_choice_adopts_each_option_approved_on_its_own_count():
    result = tally('multiple', 3, box((5, (0, 1)), (3, (0, 2)), (1, (1,)), (1, ())), seed=SEED, max_choices=2)
    assert result.heads == (8, 6, 3)
    approval = Threshold.all_of(Condition('yes', '>', 1, 2, 'votes_cast'))
    counts = bases(attending__head=10)
    decision = decide('multiple', result, quorum=ANY_QUORUM, approval=approval, bases=counts)
    assert decision.adopted == (0, 1)
    assert [r.outcome.results[0][0].required for r in decision.approvals] == [6, 6, 6]
    none = Threshold.all_of(Condition('yes', '>', 9, 10, 'votes_cast'))
    assert decide('multiple', result, quorum=ANY_QUORUM, approval=none, bases=counts).reason == 'not_approved'


def ranked(groups, approval, attending):
    result = tally('ranked', 3, box(*groups), seed=SEED)
    return decide('ranked', result, quorum=ANY_QUORUM, approval=approval, bases=bases(attending__head=attending))


def test_the_runoff_winner_is_adopted_on_its_final_round_count():
    approval = RESIDENTS['approval']
    decision = ranked([(40, (0,)), (35, (1, 0)), (25, (2, 1))], approval, attending=100)
    # Round 1: 40, 35, 25; C out, B 60: B wins with 60 of 100 attending.
    [approved] = decision.approvals
    assert (approved.option, approved.outcome.results[0][0].counted) == (1, 60)
    assert decision.adopted == (1,)


def test_exhausted_ballots_can_keep_a_runoff_winner_from_a_majority_of_those_attending():
    # The runoff's winner has 50 of the 50 ballots still counting, but 50 of 100 attending is not more than half.
    decision = ranked([(50, (0,)), (30, (1,)), (20, (2, 1))], RESIDENTS['approval'], attending=100)
    assert decision.approvals[0].option == 0
    assert (decision.adopted, decision.reason) == ((), 'not_approved')


def test_a_runoff_without_winner_adopts_nothing():
    decision = ranked([(5, ())], RESIDENTS['approval'], attending=5)
    assert (decision.approvals, decision.reason) == ((), 'no_winner')


# The caller's part.


def test_counts_the_tally_holds_cannot_be_given_by_the_caller():
    result = tally('motion', 3, box((1, YES)), seed=SEED)
    with pytest.raises(ValueError, match='votes_cast'):
        decide('motion', result, quorum=ANY_QUORUM, approval=RESIDENTS['approval'], bases=bases(votes_cast__head=9))


def test_a_missing_base_is_a_rule_error():
    result = tally('motion', 3, box((1, YES)), seed=SEED)
    with pytest.raises(RuleError):
        decide('motion', result, quorum=RESIDENTS['quorum'], approval=RESIDENTS['approval'], bases={})


def test_the_kind_and_unit_must_fit_the_tally():
    result = tally('motion', 3, box((1, YES)), seed=SEED)
    with pytest.raises(ValueError, match='single'):
        decide('single', result, quorum=ANY_QUORUM, approval=ANY_QUORUM, bases={})
    with pytest.raises(ValueError, match='unit'):
        decide('motion', result, quorum=ANY_QUORUM, approval=ANY_QUORUM, bases={}, unit='weight')


def test_a_decision_is_kept_as_json():
    decision = single((6, (1,)), (3, (0,)), (1, ()))
    data = json.loads(json.dumps(decision.to_dict()))
    assert data['passed'] is True
    assert Decision.from_dict(data) == decision
    failed = motion((50, YES), eligible__head=100, attending__head=50)
    assert Decision.from_dict(json.loads(json.dumps(failed.to_dict()))) == failed
