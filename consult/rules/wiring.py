"""What rules connects when the app is built: the predicates of its actions."""

from consult.kernel import actions
from consult.rules.permissions import can_propose_rules
from consult.rules.permissions import may_decide_version


def plug() -> None:
    # ``rules.propose`` is asked of a community; ``rules.decide`` of a version (a RuleSet).
    actions.register_all('rules', {'propose': can_propose_rules, 'decide': may_decide_version})
