"""The audit log, for administrators, directors and the supervisory committee."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask import render_template
from flask_login import current_user
from flask_login import login_required

from consult.audit import bp
from consult.audit.labels import AUDIT_LABELS
from consult.audit.labels import audit_subject
from consult.audit.models import AuditEntry
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.signals import audit_scope
from consult.kernel.signals import contributions

PAGE_SIZE = 50


@bp.route('/')
@login_required
def index():
    if not may(current_user, 'audit.view'):
        abort(403)
    community_ids = _scope(current_user)
    query = sa.select(AuditEntry).options(
        so.joinedload(AuditEntry.actor),
        so.joinedload(AuditEntry.subject),
        so.joinedload(AuditEntry.community),
    )
    if community_ids is not None:
        query = query.where(AuditEntry.community_id.in_(community_ids))
    page = db.paginate(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
        page=int_arg('page'),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template('audit/index.html', page=page, audit_labels=AUDIT_LABELS, audit_subject=audit_subject)


def _scope(user) -> set[int] | None:
    """Communities whose log ``user`` reads (``None``: all), as the roles context answers ``audit_scope``."""
    scopes = contributions(audit_scope, user)
    if any(scope is True for scope in scopes):
        return None
    return set().union(*scopes)
