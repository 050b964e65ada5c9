"""What residency connects when the app is built: a community's resident count, the representatives' rule, and
the claim's steps as actions (``claim.verify``, ``claim.reject``, ``claim.withdraw``), and who issues a
resident's password reset code (``accounts.issue_reset_code``)."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from consult.db import db
from consult.kernel import actions
from consult.kernel.events import ClaimDecided
from consult.kernel.events import subscribe
from consult.kernel.refusals import REPRESENTATIVE_IS_RESIDENT
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import user_room
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import community_facts
from consult.kernel.signals import home_work
from consult.kernel.signals import role_granting
from consult.realtime import ResidencyDecided
from consult.realtime import emit_after_commit
from consult.residency import queries
from consult.residency.eligibility import is_verified_resident
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.permissions import can_issue_reset_code
from consult.residency.permissions import can_review_claims
from consult.residency.permissions import verifiable_community_ids
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


def _push_decision(event: ClaimDecided) -> None:
    """Once committed, tell the resident's open pages that their claim was verified or rejected."""
    if event.action not in PUSHED:
        return
    membership = db.session.get(Membership, event.subject_id)
    emit_after_commit(
        ResidencyDecided(membership_id=membership.id, status=event.target, community=membership.community.name),
        user_room(membership.user_id),
    )


#: The claim's steps the resident's pages are told of (a withdrawal is the resident's own).
PUSHED = frozenset({'verify', 'reject'})


def _review_queue(user, _obj=None) -> bool:
    """``claim.review_queue`` (asked of nothing): committee staff and directors verify residents."""
    return bool(verifiable_community_ids(user))


def _home_work(user) -> WorkCard | None:
    """Residence claims waiting for the committee, the oldest first."""
    community_ids = verifiable_community_ids(user)
    if not community_ids:
        return None
    page = queries.pending_claims(community_ids, 1, per_page=5)
    rows = tuple(WorkRow(m.user.display_name, url_for('residency.review'), note=m.community.name) for m in page.items)
    return WorkCard('claims', _('Verify residents'), page.total, url_for('residency.review'), rows, 30)


def plug() -> None:
    subscribe(ClaimDecided, _push_decision)
    community_facts.connect(_facts, weak=False)
    role_granting.connect(_check_grant, weak=False)
    home_work.connect(_home_work, weak=False)
    actions.register_all('claim', {'review': can_review_claims, 'review_queue': _review_queue})
    actions.register('accounts.issue_reset_code', can_issue_reset_code)
    actions.register_machine(MACHINE)
