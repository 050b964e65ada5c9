"""Instant runoff (即时决选), the count of a ranked vote, round by round.

The rule, as published with every ranked vote:

1. In each round, every ballot counts for its highest-ranked option still in the count (continuing). A
   ballot that ranks no continuing option is *exhausted* and counts for no one from then on. Blank
   ballots rank nothing: they are cast, but never in the runoff.
2. An option with **more than half** of the ballots counting in the round (the continuing, not exhausted,
   ones) wins: 50 of 100 is not more than half.
3. Otherwise the option with the fewest votes is eliminated, and the next round starts. Options with no
   first preference are eliminated this way too, one a round.
4. A tie for fewest is broken, in this order:

   ``earlier_round``
       The tied option with fewer votes in the most recent earlier round in which the tied options'
       counts differed (counting backwards, as several election statutes do). When more than two are
       tied, those with the fewest in that round stay tied and the search goes on further back.
   ``first_preferences``
       The same search reaching the first round, whose counts are the first preferences: fewer first
       preferences.
   ``lot``
       Drawn by lot from the vote's seed, which is published with the result: each option's ticket is
       ``sha256(seed + b'/' + str(index).encode('ascii'))`` (``index`` counts the options from 0), and
       the option with the smallest ticket is eliminated. Anyone holding the seed draws the same lot.

   When every continuing option is tied (e.g. the last two with equal votes) the same rule eliminates one.
5. If no ballot counts (every one blank, or none cast), there is no winner. Once one ballot counts, the
   runoff ends with a winner: the last option left holds every ballot still counting.

Every round is recorded (:class:`Round`). The runoff counts heads (one ballot, one vote); each round also
carries the ballots' weight sums so that a rule counted by weight can be checked against the winner.

Speed: ballots are grouped by their ranking beforehand (``consult.votes.counting.tally``). Each distinct
ranking keeps a pointer to its current preference and sits in the bucket of that option; eliminating an
option moves only the rankings in its bucket, each to its next continuing preference. A ranking is
therefore read once over the whole count, not once per round: 100,000 random ballots over 10 options
count in a small fraction of a second (``bench/bench_votes_tally.py``).
"""

import hashlib
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

TIE_BREAKS = ('earlier_round', 'first_preferences', 'lot')


@dataclass(frozen=True)
class Round:
    """One round of the runoff."""

    #: Ballots counting for each option this round; ``None`` for an option eliminated earlier.
    heads: tuple[int | None, ...]
    #: The sum of those ballots' weights, per option (``None`` likewise).
    weights: tuple[int | None, ...]
    #: Ballots exhausted so far (they ranked no continuing option), and their weight.
    exhausted: int
    exhausted_weight: int
    #: The option eliminated at the end of this round, or ``None`` (a winner, or no ballot left).
    eliminated: int | None = None
    #: The option that won in this round (the last round), or ``None``.
    winner: int | None = None
    #: The options tied for fewest, when a tie had to be broken (else empty).
    tied: tuple[int, ...] = ()
    #: How the tie was broken: one of :data:`TIE_BREAKS`, or ``None``.
    tie_break: str | None = None

    @property
    def continuing(self) -> int:
        """Ballots counting this round (not exhausted)."""
        return sum(count for count in self.heads if count is not None)

    def to_dict(self) -> dict:
        return {
            'heads': list(self.heads),
            'weights': list(self.weights),
            'exhausted': self.exhausted,
            'exhausted_weight': self.exhausted_weight,
            'eliminated': self.eliminated,
            'winner': self.winner,
            'tied': list(self.tied),
            'tie_break': self.tie_break,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Round':
        return cls(
            heads=tuple(data['heads']),
            weights=tuple(data['weights']),
            exhausted=data['exhausted'],
            exhausted_weight=data['exhausted_weight'],
            eliminated=data.get('eliminated'),
            winner=data.get('winner'),
            tied=tuple(data.get('tied', ())),
            tie_break=data.get('tie_break'),
        )


def lot_ticket(seed: bytes, index: int) -> bytes:
    """The lot ticket of option ``index``: the smallest ticket among tied options is eliminated."""
    return hashlib.sha256(seed + b'/' + str(index).encode('ascii')).digest()


def break_tie(tied: Sequence[int], history: Sequence[Sequence[int | None]], seed: bytes) -> tuple[int, str]:
    """The option to eliminate among ``tied``, and how the tie was broken.

    ``history`` holds the heads of the earlier rounds, first round first.
    """
    remaining = list(tied)
    for number in range(len(history) - 1, -1, -1):
        counts = history[number]
        fewest = min(counts[option] for option in remaining)
        remaining = [option for option in remaining if counts[option] == fewest]
        if len(remaining) == 1:
            return remaining[0], 'first_preferences' if number == 0 else 'earlier_round'
    return min(remaining, key=lambda option: lot_ticket(seed, option)), 'lot'


def instant_runoff(
    n_options: int, rankings: Sequence[tuple[tuple[int, ...], int, int]], seed: bytes
) -> tuple[list[Round], int | None]:
    """Run the count over distinct ``rankings``, each ``(ranking, ballots, weight sum)``, none empty.

    :return: the rounds, and the winning option or ``None``.
    """
    continuing = [True] * n_options
    heads, weights = [0] * n_options, [0] * n_options
    #: For each option, the rankings (their positions in ``rankings``) now counting for it.
    buckets: list[list[int]] = [[] for _ in range(n_options)]
    #: For each ranking, the position in it of the option it now counts for.
    pointer = [0] * len(rankings)
    for number, (ranking, count, weight) in enumerate(rankings):
        first = ranking[0]
        buckets[first].append(number)
        heads[first] += count
        weights[first] += weight
    exhausted = exhausted_weight = 0
    rounds: list[Round] = []
    history: list[tuple[int | None, ...]] = []

    while True:
        alive = [option for option in range(n_options) if continuing[option]]
        counts = tuple(heads[o] if continuing[o] else None for o in range(n_options))
        sums = tuple(weights[o] if continuing[o] else None for o in range(n_options))
        active = sum(heads[option] for option in alive)
        if active == 0:
            rounds.append(Round(counts, sums, exhausted, exhausted_weight))
            return rounds, None
        leader = max(alive, key=heads.__getitem__)
        if 2 * heads[leader] > active:
            rounds.append(Round(counts, sums, exhausted, exhausted_weight, winner=leader))
            return rounds, leader
        fewest = min(heads[option] for option in alive)
        tied = [option for option in alive if heads[option] == fewest]
        if len(tied) == 1:
            loser, how, shown = tied[0], None, ()
        else:
            loser, how = break_tie(tied, history, seed)
            shown = tuple(tied)
        rounds.append(Round(counts, sums, exhausted, exhausted_weight, eliminated=loser, tied=shown, tie_break=how))
        history.append(counts)

        continuing[loser] = False
        moving, buckets[loser] = buckets[loser], []
        heads[loser] = weights[loser] = 0
        for number in moving:
            ranking, count, weight = rankings[number]
            position = pointer[number] + 1
            while position < len(ranking) and not continuing[ranking[position]]:
                position += 1
            if position < len(ranking):
                pointer[number] = position
                option = ranking[position]
                buckets[option].append(number)
                heads[option] += count
                weights[option] += weight
            else:
                exhausted += count
                exhausted_weight += weight
