"""Residence claims and their verification. Operations flush; the caller commits and then emits."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import ONE_RESIDENCE
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.kernel.rooms import user_room
from consult.residency import logger
from consult.residency.guards import RESIDENCE
from consult.residency.hooks import residence_changed
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.models import RosterEntry
from consult.residency.models import VerificationMethod
from consult.residency.states import MACHINE
from consult.socket_ends import end_after_commit


def pending_claim(user) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.status == MembershipStatus.PENDING)
    )


def claim_residence(user, household: Household) -> Membership:
    """Claim to live in ``household``. A matching roster row verifies the claim at once.

    :raises Refusal: if a claim is already pending, or the user is already verified in this household.
    """
    if pending_claim(user) is not None:
        raise Refusal(
            _('You already have a claim waiting for review. Withdraw it first to claim another address.'),
            ONE_RESIDENCE,
            code='duplicate',
        )
    current = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.status == MembershipStatus.VERIFIED)
    )
    if current is not None and current.household_id == household.id:
        raise Refusal(_('You are already a verified resident of this household.'), RESIDENCE, code='duplicate')
    grid = household.building.grid
    membership = Membership(
        user_id=user.id,
        household_id=household.id,
        community_id=grid.community_id,
        grid_id=grid.id,
        status=MembershipStatus.PENDING,
    )
    try:
        with db.session.begin_nested():  # a concurrent second claim loses on uq_memberships_one_pending
            db.session.add(membership)
    except IntegrityError as exc:
        raise Refusal(
            _('You already have a claim waiting for review. Withdraw it first to claim another address.'),
            ONE_RESIDENCE,
            code='duplicate',
        ) from exc
    logger.info('user %s claimed household %s', user.id, household.id)
    if matching_roster_entry(user, household) is not None:
        verify(membership, None, VerificationMethod.ROSTER)
    return membership


def matching_roster_entry(user, household) -> RosterEntry | None:
    """Return the roster row with the user's real name and birth date in ``household``."""
    return db.session.scalar(
        sa.select(RosterEntry)
        .where(
            RosterEntry.household_id == household.id,
            RosterEntry.real_name == user.real_name,
            RosterEntry.birth_date == user.birth_date,
        )
        .limit(1)
    )


def verify(membership: Membership, actor, method: VerificationMethod, reason: str = '') -> Membership:
    """Verify a pending claim; a verified membership elsewhere ends (the resident moved), keeping its history.

    Then announces the change (:func:`consult.residency.hooks.residence_changed`: petitions re-check both communities).

    :param actor: the verifying staff member, or ``None`` when the roster or a household code verifies.
    """
    MACHINE.check(membership, 'verify', actor, reason)  # before ending a residence elsewhere
    now = utcnow()
    previous = db.session.scalars(
        sa.select(Membership).where(
            Membership.user_id == membership.user_id,
            Membership.status == MembershipStatus.VERIFIED,
            Membership.id != membership.id,
        )
    ).all()
    for old in previous:
        old.status = MembershipStatus.ENDED
        old.ended_at = now
        old.end_reason = 'moved'
        record(
            actor,
            'residency.end',
            community=old.community,
            subject=old.user,
            reason='moved',
            membership_id=old.id,
            moved_to_community_id=membership.community_id,
        )
    db.session.flush()  # end the old residence before the unique index sees the new one
    if previous:  # sockets opened as a resident of the old community end; the pages reconnect
        end_after_commit(user_room(membership.user_id))
    _decide(membership, 'verify', actor, now, reason, decided_by=actor, columns={'method': method})
    _announce(membership, actor, 'residency.verify', reason, method=str(method))
    # A residence began here and perhaps ended elsewhere: counts over current residents changed in both.
    residence_changed({membership.community_id, *(old.community_id for old in previous)}, now)
    logger.info('membership %s verified by %s (%s)', membership.id, membership.decided_by_id, method)
    return membership


def reject(membership: Membership, actor, reason: str) -> Membership:
    """Reject a pending claim with a reason the resident will see.

    :raises Refusal: if the reason is empty.
    """
    reason = require_reason(reason, _('Give the resident a reason for the rejection.'))
    _decide(membership, 'reject', actor, utcnow(), reason, decided_by=actor, columns={'reason': reason})
    _announce(membership, actor, 'residency.reject', reason)
    return membership


def withdraw(membership: Membership, actor) -> Membership:
    """The resident withdraws their own pending claim."""
    _decide(membership, 'withdraw', actor, utcnow(), decided_by=None)
    return membership


def _announce(membership: Membership, actor, action: str, reason: str, **details) -> None:
    """Audit a decision on a claim (the resident's open pages hear of it through ``ClaimDecided``)."""
    record(
        actor,
        action,
        community=membership.community,
        subject=membership.user,
        reason=reason,
        membership_id=membership.id,
        **details,
    )


def _decide(membership: Membership, action: str, actor, now, reason: str = '', *, decided_by, columns=None) -> None:
    """Take ``action`` on a pending claim (:mod:`consult.residency.states`), recording who decided and when in
    the same conditional UPDATE, so two deciders cannot both succeed.

    :param decided_by: the deciding staff member; ``None`` for the roster, a household code or a withdrawal.
    :param columns: further columns set by the same UPDATE (the method, the rejection's reason).
    :raises Refusal: ``wrong_state`` (or ``conflict``) if the claim was no longer pending.
    """
    values = {'decided_at': now, 'decided_by_id': decided_by.id if decided_by is not None else None, **(columns or {})}
    MACHINE.apply(membership, action, actor, reason, values=values)
    db.session.refresh(membership)
