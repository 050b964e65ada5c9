"""The count: what a ballot may hold, the tally of each kind, and instant runoff round by round."""

import hashlib
import json
import random

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consult.votes.counting import ChoiceError
from consult.votes.counting import SetupError
from consult.votes.counting import Tally
from consult.votes.counting import check_setup
from consult.votes.counting import ranking_from_ranks
from consult.votes.counting import tally
from consult.votes.counting import validate_choice
from consult.votes.runoff import break_tie
from consult.votes.runoff import lot_ticket

SEED = b'published seed'
A, B, C, D, E = range(5)


def box(*groups):
    """Ballots from ``(count, choice)`` or ``(count, choice, weight)`` groups."""
    ballots = []
    for count, choice, *weight in groups:
        ballots += [(choice, weight[0] if weight else 1)] * count
    return ballots


def refused(kind, n, max_choices, choice):
    with pytest.raises(ChoiceError) as caught:
        validate_choice(kind, n, max_choices, choice)
    return caught.value.code


# What a ballot may hold.


@pytest.mark.parametrize(('choice', 'stored'), [((0,), (0,)), ([1], (1,)), ((2,), (2,))])
def test_a_motion_ballot_holds_yes_no_or_abstain(choice, stored):
    assert validate_choice('motion', 3, None, choice) == stored


@pytest.mark.parametrize(
    ('choice', 'code'),
    [
        ((), 'empty_motion'),
        ((0, 1), 'too_many'),
        ((3,), 'unknown_option'),
        ((-1,), 'unknown_option'),
        ((0, 0), 'repeated'),
        ((True,), 'not_an_option'),
        (('0',), 'not_an_option'),
        ((0.0,), 'not_an_option'),
        ('0', 'not_a_list'),
        (0, 'not_a_list'),
        (None, 'not_a_list'),
        ({0: 1}, 'not_a_list'),
    ],
)
def test_a_motion_ballot_refuses(choice, code):
    assert refused('motion', 3, None, choice) == code


def test_a_single_choice_ballot_may_be_blank():
    assert validate_choice('single', 4, None, ()) == ()
    assert validate_choice('single', 4, None, [3]) == (3,)
    assert refused('single', 4, None, (0, 1)) == 'too_many'
    assert refused('single', 4, None, (4,)) == 'unknown_option'


def test_a_multiple_choice_ballot_is_stored_sorted_up_to_its_limit():
    assert validate_choice('multiple', 5, 2, [4, 1]) == (1, 4)
    assert validate_choice('multiple', 5, 2, []) == ()
    assert refused('multiple', 5, 2, [0, 1, 2]) == 'too_many'
    assert refused('multiple', 5, 2, [1, 1]) == 'repeated'
    assert refused('multiple', 5, 2, [1, 7]) == 'unknown_option'


def test_a_ranking_keeps_its_order_and_may_be_partial():
    assert validate_choice('ranked', 4, None, [2, 0, 3, 1]) == (2, 0, 3, 1)
    assert validate_choice('ranked', 4, None, (3,)) == (3,)
    assert validate_choice('ranked', 4, None, ()) == ()
    assert refused('ranked', 4, None, (0, 2, 0)) == 'repeated'
    assert refused('ranked', 4, None, (0, 9)) == 'unknown_option'


@pytest.mark.parametrize(
    ('kind', 'n', 'max_choices', 'code'),
    [
        ('poll', 3, None, 'unknown_kind'),
        ('motion', 2, None, 'motion_options'),
        ('motion', 4, None, 'motion_options'),
        ('single', 1, None, 'too_few_options'),
        ('ranked', 51, None, 'too_many_options'),
        ('multiple', 3, 0, 'max_choices'),
        ('multiple', 3, 4, 'max_choices'),
        ('multiple', 3, None, 'max_choices'),
    ],
)
def test_a_vote_that_cannot_be_held_is_refused(kind, n, max_choices, code):
    with pytest.raises(SetupError) as caught:
        check_setup(kind, n, max_choices)
    assert caught.value.code == code


