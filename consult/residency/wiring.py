"""What residency connects when the app is built: a community's resident count, the representatives' rule, and
the claim's steps as actions (``claim.verify``, ``claim.reject``, ``claim.withdraw``)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel import actions
from consult.kernel.refusals import REPRESENTATIVE_IS_RESIDENT
from consult.kernel.refusals import Refusal
from consult.kernel.signals import community_facts
from consult.kernel.signals import role_granting
from consult.residency.eligibility import is_verified_resident
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.permissions import can_review_claims
from consult.residency.states import MACHINE


def _facts(community) -> dict:
    verified = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.community_id == community.id, Membership.status == MembershipStatus.VERIFIED
        )
    )
    return {'verified': verified}


def _check_grant(role, user, community) -> None:
    """A representative must be a verified resident of the community (S2 art 25 by analogy)."""
    if role == 'representative' and not is_verified_resident(user, community):
        raise Refusal(
            _('A representative must be a verified resident of the community.'),
            REPRESENTATIVE_IS_RESIDENT,
            code='not_resident',
        )


def plug() -> None:
    community_facts.connect(_facts, weak=False)
    role_granting.connect(_check_grant, weak=False)
    actions.register_all('claim', {'review': can_review_claims})
    actions.register_machine(MACHINE)
