"""Who may do what with residence claims."""

from consult.residency.models import MembershipStatus
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import is_committee


def can_verify_residents(user, community) -> bool:
    """Committee staff and directors verify residents of their own community."""
    return getattr(user, 'is_authenticated', False) and is_committee(user, community)


def can_decide_claim(user, membership) -> bool:
    """Committee staff and directors verify or reject claims in their own community."""
    return can_verify_residents(user, membership.community)


def verifiable_community_ids(user) -> set[int]:
    """Communities whose residents ``user`` may verify."""
    if not getattr(user, 'is_authenticated', False):
        return set()
    return community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)


def can_withdraw_claim(user, membership) -> bool:
    """A resident withdraws their own pending claim."""
    return getattr(user, 'is_authenticated', False) and membership.user_id == user.id


def can_review_claims(user, community) -> bool:
    """The review page of a community's claims: its committee staff and director."""
    return community is not None and can_verify_residents(user, community)


def can_issue_reset_code(user, membership) -> bool:
    """Committee staff and directors issue a password reset code to a verified resident of their community
    (not to themselves: they are logged in)."""
    return (
        getattr(user, 'is_authenticated', False)
        and membership.status == MembershipStatus.VERIFIED
        and membership.user_id != user.id
        and is_committee(user, membership.community)
    )


# Steps of claim (pending -> verified / rejected / withdrawn): the state and who may take it.
