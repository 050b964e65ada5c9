"""What topics connects when the app is built: its notifications, labels and the steps' predicates."""

from consult.kernel import actions
from consult.kernel.events import TopicMoved
from consult.kernel.events import TopicNoted
from consult.kernel.events import subscribe
from consult.notifications.operations import register_kinds
from consult.topics import notifications
from consult.topics import operations
from consult.topics import permissions as p
from consult.topics import states


def _carry_cosigns(topic, actor, rules, reason, data) -> None:
    operations.carry_cosigns(topic, data['target'])


def plug() -> None:
    # Operations take steps through ``states``; the merge's effect needs an operation, so it is plugged in here.
    states.MACHINE.extend('merge', effect=_carry_cosigns)
    subscribe(TopicMoved, notifications.on_topic_moved)
    subscribe(TopicNoted, notifications.on_topic_noted)
    register_kinds(states.ACTION_LABELS)
    actions.register_machine(states.MACHINE)
    # Actions on a topic that are not steps of its machine (the state is part of each predicate).
    actions.register_all(
        'topic',
        {'view': p.can_view_topic, 'edit': p.can_edit_topic, 'attach': p.can_attach, 'cosign': p.may_cosign},
    )
