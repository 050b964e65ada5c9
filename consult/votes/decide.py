"""What a counted vote decides under the community's rule set: the quorum, then the approval of each option.

:func:`decide` applies two thresholds of the rule set (:mod:`consult.rules.engine`) to a
:class:`~consult.votes.counting.Tally`:

1. **Quorum** first, against the caller's bases (attending > 1/2 of eligible...). A failed quorum is a result
   too: nothing is adopted and no approval is evaluated, but the tally is still reported.
2. **Approval**, with ``yes`` set to the count of what is being approved:

   ``motion``
       ``yes`` and ``no`` are the yes and no ballots; the motion passes when approval holds.
   ``single``
       The option with the most votes is adopted when approval holds for it. A tie for first adopts nothing
       (reason ``tie``), whatever the rule set would say of each. "Most" counts ballots, or weight when
       the approval counts ``yes`` only by weight.
   ``multiple``
       Each option is adopted when approval holds for its own count (several, one or none may be).
   ``ranked``
       The instant-runoff winner is adopted when approval holds with ``yes`` = its count in the final round.
       Exhausted ballots do not count for it: a runoff winner has more than half of the ballots still
       counting, which can be fewer than the rule set's "more than half of those attending", and then
       nothing is adopted (``not_approved``).

Counts come from the tally under ``(what, by)`` keys: ``votes_cast`` (every ballot cast, blank ones
included), ``yes`` and, for a motion, ``no``; by ``weight`` too (weight sums), and by the unit a ballot stands
for (``head``, or ``household`` when each household casts one ballot). The caller gives everything else
(``eligible``, ``members``, ``attending``... in each unit its rules count by). A rule needing a count nobody
gave raises :class:`~consult.rules.engine.RuleError`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from consult.rules.engine import Outcome
from consult.rules.engine import Threshold
from consult.rules.engine import evaluate
from consult.votes.counting import NO
from consult.votes.counting import YES
from consult.votes.counting import Tally

#: Why nothing was adopted.
REASONS = ('quorum_failed', 'not_approved', 'tie', 'no_winner')
#: What a ballot stands for, the unit its head counts are entered under.
UNITS = ('head', 'household')
#: Counts that come from the tally and that the caller may not give.
FROM_TALLY = ('yes', 'no', 'votes_cast')


@dataclass(frozen=True)
class Approval:
    """The approval threshold evaluated for one option (``option`` is ``None`` for a motion as a whole)."""

    option: int | None
    outcome: Outcome

    def to_dict(self) -> dict:
        return {'option': self.option, 'outcome': self.outcome.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Approval':
        return cls(data['option'], Outcome.from_dict(data['outcome']))


@dataclass(frozen=True)
class Decision:
    """What the vote decided, with every condition's counts, as shown and kept with the result."""

    kind: str
    quorum_met: bool
    quorum: Outcome
    #: Approval per option considered (``single``: every option; ``ranked``: the winner; none if no quorum).
    approvals: tuple[Approval, ...] = field(default=())
    #: The options adopted (a motion that passed adopts :data:`~consult.votes.counting.YES`).
    adopted: tuple[int, ...] = field(default=())
    #: One of :data:`REASONS` when nothing was adopted, else ``None``.
    reason: str | None = None

    @property
    def passed(self) -> bool:
        """The motion passed, or at least one option was adopted."""
        return bool(self.adopted)

    def to_dict(self) -> dict:
        return {
            'kind': self.kind,
            'quorum_met': self.quorum_met,
            'quorum': self.quorum.to_dict(),
            'approvals': [a.to_dict() for a in self.approvals],
            'adopted': list(self.adopted),
            'passed': self.passed,
            'reason': self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Decision':
        return cls(
            kind=data['kind'],
            quorum_met=data['quorum_met'],
            quorum=Outcome.from_dict(data['quorum']),
            approvals=tuple(Approval.from_dict(a) for a in data['approvals']),
            adopted=tuple(data['adopted']),
            reason=data['reason'],
        )


def decide(
    kind: str,
    tally: Tally,
    *,
    quorum: Threshold,
    approval: Threshold,
    bases: Mapping[tuple[str, str], int],
    unit: str = 'head',
) -> Decision:
    """Apply ``quorum`` then ``approval`` to ``tally`` (see the module's docstring for each kind).

    :param bases: the counts the tally does not know, keyed ``(what, by)``: ``('eligible', 'head')``,
        ``('attending', 'weight')``...
    :param unit: what one ballot stands for: ``head`` (one resident) or ``household`` (一户一票).
    :raises ValueError: ``kind`` is not the tally's, an unknown ``unit``, or ``bases`` giving a count the
        tally holds (``yes``, ``no``, ``votes_cast``).
    :raises RuleError: a threshold needs a count that is missing.
    """
    if kind != tally.kind:
        raise ValueError(f'a {tally.kind} tally decided as a {kind} vote')
    if unit not in UNITS:
        raise ValueError(f'unknown ballot unit {unit!r}')
    given = sorted({what for what, _ in bases} & set(FROM_TALLY))
    if given:
        raise ValueError(f'{", ".join(given)} come from the tally, not from the caller')
    # A household's ballot is also one person's: one per household counts the same by head.
    units = ('head', 'household') if unit == 'household' else ('head',)
    counts = {**bases, ('votes_cast', 'weight'): tally.weight_total}
    counts |= {('votes_cast', u): tally.ballots for u in units}
    if kind == 'motion':
        counts |= {('no', 'weight'): tally.weights[NO]} | {('no', u): tally.heads[NO] for u in units}

    def approve(option: int | None, heads: int, weight: int) -> Approval:
        yes = {('yes', 'weight'): weight} | {('yes', u): heads for u in units}
        return Approval(option, evaluate(approval, counts | yes))

    quorum_outcome = evaluate(quorum, counts)
    if not quorum_outcome.met:
        return Decision(kind, False, quorum_outcome, reason='quorum_failed')

    if kind == 'motion':
        approvals = (approve(None, tally.heads[YES], tally.weights[YES]),)
        adopted = (YES,) if approvals[0].outcome.met else ()
        return Decision(kind, True, quorum_outcome, approvals, adopted, None if adopted else 'not_approved')

    if kind == 'ranked':
        if tally.winner is None:
            return Decision(kind, True, quorum_outcome, reason='no_winner')
        final = tally.rounds[-1]
        approvals = (approve(tally.winner, final.heads[tally.winner], final.weights[tally.winner]),)
        adopted = (tally.winner,) if approvals[0].outcome.met else ()
        return Decision(kind, True, quorum_outcome, approvals, adopted, None if adopted else 'not_approved')

    approvals = tuple(approve(option, tally.heads[option], tally.weights[option]) for option in range(tally.n_options))
    if kind == 'multiple':
        adopted = tuple(a.option for a in approvals if a.outcome.met)
        return Decision(kind, True, quorum_outcome, approvals, adopted, None if adopted else 'not_approved')

    # single: the most votes, alone, and approved.
    measure = tally.weights if _yes_only_by_weight(approval) else tally.heads
    most = max(measure)
    first = [option for option, count in enumerate(measure) if count == most]
    if most == 0:
        return Decision(kind, True, quorum_outcome, approvals, reason='no_winner')
    if len(first) > 1:
        return Decision(kind, True, quorum_outcome, approvals, reason='tie')
    adopted = (first[0],) if approvals[first[0]].outcome.met else ()
    return Decision(kind, True, quorum_outcome, approvals, adopted, None if adopted else 'not_approved')


def _yes_only_by_weight(approval: Threshold) -> bool:
    """Whether every ``yes`` the approval counts is by weight: then "the most votes" is the most weight."""
    units = {c.by for rule in approval.rules for c in rule.conditions if c.counted == 'yes'}
    return units == {'weight'}
