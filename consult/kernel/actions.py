"""One predicate per action: "may this person do this to this object now" (role, scope and state together).

Each context registers the predicates of its actions when the app is built (its ``plug()``), by name
(``topic.cosign``, ``meeting.say``). Routes, socket handlers and templates ask the same question through
:func:`may` (templates: ``may('topic.cosign', topic)``), so no page decides by comparing a status itself.
A state machine's steps are registered in one call (:func:`register_machine`): ``<machine>.<step>`` is its
state plus who may take it.
"""

from collections.abc import Callable
from typing import Any

from consult.kernel.transitions import StateMachine

#: ``predicate(user, obj) -> bool`` by action name.
PREDICATES: dict[str, Callable[[Any, Any], bool]] = {}


def register(name: str, predicate: Callable[[Any, Any], bool]) -> None:
    """Register the predicate of action ``name`` (the same one again is a no-op; another one is an error)."""
    known = PREDICATES.get(name)
    if known is not None and known != predicate:
        raise ValueError(f'action {name!r} already has a predicate')
    PREDICATES[name] = predicate


def register_all(prefix: str, predicates: dict[str, Callable[[Any, Any], bool]]) -> None:
    """Register ``{'cosign': can_cosign, ...}`` as ``prefix.cosign`` ..."""
    for name, predicate in predicates.items():
        register(f'{prefix}.{name}', predicate)


def register_machine(machine: StateMachine, prefix: str | None = None) -> None:
    """Register every person-taken step of ``machine`` as the action ``<prefix>.<step>``.

    A step only the system takes (``system`` and no ``allowed``) is no action; one that people take as well
    (a claim verified by staff, or by the roster) is.
    """
    for action in machine.transitions:
        if machine.taken_by_people(action):
            register(f'{prefix or machine.name}.{action}', _StepPredicate(machine, action))


class _StepPredicate:
    """``may`` for a state machine's step: the row's state and who may take it (guards are checked when taken)."""

    __slots__ = ('action', 'machine')

    def __init__(self, machine: StateMachine, action: str):
        self.machine = machine
        self.action = action

    def __call__(self, user, obj) -> bool:
        return self.machine.may(user, obj, self.action)

    def __eq__(self, other):
        return isinstance(other, _StepPredicate) and (other.machine, other.action) == (self.machine, self.action)

    def __hash__(self):
        return hash((id(self.machine), self.action))

    def __repr__(self):
        return f'<step {self.machine.name}.{self.action}>'


def may(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` (a registered name) to ``obj`` now.

    :raises KeyError: for an action nobody registered, so a misspelt name fails loudly in tests.
    """
    return bool(PREDICATES[action](user, obj))
