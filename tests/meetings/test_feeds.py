"""What a socket holds of a room's messages (consult/meetings/feeds.py): each number is sent to it once."""

import random

from consult.meetings.feeds import RUNS_MAX
from consult.meetings.feeds import Held


def test_numbers_in_order_move_the_mark():
    held = Held(3)
    assert [held.take(n) for n in (4, 5, 5, 3, 6)] == [True, True, False, False, True]
    assert (held.upto, held.runs) == (6, [])


def test_numbers_out_of_order_are_kept_in_runs_until_the_gap_closes():
    held = Held(0)
    assert [held.take(n) for n in (3, 5, 4, 8)] == [True] * 4
    assert held.runs == [[3, 5], [8, 8]]
    assert not held.take(4)
    assert held.take(2)
    assert held.take(1)
    assert (held.upto, held.runs) == (5, [[8, 8]])
    assert [held.take(n) for n in (7, 6)] == [True, True]
    assert (held.upto, held.runs) == (8, [])


def test_a_claim_takes_in_the_runs_below_it():
    held = Held(0)
    held.take(10), held.take(11), held.take(20)
    held.claim(9)
    assert (held.upto, held.runs) == (11, [[20, 20]])
    held.claim(25)
    assert (held.upto, held.runs) == (25, [])
    held.claim(4)
    assert held.upto == 25


def test_any_order_sends_each_number_once():
    rng = random.Random(11)
    for _ in range(200):
        numbers = list(range(1, 60)) * 2
        rng.shuffle(numbers)
        held = Held(0)
        sent = [n for n in numbers if held.take(n)]
        assert sorted(sent) == list(range(1, 60))
        assert (held.upto, held.runs) == (59, [])


def test_the_runs_are_bounded():
    held = Held(0)
    for n in range(2, 4 * RUNS_MAX, 2):
        held.take(n)
    assert len(held.runs) == RUNS_MAX
