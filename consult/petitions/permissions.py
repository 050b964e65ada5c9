"""Who may start, sign and answer petitions. Predicates take the user explicitly (anonymous-safe)."""

from consult.petitions.models import PetitionStatus
from consult.residency.eligibility import can_vote
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import is_committee


def can_petition(user, community) -> bool:
    """Verified adult residents of the community start and sign petitions (S1 arts 8-10)."""
    return can_vote(user, community)


def can_record_convened(user, petition) -> bool:
    """Committee staff or the director of the petition's community record the meeting."""
    return petition.status == PetitionStatus.THRESHOLD_MET and is_committee(user, petition.community)


def can_start_petition(user, community) -> bool:
    """``petition.start``, asked of a community."""
    return community is not None and can_petition(user, community)


def may_sign(user, petition) -> bool:
    """Verified adult residents of the community sign an open petition."""
    return petition.status == PetitionStatus.OPEN and can_petition(user, petition.community)


def may_unsign(user, petition) -> bool:
    """Whoever signed withdraws their signature while the petition is open."""
    from consult.petitions.queries import has_signed

    return petition.status == PetitionStatus.OPEN and has_signed(petition, user)


def is_petition_committee(user, petition) -> bool:
    """Committee staff or the director of the petition's community (the step ``convene``)."""
    return is_committee(user, petition.community)


def is_starter(user, petition) -> bool:
    """The resident who started the petition (the step ``withdraw``)."""
    return getattr(user, 'is_authenticated', False) and user.id == petition.started_by_id


def queue_community_ids(user) -> set[int]:
    """Communities whose petitions queue ``user`` sees (committee staff and directors)."""
    return community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
