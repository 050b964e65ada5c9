"""Thresholds as data: quorum, approval, co-signing and petition rules, evaluated exactly.

A :class:`Condition` says "the count of ``counted`` is ``op`` ``num/den`` of ``base``", each counted ``by``
head, household or weight (e.g. attending > 1/2 of eligible, by head). A :class:`Rule` holds when all
its conditions hold (AND). A :class:`Threshold` holds when any of its rules holds (OR), which is how the
law's alternatives are written (a petition needs 1/5 of adults OR 1/5 of households OR 1/3 of groups).
An absolute number is a share of the base ``one`` (``signatures >= 30/1 of one``).

Arithmetic is on integers (``count * den`` against ``num * base``), so 50 of 100 is not "more than half".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

OPS = ('>', '>=')
#: What may be counted, and what a count may be compared with.
COUNTED = ('attending', 'yes', 'no', 'votes_cast', 'signatures', 'petitioners', 'groups_petitioning')
BASES = ('eligible', 'registered', 'attending', 'votes_cast', 'members', 'adults', 'households', 'groups', 'one')
BY = ('head', 'household', 'weight')


class RuleError(ValueError):
    """A rule that cannot be built or evaluated (bad operator, zero denominator, unknown base...)."""


@dataclass(frozen=True)
class Condition:
    counted: str
    op: str
    num: int
    den: int
    base: str
    by: str = 'head'

    def __post_init__(self):
        if self.counted not in COUNTED:
            raise RuleError(f'unknown count {self.counted!r}')
        if self.op not in OPS:
            raise RuleError(f'unknown operator {self.op!r}')
        if self.base not in BASES:
            raise RuleError(f'unknown base {self.base!r}')
        if self.by not in BY:
            raise RuleError(f'unknown counting unit {self.by!r}')
        if not isinstance(self.num, int) or not isinstance(self.den, int) or self.num < 0 or self.den <= 0:
            raise RuleError('a share needs a whole numerator >= 0 and a denominator > 0')

    def holds(self, counted: int, base: int) -> bool:
        left, right = counted * self.den, self.num * base
        return left > right if self.op == '>' else left >= right

    def required(self, base: int) -> int:
        """The smallest whole count that satisfies the condition against ``base``."""
        exact, remainder = divmod(self.num * base, self.den)
        if self.op == '>':
            return exact + 1
        return exact + (1 if remainder else 0)

    def to_dict(self) -> dict:
        return {
            'counted': self.counted,
            'op': self.op,
            'num': self.num,
            'den': self.den,
            'base': self.base,
            'by': self.by,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Condition':
        try:
            return cls(
                counted=data['counted'],
                op=data['op'],
                num=int(data['num']),
                den=int(data['den']),
                base=data['base'],
                by=data.get('by', 'head'),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f'malformed condition {data!r}') from exc


@dataclass(frozen=True)
class Rule:
    """Conditions that must all hold."""

    conditions: tuple[Condition, ...]

    def __post_init__(self):
        if not self.conditions:
            raise RuleError('a rule needs at least one condition')


@dataclass(frozen=True)
class Threshold:
    """Alternative rules; the threshold is met when any one of them holds."""

    rules: tuple[Rule, ...]

    def __post_init__(self):
        if not self.rules:
            raise RuleError('a threshold needs at least one rule')

    def to_list(self) -> list[list[dict]]:
        return [[c.to_dict() for c in rule.conditions] for rule in self.rules]

    @classmethod
    def from_list(cls, data) -> 'Threshold':
        if not isinstance(data, list):
            raise RuleError('a threshold is a list of rules')
        return cls(tuple(Rule(tuple(Condition.from_dict(c) for c in rule)) for rule in data))

    @classmethod
    def all_of(cls, *conditions: Condition) -> 'Threshold':
        return cls((Rule(tuple(conditions)),))

    @classmethod
    def any_of(cls, *conditions: Condition) -> 'Threshold':
        return cls(tuple(Rule((c,)) for c in conditions))


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    counted: int
    base: int
    required: int
    holds: bool

    def to_dict(self) -> dict:
        return {
            'condition': self.condition.to_dict(),
            'counted': self.counted,
            'base': self.base,
            'required': self.required,
            'holds': self.holds,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> 'ConditionResult':
        return cls(
            Condition.from_dict(data['condition']), data['counted'], data['base'], data['required'], data['holds']
        )


@dataclass(frozen=True)
class Outcome:
    met: bool
    #: One list per rule, one result per condition, in order: what the UI and the minutes show.
    results: tuple[tuple[ConditionResult, ...], ...] = field(default=())

    def to_dict(self) -> dict:
        """The outcome as JSON, to store with a result (the counts it was evaluated on stay readable)."""
        return {'met': self.met, 'results': [[r.to_dict() for r in row] for row in self.results]}

    @classmethod
    def from_dict(cls, data: Mapping) -> 'Outcome':
        results = tuple(tuple(ConditionResult.from_dict(r) for r in row) for row in data['results'])
        return cls(met=data['met'], results=results)


def evaluate(threshold: Threshold, counts: Mapping[tuple[str, str], int]) -> Outcome:
    """Evaluate ``threshold`` against ``counts`` keyed by ``(what, by)``, e.g. ``('attending', 'head')``.

    Bases are looked up the same way (``('eligible', 'head')``); ``one`` is always 1.

    :raises RuleError: if a count or base the threshold needs is missing or negative.
    """
    results = []
    for rule in threshold.rules:
        row = []
        for condition in rule.conditions:
            counted = _lookup(counts, condition.counted, condition.by)
            base = 1 if condition.base == 'one' else _lookup(counts, condition.base, condition.by)
            row.append(
                ConditionResult(condition, counted, base, condition.required(base), condition.holds(counted, base))
            )
        results.append(tuple(row))
    met = any(all(r.holds for r in row) for row in results)
    return Outcome(met=met, results=tuple(results))


def _lookup(counts, what: str, by: str) -> int:
    try:
        value = counts[(what, by)]
    except KeyError as exc:
        raise RuleError(f'no count of {what} by {by}') from exc
    if value < 0:
        raise RuleError(f'negative count of {what} by {by}')
    return value
