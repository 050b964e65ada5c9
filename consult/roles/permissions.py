"""Role predicates shared by every context. Active grants are loaded once per request (or socket event).

Each predicate takes the user explicitly, so routes, socket handlers, the CLI and tests call the same code.
"""

import functools

import sqlalchemy as sa
from flask import g
from flask import has_app_context

from consult.communities.models import Community
from consult.communities.models import department_communities
from consult.db import db
from consult.roles.models import ROLE_SCOPE
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.roles.models import Scope
from consult.socket_ends import holds
from consult.socket_ends import remember
from consult.socket_ends import remembered

#: Roles a committee director may grant and revoke inside their own community.
DIRECTOR_GRANTABLE = frozenset(
    {
        Role.REPRESENTATIVE,
        Role.GRID_WORKER,
        Role.COMMITTEE_STAFF,
        Role.EXPERT,
        Role.SUPERVISORY_COMMITTEE,
    }
)


def active_grants(user) -> list[RoleGrant]:
    """Return the user's unrevoked grants, cached for the current request."""
    if user is None or not getattr(user, 'is_authenticated', False):
        return []
    cache = _request_grants()
    if user.id not in cache:
        cache[user.id] = remembered('grants', user.id, lambda: _load_grants(user.id))
    return cache[user.id]


def _request_grants() -> dict:
    """The grants read in this request, by user id (a new dict outside an app context)."""
    return g.setdefault('_active_grants', {}) if has_app_context() else {}


def grants_held(user) -> bool:
    """Whether this request or socket holds the user's unrevoked grants already (``active_grants`` reads none)."""
    return user.id in _request_grants() or holds('grants', user.id)


def hold_grants(user, grants: list[RoleGrant]) -> None:
    """The user's unrevoked grants, read by another context with its own rows (one statement for both), kept as
    ``active_grants`` keeps what it reads. ``grants_joined`` is the join that reads them."""
    _request_grants()[user.id] = grants
    remember('grants', user.id, grants)


def grants_joined(statement, user_id_param):
    """``statement`` with the unrevoked grants of the user ``user_id_param`` (a bind parameter) as one more entity,
    outer-joined: one row per grant, or one with ``None``."""
    return statement.add_columns(RoleGrant).outerjoin(
        RoleGrant, sa.and_(RoleGrant.user_id == user_id_param, RoleGrant.revoked_at.is_(None))
    )


def _load_grants(user_id: int) -> list[RoleGrant]:
    return list(db.session.scalars(_grants(), {'user': user_id}))


#: Built once (every request and socket event of a signed-in person reads it).
@functools.cache
def _grants():
    return sa.select(RoleGrant).where(RoleGrant.user_id == sa.bindparam('user'), RoleGrant.revoked_at.is_(None))


def forget_grants(user) -> None:
    """Drop the cached grants after a grant or revocation in this request."""
    if has_app_context():
        g.setdefault('_active_grants', {}).pop(user.id, None)


def is_admin(user) -> bool:
    return any(grant.role == Role.ADMIN for grant in active_grants(user))


def community_ids_for(user, *roles: Role) -> set[int]:
    """Return the ids of communities where the user holds any of ``roles``, resolving wider scopes."""
    ids: set[int] = set()
    central_ids: set[int] = set()
    department_ids: set[int] = set()
    for grant in active_grants(user):
        if grant.role not in roles:
            continue
        scope = ROLE_SCOPE[Role(grant.role)]
        if scope is Scope.COMMUNITY:
            ids.add(grant.community_id)
        elif scope is Scope.CENTRAL_COMMUNITY:
            central_ids.add(grant.central_community_id)
        elif scope is Scope.DEPARTMENT:
            department_ids.add(grant.department_id)
    if central_ids:
        ids.update(db.session.scalars(sa.select(Community.id).where(Community.central_community_id.in_(central_ids))))
    if department_ids:
        ids.update(
            db.session.scalars(
                sa.select(department_communities.c.community_id).where(
                    department_communities.c.department_id.in_(department_ids)
                )
            )
        )
    return ids


def has_role(user, role: Role, community=None) -> bool:
    """Return whether the user holds ``role`` (in ``community``, if given)."""
    if community is None:
        return any(grant.role == role for grant in active_grants(user))
    return community.id in community_ids_for(user, role)


def is_committee(user, community) -> bool:
    """Committee staff or director of ``community``."""
    return community.id in community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)


def can_manage_roles(user, community=None) -> bool:
    """Administrators anywhere; committee directors in their own community."""
    if is_admin(user):
        return True
    if community is None:
        return has_role(user, Role.COMMITTEE_DIRECTOR)
    return has_role(user, Role.COMMITTEE_DIRECTOR, community)


def can_grant(user, role: Role, community=None) -> bool:
    """Return whether ``user`` may grant or revoke ``role`` (scoped to ``community`` when community-scoped)."""
    if is_admin(user):
        return True
    return role in DIRECTOR_GRANTABLE and community is not None and has_role(user, Role.COMMITTEE_DIRECTOR, community)


def can_view_audit(user, community=None) -> bool:
    """Administrators see everything; directors and the supervisory committee see their community's log."""
    if is_admin(user):
        return True
    roles = (Role.COMMITTEE_DIRECTOR, Role.SUPERVISORY_COMMITTEE)
    if community is None:
        return bool(community_ids_for(user, *roles))
    return community.id in community_ids_for(user, *roles)


def audit_community_ids(user) -> set[int] | None:
    """Communities whose audit log ``user`` may read; ``None`` means all (administrators)."""
    if is_admin(user):
        return None
    return community_ids_for(user, Role.COMMITTEE_DIRECTOR, Role.SUPERVISORY_COMMITTEE)