def test_ranks_from_a_form_become_a_ranking():
    assert ranking_from_ranks({2: 1, 0: 2, 1: None, 3: 3}) == (2, 0, 3)
    assert ranking_from_ranks({0: None, 1: None}) == ()


@pytest.mark.parametrize(
    ('ranks', 'code'),
    [
        ({0: 1, 1: 1}, 'rank_repeated'),
        ({0: 1, 1: 2, 2: 4}, 'rank_gap'),
        ({0: 2, 1: 3}, 'rank_gap'),
        ({0: 0}, 'not_a_rank'),
        ({0: -1}, 'not_a_rank'),
        ({0: '1'}, 'not_a_rank'),
        ({0: True}, 'not_a_rank'),
    ],
)
def test_ranks_with_repeats_or_gaps_are_refused(ranks, code):
    with pytest.raises(ChoiceError) as caught:
        ranking_from_ranks(ranks)
    assert caught.value.code == code


# Tallies of the kinds without rounds.


def test_motion_tally_counts_heads_and_weights():
    result = tally('motion', 3, box((3, (0,), 2), (2, (1,), 5), (1, (2,))), seed=SEED)
    assert (result.ballots, result.blank, result.weight_total) == (6, 0, 17)
    assert result.heads == (3, 2, 1)
    assert result.weights == (6, 10, 1)
    assert result.rounds == ()
    assert result.winner is None


def test_blank_ballots_are_cast_but_count_for_no_option():
    result = tally('single', 3, box((4, ()), (5, (0,)), (1, (2,))), seed=SEED)
    assert (result.ballots, result.blank) == (10, 4)
    assert result.heads == (5, 0, 1)


def test_a_multiple_choice_ballot_counts_for_each_option_it_chose():
    result = tally('multiple', 3, box((2, (0, 1)), (1, (1, 2)), (1, ())), seed=SEED, max_choices=2)
    assert result.heads == (2, 3, 1)
    assert (result.ballots, result.blank) == (4, 1)


def test_a_tally_refuses_a_ballot_it_cannot_count():
    with pytest.raises(ChoiceError) as caught:
        tally('multiple', 3, box((1, (0, 1, 2))), seed=SEED, max_choices=2)
    assert caught.value.code == 'too_many'
    with pytest.raises(ChoiceError) as caught:
        tally('ranked', 3, box((5, (0, 1)), (1, (1, 1))), seed=SEED)
    assert caught.value.code == 'repeated'
    with pytest.raises(ChoiceError) as caught:
        tally('motion', 3, box((1, ())), seed=SEED)
    assert caught.value.code == 'empty_motion'


@pytest.mark.parametrize('weight', [-1, 1.5, True, None])
def test_a_weight_is_a_whole_number_from_zero(weight):
    with pytest.raises(ValueError, match='weight'):
        tally('motion', 3, [((0,), weight)], seed=SEED)


def test_a_tally_is_kept_as_json():
    result = tally('ranked', 3, box((2, (0, 1)), (2, (1,)), (1, (2, 0)), (1, ())), seed=SEED)
    assert Tally.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    assert result.seed == SEED.hex()


# Instant runoff.


def test_a_majority_of_first_preferences_wins_in_the_first_round():
    result = tally('ranked', 2, box((51, (A, B)), (49, (B, A))), seed=SEED)
    assert result.winner == A
    [only] = result.rounds
    assert (only.heads, only.winner, only.eliminated) == ((51, 49), A, None)


