"""Role management: administrators anywhere, committee directors in their community."""

import sqlalchemy as sa
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.accounts.forms import normalise_identifier
from consult.accounts.operations import find_by_identifier
from consult.communities.models import CentralCommunity
from consult.communities.models import Community
from consult.communities.models import Department
from consult.db import db
from consult.inputs import int_arg
from consult.roles import bp
from consult.roles import operations
from consult.roles import queries
from consult.roles.forms import GrantForm
from consult.roles.forms import RevokeForm
from consult.roles.models import ROLE_LABELS
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.roles.permissions import DIRECTOR_GRANTABLE
from consult.roles.permissions import can_grant
from consult.roles.permissions import can_manage_roles
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import is_admin
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once


def _manageable_community_ids(user) -> set[int] | None:
    return None if is_admin(user) else community_ids_for(user, Role.COMMITTEE_DIRECTOR)


@bp.route('/')
@login_required
def index():
    if not can_manage_roles(current_user):
        abort(403)
    page = queries.grants_page(
        _manageable_community_ids(current_user),
        int_arg('page'),
        include_revoked=request.args.get('revoked') == '1',
    )
    return render_template('roles/index.html', page=page, labels=ROLE_LABELS, revoke_form=RevokeForm())


@bp.route('/grant', methods=['GET', 'POST'])
@login_required
def grant():
    if not can_manage_roles(current_user):
        abort(403)
    admin = is_admin(current_user)
    scope_ids = _manageable_community_ids(current_user)
    communities = db.session.scalars(
        sa.select(Community)
        .where(sa.true() if scope_ids is None else Community.id.in_(scope_ids))
        .order_by(Community.name)
    ).all()
    form = GrantForm()
    form.set_choices(
        set(Role) if admin else DIRECTOR_GRANTABLE,
        communities,
        db.session.scalars(sa.select(CentralCommunity).order_by(CentralCommunity.name)).all() if admin else [],
        db.session.scalars(sa.select(Department).order_by(Department.name)).all() if admin else [],
    )
    if form.validate_on_submit():
        user = find_by_identifier(normalise_identifier(form.identifier.data))
        if user is None:
            form.identifier.errors.append(_('No account has this mobile number or email.'))
        else:
            _result, refusal, earlier = attempt_once(
                form,
                'role_grant',
                operations.grant_role,
                current_user,
                user,
                Role(form.role.data),
                form.reason.data,
                community=db.session.get(Community, form.community_id.data or 0),
                central_community=db.session.get(CentralCommunity, form.central_community_id.data or 0),
                department=db.session.get(Department, form.department_id.data or 0),
            )
            if earlier is not None:
                return already_submitted(url_for('roles.index'))
            if refusal is not None:
                form.role.errors.append(str(refusal))
            else:
                flash(_('Role granted to %(name)s.', name=user.display_name), 'success')
                return redirect(url_for('roles.index'))
    return render_template('roles/grant.html', form=form)


@bp.route('/<int:grant_id>/revoke', methods=['POST'])
@login_required
def revoke(grant_id: int):
    grant_obj = db.session.get(RoleGrant, grant_id)
    if grant_obj is None:
        abort(404)
    if not can_grant(current_user, Role(grant_obj.role), grant_obj.community):
        abort(403)
    form = RevokeForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.revoke_role, current_user, grant_obj, form.reason.data)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Role revoked.'), 'info')
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), 'error')
    return redirect(url_for('roles.index'))
