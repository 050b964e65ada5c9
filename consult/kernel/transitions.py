"""The one mechanism that changes a status: a table of transitions per state machine.

A :class:`StateMachine` holds the transitions of one kind of row (topics, dispatch tickets, petitions,
residence claims, meetings, comment periods; votes and results to come). :meth:`StateMachine.apply` takes a
step in this order, and nothing is changed unless every check passed:

1. the step exists and the row is in one of its source states (``wrong_state``);
2. the actor may take it (``allowed``; ``system`` steps are taken with ``actor=None``) (``forbidden``);
3. the machine's context is loaded (a topic's rule set in force) and every guard passes (each raises a
   :class:`~consult.kernel.refusals.Refusal` citing its rule);
4. one conditional ``UPDATE ... WHERE id = :id AND status = :source`` moves it, so of two concurrent
   requests only one moves it (the other is refused with ``conflict``);
5. the effects run (they may write other rows), the machine's event log gets its row, and a typed domain
   event (:class:`~consult.kernel.events.StateChanged`) is published.

Contexts downstream of the one that owns a machine plug into it when the app is built
(:meth:`StateMachine.extend`): another guard, another effect, another kind of person who may take a step. So
the topics context defines its state machine without importing dispatch, comments or meetings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from consult.extensions import db
from consult.kernel.events import StateChanged
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule

#: ``guard(subject, actor, context, reason, data)``: raises a Refusal when its rule is not met.
Guard = Callable[[Any, Any, Any, str, dict], None]
#: ``effect(subject, actor, context, reason, data)``: the step's other writes, after the status moved.
Effect = Callable[[Any, Any, Any, str, dict], None]
#: ``allowed(actor, subject)``: whether this person may take the step (role and scope; the state is checked apart).
Allowed = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    """One step: from any of ``sources`` to ``target`` (the same state for a step that keeps it)."""

    action: str
    sources: frozenset
    target: Any
    #: Who may take it; ``None``: nobody but the system.
    allowed: Allowed | None = None
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    #: Taken by the system (``actor=None``): a sweep, a roster match, a threshold met.
    system: bool = False


@dataclass
class _Extension:
    allowed: list = field(default_factory=list)
    guards: list = field(default_factory=list)
    effects: list = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """What :meth:`StateMachine.apply` did: the transition, the state left, the machine's context and log row."""

    transition: Transition
    source: str
    context: Any
    record: Any