def test_exactly_half_is_not_a_majority_and_exhausted_ballots_stop_counting():
    result = tally('ranked', 3, box((50, (A,)), (30, (B,)), (20, (C, B))), seed=SEED)
    first, second, third = result.rounds
    # Round 1: A has 50 of 100, not more than half; C is eliminated and its ballots go to B.
    assert (first.heads, first.eliminated, first.winner) == ((50, 30, 20), C, None)
    # Round 2: the last two tie at 50; B had fewer first preferences (round 1), so B is eliminated.
    assert (second.heads, second.eliminated, second.tied, second.tie_break) == (
        (50, 50, None),
        B,
        (A, B),
        'first_preferences',
    )
    # Round 3: B's 50 ballots rank no one else; A wins with all 50 ballots still counting.
    assert (third.heads, third.exhausted, third.winner) == ((50, None, None), 50, A)
    assert third.continuing == 50
    assert result.winner == A
    assert result.heads == (50, 30, 20)  # first preferences


def test_eliminations_over_several_rounds_move_ballots_to_their_next_continuing_preference():
    result = tally(
        'ranked',
        4,
        box((9, (A, B)), (7, (B, C)), (5, (C, D, B)), (4, (D, C)), (2, (D, A, B))),
        seed=SEED,
    )
    rounds = [(r.heads, r.exhausted, r.eliminated, r.winner) for r in result.rounds]
    assert rounds == [
        ((9, 7, 5, 6), 0, C, None),  # C's ballots go to D, their next preference
        ((9, 7, None, 11), 0, B, None),  # B's ballots rank C next, eliminated: they exhaust
        ((9, None, None, 11), 7, None, D),  # D has 11 of the 20 ballots still counting (not of 27 cast)
    ]
    assert result.winner == D


def test_a_tie_is_broken_by_the_most_recent_earlier_round_not_the_first():
    result = tally(
        'ranked',
        5,
        box(
            (8, (A,)),
            (6, (B,)),
            (5, (C,)),
            (2, (D, C)),
            (1, (D,)),
            (1, (E, B)),
            (3, (E,)),
        ),
        seed=SEED,
    )
    first, second, third, fourth = result.rounds
    assert (first.heads, first.eliminated) == ((8, 6, 5, 3, 4), D)
    assert (second.heads, second.eliminated) == ((8, 6, 7, None, 4), E)
    # B and C tie at 7: in round 2 B had fewer (6 < 7), in round 1 C had (5 < 6). The most recent counts.
    assert (third.heads, third.tied, third.eliminated, third.tie_break) == (
        (8, 7, 7, None, None),
        (B, C),
        B,
        'earlier_round',
    )
    assert (fourth.heads, fourth.winner) == ((8, None, 7, None, None), A)


def test_a_tie_equal_in_every_later_round_is_broken_by_first_preferences():
    result = tally('ranked', 4, box((10, (A,)), (5, (B,)), (4, (C,)), (1, (D, C))), seed=SEED)
    first, second, third = result.rounds
    assert (first.heads, first.eliminated, first.tie_break) == ((10, 5, 4, 1), D, None)
    # A has exactly half (10 of 20): no winner. B and C tie at 5; C had fewer first preferences.
    assert (second.heads, second.tied, second.eliminated, second.tie_break) == (
        (10, 5, 5, None),
        (B, C),
        C,
        'first_preferences',
    )
    assert (third.heads, third.exhausted, third.winner) == ((10, 5, None, None), 5, A)


def test_three_tied_narrow_down_round_by_round():
    # Now: options 1, 2 and 3 tie. Round 2 (most recent) leaves 2 and 3; round 1 separates them.
    history = [(9, 4, 5, 6), (9, 6, 5, 5)]
    assert break_tie([1, 2, 3], history, SEED) == (2, 'first_preferences')


