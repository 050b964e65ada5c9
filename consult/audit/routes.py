"""The audit log, for administrators, directors and the supervisory committee."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from consult.audit import bp
from consult.audit.models import AuditEntry
from consult.db import db
from consult.roles.models import ROLE_LABELS
from consult.roles.permissions import audit_community_ids
from consult.roles.permissions import can_view_audit

PAGE_SIZE = 50


@bp.route('/')
@login_required
def index():
    if not can_view_audit(current_user):
        abort(403)
    community_ids = audit_community_ids(current_user)
    query = sa.select(AuditEntry).options(
        so.joinedload(AuditEntry.actor),
        so.joinedload(AuditEntry.subject),
        so.joinedload(AuditEntry.community),
    )
    if community_ids is not None:
        query = query.where(AuditEntry.community_id.in_(community_ids))
    page = db.paginate(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
        page=request.args.get('page', 1, type=int),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template('audit/index.html', page=page, labels=ROLE_LABELS)
