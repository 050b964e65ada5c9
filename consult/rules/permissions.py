"""Who may change a community's rule set: the director proposes, the Party organisation decides."""

from consult.roles.models import Role
from consult.roles.permissions import has_role
from consult.rules.models import RuleSetStatus


def can_propose_rules(user, community) -> bool:
    """Only the committee director of ``community`` proposes a new version of its rules."""
    return community is not None and has_role(user, Role.COMMITTEE_DIRECTOR, community)


def can_decide_rules(user, community) -> bool:
    """The community Party organisation confirms or declines a proposed version (把关, domain.md rule 42)."""
    return community is not None and has_role(user, Role.PARTY_ORG, community)


def may_decide_version(user, rules) -> bool:
    """The community's Party organisation confirms or declines a version while it is proposed."""
    return rules.status == RuleSetStatus.PROPOSED and can_decide_rules(user, rules.community)