def test_a_tie_no_count_separates_is_drawn_by_lot_from_the_seed():
    ballots = box((2, (A,)), (2, (B,)))
    result = tally('ranked', 2, ballots, seed=SEED)
    first, second = result.rounds
    # The documented recipe: the smallest sha256(seed + b'/' + index) is eliminated.
    expected = min((A, B), key=lambda o: hashlib.sha256(SEED + b'/' + str(o).encode()).digest())
    assert (first.tied, first.eliminated, first.tie_break) == ((A, B), expected, 'lot')
    assert result.winner == 1 - expected
    assert second.winner == result.winner
    # Anyone with the seed recounts the same; another seed may draw the other option.
    assert tally('ranked', 2, list(reversed(ballots)), seed=SEED) == result
    losers = {tally('ranked', 2, ballots, seed=bytes([n])).rounds[0].eliminated for n in range(8)}
    assert losers == {A, B}


def test_the_lot_also_breaks_a_tie_equal_in_every_earlier_round():
    # A, B and C all have 3 in round 1; D (0) goes first, by fewest votes alone. Then A, B, C tie again.
    result = tally('ranked', 4, box((3, (A,)), (3, (B,)), (3, (C,))), seed=SEED)
    assert result.rounds[0].eliminated == D
    second = result.rounds[1]
    assert (second.tied, second.tie_break) == ((A, B, C), 'lot')
    assert second.eliminated == min((A, B, C), key=lambda o: lot_ticket(SEED, o))


def test_no_ballot_ranking_anything_means_no_winner():
    result = tally('ranked', 3, box((4, ())), seed=SEED)
    [only] = result.rounds
    assert (result.ballots, result.blank, result.winner) == (4, 4, None)
    assert (only.heads, only.exhausted, only.eliminated, only.winner) == ((0, 0, 0), 0, None, None)
    assert tally('ranked', 3, [], seed=SEED).winner is None


def test_rounds_carry_the_weights_of_the_ballots_counting():
    result = tally('ranked', 3, box((2, (A,), 10), (3, (B,), 1), (1, (C, A), 4)), seed=SEED)
    first, second, third = result.rounds
    assert (first.weights, first.eliminated) == ((20, 3, 4), C)
    assert (second.heads, second.weights, second.eliminated) == ((3, 3, None), (24, 3, None), A)
    assert (third.heads, third.weights, third.winner) == ((None, 3, None), (None, 3, None), B)
    assert (third.exhausted, third.exhausted_weight) == (3, 24)
    assert result.weights == (20, 3, 4)


def _reference_runoff(n, ballots, seed):
    """The rule read literally: recount every ballot from scratch in every round."""
    continuing, history, steps = set(range(n)), [], []
    while True:
        counts = [0] * n
        for ranking, _ in ballots:
            for option in ranking:
                if option in continuing:
                    counts[option] += 1
                    break
        active = sum(counts)
        if active == 0:
            return steps, None
        leader = max(continuing, key=lambda o: (counts[o], -o))
        if 2 * counts[leader] > active:
            return steps, leader
        fewest = min(counts[o] for o in continuing)
        tied = sorted(o for o in continuing if counts[o] == fewest)
        loser = tied[0] if len(tied) == 1 else break_tie(tied, history, seed)[0]
        history.append(tuple(counts[o] if o in continuing else None for o in range(n)))
        steps.append(loser)
        continuing.discard(loser)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(2, 5),
    data=st.data(),
)
def test_the_bucketed_count_equals_a_recount_from_scratch(n, data):
    rankings = st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple)
    ballots = [(r, 1) for r in data.draw(st.lists(rankings, max_size=30))]
    result = tally('ranked', n, ballots, seed=SEED)
    steps, winner = _reference_runoff(n, ballots, SEED)
    assert [r.eliminated for r in result.rounds if r.eliminated is not None] == steps
    assert result.winner == winner


def test_grouping_does_not_depend_on_ballot_order():
    rng = random.Random(5)
    ballots = [(tuple(rng.sample(range(6), rng.randint(0, 6))), rng.randint(1, 3)) for _ in range(2000)]
    result = tally('ranked', 6, ballots, seed=SEED)
    rng.shuffle(ballots)
    assert tally('ranked', 6, ballots, seed=SEED) == result
    assert result.ballots == 2000
