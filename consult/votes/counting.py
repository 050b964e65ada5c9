"""Counting votes (表决计票), pure: what a ballot may hold, and the tally of a box of ballots.

No database and no Flask: the same ballots and seed give the same :class:`Tally` on any machine, so anyone
with the published ballots (aggregate counts are enough for every kind but ``ranked``) and the published
seed recounts the result.

Four kinds of vote:

``motion``
    One motion; its options are exactly three, in this order: yes (赞成), no (反对), abstain (弃权). A
    motion ballot holds exactly one of them; there is no blank motion ballot (abstain is the blank).
``single``
    Choose one option, or none (a blank ballot).
``multiple``
    Choose up to ``max_choices`` distinct options, or none (blank). Stored sorted.
``ranked``
    Rank distinct options in order of preference; ranking only some of them is allowed, none is blank.
    Counted by instant runoff (:mod:`consult.votes.runoff`).

A ballot's choice is a tuple of 0-based option indexes. A blank ballot is cast (it counts in
``votes_cast``) but for no option. Each ballot carries a whole weight (1 when votes are not weighted);
:attr:`Tally.heads` counts ballots, :attr:`Tally.weights` sums their weights.
"""

from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from itertools import chain

from consult.votes.runoff import Round
from consult.votes.runoff import instant_runoff

KINDS = ('motion', 'single', 'multiple', 'ranked')
#: The options of a motion, in their fixed order.
MOTION_OPTIONS = ('yes', 'no', 'abstain')
YES, NO, ABSTAIN = 0, 1, 2
#: The most options a vote may offer (a ballot paper, and a ranking, people can still read).
MAX_OPTIONS = 50


class SetupError(ValueError):
    """A vote that cannot be held as set up; ``code`` says why.

    Codes: ``unknown_kind``, ``motion_options`` (a motion has exactly 3 options), ``too_few_options`` (other
    kinds need 2), ``too_many_options`` (more than :data:`MAX_OPTIONS`), ``max_choices`` (a multiple-choice
    vote allows 1 to all of its options).
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class ChoiceError(ValueError):
    """A ballot's choice that cannot be counted; ``code`` says why (the caller words it and cites the rule).

    Codes: ``not_a_list`` (not a list or tuple of options), ``not_an_option`` (an item that is not a whole
    number), ``unknown_option`` (no such option), ``empty_motion`` (a motion ballot choosing nothing),
    ``too_many`` (more options than allowed), ``repeated`` (an option chosen or ranked twice); from
    :func:`ranking_from_ranks`: ``not_a_rank``, ``rank_repeated``, ``rank_gap``.
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_setup(kind: str, n_options: int, max_choices: int | None = None) -> None:
    """Check that a vote of ``kind`` over ``n_options`` options (``max_choices`` for ``multiple``) can be held.

    :raises SetupError: with a code naming what is wrong.
    """
    if kind not in KINDS:
        raise SetupError('unknown_kind')
    if kind == 'motion':
        if n_options != len(MOTION_OPTIONS):
            raise SetupError('motion_options')
        return
    if not isinstance(n_options, int) or n_options < 2:
        raise SetupError('too_few_options')
    if n_options > MAX_OPTIONS:
        raise SetupError('too_many_options')
    if kind == 'multiple' and (not isinstance(max_choices, int) or not 1 <= max_choices <= n_options):
        raise SetupError('max_choices')


def validate_choice(kind: str, n_options: int, max_choices: int | None, choice) -> tuple[int, ...]:
    """Return ``choice`` as a ballot of this vote stores it, or refuse it.

    ``choice`` is a list or tuple of 0-based option indexes: one for a motion, none or one for ``single``,
    up to ``max_choices`` distinct ones for ``multiple`` (returned sorted), distinct ones in order of
    preference for ``ranked``. ``max_choices`` is only read for ``multiple``.

    :raises SetupError: the vote itself is not valid (see :func:`check_setup`).
    :raises ChoiceError: the choice is not valid for this vote.
    """
    check_setup(kind, n_options, max_choices)
    if not isinstance(choice, list | tuple):
        raise ChoiceError('not_a_list')
    for option in choice:
        # bool is an int subclass: True is not option 1.
        if not isinstance(option, int) or isinstance(option, bool):
            raise ChoiceError('not_an_option')
        if not 0 <= option < n_options:
            raise ChoiceError('unknown_option')
    if len(set(choice)) != len(choice):
        raise ChoiceError('repeated')
    if kind == 'motion' and not choice:
        raise ChoiceError('empty_motion')
    limit = max_choices if kind == 'multiple' else 1 if kind in ('motion', 'single') else n_options
    if len(choice) > limit:
        raise ChoiceError('too_many')
    return tuple(sorted(choice)) if kind == 'multiple' else tuple(choice)


def ranking_from_ranks(ranks: Mapping[int, int | None]) -> tuple[int, ...]:
    """Turn a form's ``{option_index: rank}`` (rank 1 = first preference) into a ranking tuple.

    Options whose rank is ``None`` are left unranked. The ranks given must be 1, 2, 3... with none
    repeated and none skipped. Check the result with :func:`validate_choice`.

    :raises ChoiceError: ``not_a_rank`` (a rank that is not a whole number from 1), ``rank_repeated`` (two
        options with the same rank), ``rank_gap`` (a rank skipped, e.g. 1, 2, 4).
    """
    by_rank: dict[int, int] = {}
    for option, rank in ranks.items():
        if rank is None:
            continue
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            raise ChoiceError('not_a_rank')
        if rank in by_rank:
            raise ChoiceError('rank_repeated')
        by_rank[rank] = option
    if sorted(by_rank) != list(range(1, len(by_rank) + 1)):
        raise ChoiceError('rank_gap')
    return tuple(by_rank[rank] for rank in range(1, len(by_rank) + 1))


