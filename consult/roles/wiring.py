"""What roles connects when the app is built: who reads the audit log, and which communities' part of it."""

from consult.kernel import actions
from consult.kernel.signals import audit_scope
from consult.roles.permissions import audit_community_ids
from consult.roles.permissions import can_manage_roles
from consult.roles.permissions import can_view_audit


def _audit_scope(user):
    ids = audit_community_ids(user)
    return True if ids is None else ids


def _view_audit(user, _obj=None) -> bool:
    return can_view_audit(user)


def plug() -> None:
    actions.register('audit.view', _view_audit)
    # Grant and revoke roles in a community (``None``: anywhere the user directs, or everywhere for admins).
    actions.register('roles.grant', can_manage_roles)
    audit_scope.connect(_audit_scope, weak=False)
