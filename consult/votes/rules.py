"""What the community's rule set says about votes, beyond quorum and approval: roll-call and proxies.

Rule sets store, per meeting type, ``roll_call`` (its votes are open, names published) and ``proxies`` (written
proxies may be registered), and the number ``proxy_max_per_holder``. Versions made before these existed had
the defaults in force: secret ballots (roll-call only for the deliberative council, whose members vote by show of
hands in the sample rules), no proxies, and at most 3 proxies per holder (Electoral Law art 42, by analogy).
"""

from consult.rules.defaults import ROLL_CALL_MEETINGS
from consult.rules.defaults import number_value
from consult.rules.defaults import voting_value

#: Meeting types whose votes are roll-call unless the rule set says otherwise.
ROLL_CALL_DEFAULT = ROLL_CALL_MEETINGS


def roll_call(rules, rule_kind: str) -> bool:
    return voting_value(rules.params, rule_kind, 'roll_call')


def proxies_allowed(rules, rule_kind: str) -> bool:
    return voting_value(rules.params, rule_kind, 'proxies')


def proxy_cap(rules) -> int:
    return number_value(rules.params, 'proxy_max_per_holder')
