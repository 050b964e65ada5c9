"""Granting and revoking roles. Every grant and revocation is audited with its reason."""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import SUPERVISORY_INDEPENDENCE
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.kernel.rooms import user_room
from consult.kernel.signals import role_granting
from consult.roles import logger
from consult.roles.guards import GRANTS
from consult.roles.models import ROLE_SCOPE
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.roles.models import Scope
from consult.roles.permissions import can_grant
from consult.roles.permissions import forget_grants
from consult.socket_ends import end_after_commit

#: Roles that may not be held together in one community (supervisors must be independent of the committee).
_COMMITTEE = {Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR}


def _scope_values(role: Role, community=None, central_community=None, department=None) -> dict:
    scope = ROLE_SCOPE[role]
    target = {
        Scope.COMMUNITY: ('community_id', community),
        Scope.CENTRAL_COMMUNITY: ('central_community_id', central_community),
        Scope.DEPARTMENT: ('department_id', department),
    }.get(scope)
    if target is None:
        return {}
    column, value = target
    if value is None:
        raise Refusal(_('Choose where this role applies.'), code='scope_required')
    return {column: value.id}


def grant_role(actor, user, role: Role, reason: str, *, community=None, central_community=None, department=None):
    """Grant ``role`` to ``user`` within the scope the role requires.

    :raises Refusal: not allowed, no reason, already held, or a rule forbids this combination.
    """
    role = Role(role)
    if not can_grant(actor, role, community):
        raise Refusal(_('You may not grant this role here.'), GRANTS, code='forbidden')
    reason = require_reason(reason, _('State the reason for this grant.'))
    scope = _scope_values(role, community, central_community, department)
    existing = db.session.scalar(
        sa.select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == role,
            RoleGrant.revoked_at.is_(None),
            *[getattr(RoleGrant, k) == v for k, v in scope.items()],
        )
    )
    if existing is not None:
        raise Refusal(_('%(name)s already holds this role here.', name=user.display_name), GRANTS, code='duplicate')
    if community is not None:
        _check_combination(user, role, community)
    grant = RoleGrant(user_id=user.id, role=role, granted_by_id=actor.id, reason=reason, **scope)
    db.session.add(grant)
    db.session.flush()
    forget_grants(user)
    record(
        actor,
        'role.grant',
        community=community,
        subject=user,
        reason=reason,
        role=str(role),
        grant_id=grant.id,
        **{k: v for k, v in scope.items() if k != 'community_id'},
    )
    logger.info('role %s granted to %s by %s', role, user.id, actor.id)
    return grant


def _check_combination(user, role: Role, community) -> None:
    held = set(
        db.session.scalars(
            sa.select(RoleGrant.role).where(
                RoleGrant.user_id == user.id, RoleGrant.community_id == community.id, RoleGrant.revoked_at.is_(None)
            )
        )
    )
    if role == Role.SUPERVISORY_COMMITTEE and held & _COMMITTEE:
        raise Refusal(
            _('A committee member cannot sit on the supervisory committee.'), SUPERVISORY_INDEPENDENCE, code='conflict'
        )
    if role in _COMMITTEE and Role.SUPERVISORY_COMMITTEE in held:
        raise Refusal(
            _('A supervisory committee member cannot join the committee.'), SUPERVISORY_INDEPENDENCE, code='conflict'
        )
    # Rules of downstream contexts (residency: representatives are verified residents) raise here.
    role_granting.send(role, user=user, community=community)


def revoke_role(actor, grant: RoleGrant, reason: str) -> RoleGrant:
    """Revoke a grant, keeping it in the history.

    :raises Refusal: not allowed, no reason, already revoked, or an administrator removing their own admin role.
    """
    if not can_grant(actor, Role(grant.role), grant.community):
        raise Refusal(_('You may not revoke this role.'), GRANTS, code='forbidden')
    reason = require_reason(reason, _('State the reason for this revocation.'))
    if grant.role == Role.ADMIN and grant.user_id == actor.id:
        raise Refusal(_('Administrators cannot revoke their own administrator role.'), GRANTS, code='self_revoke')
    result = db.session.execute(
        sa.update(RoleGrant)
        .where(RoleGrant.id == grant.id, RoleGrant.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id, revoke_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refusal(_('This role has already been revoked.'), GRANTS, code='wrong_state')
    db.session.refresh(grant)
    forget_grants(grant.user)
    # Sockets opened with the role (a seat in a live room, a topic room) are ended; the pages reconnect.
    end_after_commit(user_room(grant.user_id))
    record(
        actor,
        'role.revoke',
        community=grant.community,
        subject=grant.user,
        reason=reason,
        role=grant.role,
        grant_id=grant.id,
    )
    logger.info('grant %s revoked by %s', grant.id, actor.id)
    return grant