class StateMachine:
    """The transitions of one model's ``status`` column, with its event log and its domain event.

    :param name: the machine's name in domain events (``topic``, ``ticket`` ...).
    :param model: the mapped class whose ``status`` moves.
    :param rule: the rule cited when a step is not possible in the current state or was taken meanwhile
        (``None``: the refusal cites no rule).
    :param event: the :class:`StateChanged` subclass published after each step.
    :param record: ``record(subject, step_action, actor, source, target, reason, context, data)`` appends the
        machine's event log row and returns it (``None``: the machine keeps no log of its own).
    :param context: ``context(subject)`` loads what the guards judge by (a topic's rule set), or refuses.
    :param messages: refusal texts for ``wrong_state``, ``forbidden`` and ``conflict`` (functions, so they are
        translated in the acting user's language).
    :param read_only: ``read_only(subject)`` returns the refusal when nothing about the row may change any more
        (its topic is archived), else ``None``; asked before anything else.
    """

    def __init__(
        self,
        name: str,
        model,
        *,
        rule: Rule | None,
        event: type[StateChanged] = StateChanged,
        record: Callable | None = None,
        context: Callable | None = None,
        messages: dict[str, Callable[[], str]] | None = None,
        who_rule: Rule | None = None,
        read_only: Callable | None = None,
    ):
        self.name = name
        self.model = model
        self.rule = rule
        self.who_rule = who_rule or rule
        self.event = event
        self._record = record
        self._context = context
        self._messages = messages or {}
        self._read_only = read_only
        self.transitions: dict[str, Transition] = {}
        self._extensions: dict[str, _Extension] = {}

    def __repr__(self):
        return f'<StateMachine {self.name} ({len(self.transitions)} transitions)>'

    # -- the table -------------------------------------------------------------------------------------------

    def define(self, *transitions: Transition) -> None:
        """Add transitions to the table (their owner does, at import); an action is defined once."""
        for transition in transitions:
            known = self.transitions.get(transition.action)
            if known is not None and known != transition:
                raise ValueError(f'{self.name}: step {transition.action!r} is already defined')
            self.transitions[transition.action] = transition

    def extend(
        self,
        action: str,
        *,
        allowed: Allowed | None = None,
        guards: tuple[Guard, ...] = (),
        effect: Effect | None = None,
    ) -> None:
        """Plug a downstream context into a step: who else may take it, more guards, another effect.

        Called when the app is built; registering the same function twice is a no-op.
        """
        if action not in self.transitions:
            raise KeyError(f'{self.name}: no step {action!r} to extend')
        extension = self._extensions.setdefault(action, _Extension())
        for bucket, items in (
            (extension.allowed, [allowed]),
            (extension.guards, guards),
            (extension.effects, [effect]),
        ):
            for item in items:
                if item is not None and item not in bucket:
                    bucket.append(item)

    def _ext(self, action: str) -> _Extension:
        return self._extensions.get(action) or _Extension()

    # -- questions -------------------------------------------------------------------------------------------

    def who_may(self, actor, subject, action: str) -> bool:
        """Whether ``actor`` is among those who take ``action`` on ``subject`` (role and scope, not the state)."""
        transition = self.transitions[action]
        if actor is None or not getattr(actor, 'is_authenticated', False):
            return False
        checks = ([transition.allowed] if transition.allowed is not None else []) + self._ext(action).allowed
        return any(check(actor, subject) for check in checks)

    def may(self, actor, subject, action: str) -> bool:
        """Whether ``actor`` may attempt ``action`` on ``subject`` now: its state and who acts (not the guards)."""
        transition = self.transitions.get(action)
        return (
            transition is not None
            and (self._read_only is None or self._read_only(subject) is None)
            and self.state_of(subject) in transition.sources
            and self.who_may(actor, subject, action)
        )

    def taken_by_people(self, action: str) -> bool:
        """Whether people take ``action`` (not only the system): it has an ``allowed`` or is not a system step."""
        transition = self.transitions[action]
        return not transition.system or transition.allowed is not None or bool(self._ext(action).allowed)

    def allowed_actions(self, actor, subject) -> list[str]:
        """The steps ``actor`` may attempt on ``subject`` now, in table order (system-only steps left out)."""
        return [
            action for action in self.transitions if self.taken_by_people(action) and self.may(actor, subject, action)
        ]

    @staticmethod
    def state_of(subject) -> str:
        return str(subject.status)

    # -- the step --------------------------------------------------------------------------------------------

    def check(self, subject, action: str, actor, reason: str = '', **data):
        """Run every check of ``action`` without changing anything; return the machine's context.

        :raises Refusal: unknown step, wrong state, wrong person, or a guard's rule not met.
        """
        transition = self.transitions.get(action)
        if transition is None:
            raise Refusal(_('Unknown step.'), self.rule, code='unknown_action')
        refusal = self._read_only(subject) if self._read_only is not None else None
        if refusal is not None:
            raise refusal
        if self.state_of(subject) not in transition.sources:
            raise Refusal(self._message('wrong_state'), self.rule, code='wrong_state')
        if actor is None and not transition.system:
            raise Refusal(_('Only a person may take this step.'), self.who_rule, code='forbidden')
        if actor is not None and not self.who_may(actor, subject, action):
            raise Refusal(self._message('forbidden'), self.who_rule, code='forbidden')
        context = self._context(subject) if self._context is not None else None
        for guard in (*transition.guards, *self._ext(action).guards):
            guard(subject, actor, context, reason, data)
        return context

    def apply(self, subject, action: str, actor, reason: str = '', *, where=(), values=None, **data) -> Step:
        """Take ``action`` on ``subject`` as ``actor``; flush, never commit.

        :param actor: the acting user, or ``None`` for a system step.
        :param reason: the cleaned reason or text of the step, kept in the event log.
        :param where: further conditions of the conditional UPDATE (e.g. "not queued yet").
        :param values: other columns set by the same UPDATE (timestamps of the step).
        :param data: what the guards and effects need (a form's fields, a target row).
        :raises Refusal: see :meth:`check`; ``conflict`` when another request moved it first.
        """
        context = self.check(subject, action, actor, reason, **data)
        transition = self.transitions[action]
        source = self.state_of(subject)
        target = str(transition.target)
        values = dict(values or {})
        model = self.model
        db.session.flush()
        moved = db.session.execute(
            sa.update(model)
            .where(model.id == subject.id, model.status == source, *where)
            .values(status=target, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise Refusal(self._message('conflict'), self.rule, code='conflict')
        set_committed_value(subject, 'status', target)
        for key, value in values.items():
            if not isinstance(value, sa.sql.ClauseElement):
                set_committed_value(subject, key, value)
        for effect in (*((transition.effect,) if transition.effect else ()), *self._ext(action).effects):
            effect(subject, actor, context, reason, data)
        row = None
        if self._record is not None:
            row = self._record(subject, action, actor, source, target, reason, context, data)
        db.session.flush()
        publish(
            self.event(
                machine=self.name,
                subject_id=subject.id,
                action=action,
                source=source,
                target=target,
                actor_id=actor.id if actor is not None else None,
                reason=reason or '',
            )
        )
        return Step(transition=transition, source=source, context=context, record=row)

    def _message(self, code: str) -> str:
        message = self._messages.get(code)
        if message is not None:
            return message()
        return {
            'wrong_state': lambda: _('This step is not possible in the current state.'),
            'forbidden': lambda: _('You may not take this step.'),
            'conflict': lambda: _('Someone else changed this just now; reload and try again.'),
        }[code]()


#: Every machine built so far, by name: the action registry lists their steps, tests walk them.
MACHINES: dict[str, StateMachine] = {}


def machine(name: str, model, **options) -> StateMachine:
    """Create and register the state machine ``name`` (once; its owner's module calls this at import)."""
    if name in MACHINES:
        raise ValueError(f'state machine {name!r} exists')
    MACHINES[name] = built = StateMachine(name, model, **options)
    return built