@dataclass(frozen=True)
class Tally:
    """The count of one vote: what :func:`tally` returns, stored as JSON with the result."""

    kind: str
    n_options: int
    #: Ballots cast, blank ones included.
    ballots: int
    #: Ballots that chose no option (never for a motion).
    blank: int
    #: The sum of the weights of all ballots cast, blank ones included.
    weight_total: int
    #: Ballots per option (for ``ranked``: first preferences; for ``multiple`` a ballot counts for each choice).
    heads: tuple[int, ...]
    #: The sum of those ballots' weights, per option.
    weights: tuple[int, ...]
    #: ``ranked`` only: every round of the instant runoff, in order.
    rounds: tuple[Round, ...] = field(default=())
    #: ``ranked`` only: the option elected by the runoff, or ``None`` (every ballot exhausted, or none cast).
    winner: int | None = None
    #: The seed of the lot (hex), published with the result so that anyone recounts the same ties.
    seed: str = ''

    def to_dict(self) -> dict:
        return {
            'kind': self.kind,
            'n_options': self.n_options,
            'ballots': self.ballots,
            'blank': self.blank,
            'weight_total': self.weight_total,
            'heads': list(self.heads),
            'weights': list(self.weights),
            'rounds': [r.to_dict() for r in self.rounds],
            'winner': self.winner,
            'seed': self.seed,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Tally':
        return cls(
            kind=data['kind'],
            n_options=data['n_options'],
            ballots=data['ballots'],
            blank=data['blank'],
            weight_total=data['weight_total'],
            heads=tuple(data['heads']),
            weights=tuple(data['weights']),
            rounds=tuple(Round.from_dict(r) for r in data.get('rounds', ())),
            winner=data.get('winner'),
            seed=data.get('seed', ''),
        )


def tally(
    kind: str,
    n_options: int,
    ballots: Iterable[tuple[tuple[int, ...], int]],
    *,
    seed: bytes,
    max_choices: int | None = None,
) -> Tally:
    """Count ``ballots``, an iterable of ``(choice, weight)``, for a vote of ``kind`` over ``n_options``.

    Identical ballots are grouped first (one :class:`~collections.Counter` pass), so the rest of the count
    works per distinct ballot. Every choice must be one :func:`validate_choice` accepts (``max_choices``
    defaults to all options for ``multiple``); weights are whole numbers >= 0. ``seed`` draws the lot that
    breaks a tie no other rule breaks in a ranked vote (:func:`consult.votes.runoff.lot_ticket`); it is kept,
    as hex, in the tally and must be published with it.

    :raises SetupError: the vote itself is not valid.
    :raises ChoiceError: a ballot holds a choice this vote cannot count.
    :raises ValueError: a weight that is not a whole number >= 0, or a seed that is not bytes.
    """
    if not isinstance(seed, bytes):
        raise ValueError('the seed of the lot is bytes')
    if kind == 'multiple' and max_choices is None:
        max_choices = n_options
    check_setup(kind, n_options, max_choices)
    grouped = Counter((tuple(choice), weight) for choice, weight in ballots)
    for weight in {weight for _, weight in grouped}:
        if type(weight) is not int or weight < 0:
            raise ValueError(f'a ballot weight is a whole number >= 0, not {weight!r}')
    _check_choices(kind, n_options, max_choices, [choice for choice, _ in grouped])
    #: (choice, ballots, weight sum) per distinct (choice, weight).
    entries = [(choice, count, count * weight) for (choice, weight), count in grouped.items()]

    rounds, winner = [], None
    heads, weights = [0] * n_options, [0] * n_options
    if kind == 'ranked':
        rounds, winner = instant_runoff(n_options, [entry for entry in entries if entry[0]], seed)
        # The first round counts each ranking for its first preference.
        heads, weights = list(rounds[0].heads), list(rounds[0].weights)
    else:
        for choice, count, weight in entries:
            for option in choice:
                heads[option] += count
                weights[option] += weight
    return Tally(
        kind=kind,
        n_options=n_options,
        ballots=sum(count for _, count, _ in entries),
        blank=sum(count for choice, count, _ in entries if not choice),
        weight_total=sum(weight for _, _, weight in entries),
        heads=tuple(heads),
        weights=tuple(weights),
        rounds=tuple(rounds),
        winner=winner,
        seed=seed.hex(),
    )


def _check_choices(kind: str, n_options: int, max_choices: int | None, choices: list[tuple]) -> None:
    """Refuse the first choice :func:`validate_choice` refuses.

    A ranked vote has nearly as many distinct ballots as ballots, so the common case (all valid) is
    checked at once with C-level ``map`` and set operations, and only a box holding a bad choice is
    checked ballot by ballot to name it.
    """
    if not choices:
        return
    limit = max_choices if kind == 'multiple' else 1 if kind in ('motion', 'single') else n_options
    lengths = list(map(len, choices))
    if (
        max(lengths) <= limit
        and (kind != 'motion' or min(lengths) >= 1)
        and lengths == list(map(len, map(set, choices)))
        and set(chain.from_iterable(choices)) <= set(range(n_options))
        and set(map(type, chain.from_iterable(choices))) <= {int}
    ):
        return
    for choice in choices:
        validate_choice(kind, n_options, max_choices, choice)
