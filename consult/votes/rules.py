"""What the community's rule set says about votes, beyond quorum and approval: roll-call and proxies.

Rule sets store, per meeting type, ``roll_call`` (its votes are open, names published) and ``proxies`` (written
proxies may be registered), and the number ``proxy_max_per_holder``. Versions made before these existed had
the defaults in force: secret ballots (roll-call only for the deliberative council, whose members vote by show of
hands in the sample rules), no proxies, and at most 3 proxies per holder (Electoral Law art 42, by analogy).
"""

from consult.rules.defaults import number_value

#: Meeting types whose votes are roll-call unless the rule set says otherwise.
ROLL_CALL_DEFAULT = frozenset({'deliberative_council'})


def _meeting(rules, rule_kind: str) -> dict:
    return (rules.params.get('meetings') or {}).get(rule_kind) or {}


def roll_call(rules, rule_kind: str) -> bool:
    value = _meeting(rules, rule_kind).get('roll_call')
    return rule_kind in ROLL_CALL_DEFAULT if value is None else bool(value)


def proxies_allowed(rules, rule_kind: str) -> bool:
    return bool(_meeting(rules, rule_kind).get('proxies', False))


def proxy_cap(rules) -> int:
    return number_value(rules.params, 'proxy_max_per_holder')
