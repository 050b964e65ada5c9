"""Resident views: see my residence, claim an address (optionally with a household code), withdraw a claim."""

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_login import login_required

from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Household
from consult.db import db
from consult.extensions import limiter
from consult.inputs import int_arg
from consult.residency import bp
from consult.residency import codes
from consult.residency import operations
from consult.residency import queries
from consult.residency.eligibility import active_membership
from consult.residency.eligibility import is_adult
from consult.residency.forms import ClaimForm
from consult.residency.forms import DecideForm
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.models import VerificationMethod
from consult.residency.permissions import can_withdraw_claim
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once


def get_membership_or_404(membership_id: int, check=None) -> Membership:
    """Load a claim, or 404; with ``check``, 403 unless ``check(current_user, membership)`` holds."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if check is not None and not check(current_user, membership):
        abort(403)
    return membership


def _code_limit() -> str:
    return current_app.config.get('HOUSEHOLD_CODE_RATE_LIMIT', '10 per minute')


def _code_attempt_key() -> str:
    """Count household-code attempts per user (the route requires a login), else per address."""
    if current_user.is_authenticated:
        return f'household-code:user:{current_user.id}'
    return f'household-code:ip:{get_remote_address()}'


def _no_code_entered() -> bool:
    """Claims without a code are not code attempts, so they do not count against the limit."""
    return not request.form.get('code', '').strip()


@bp.route('/')
@login_required
def mine():
    return render_template(
        'residency/mine.html',
        memberships=queries.memberships_of(current_user),
        active=active_membership(current_user),
        adult=is_adult(current_user),
        withdraw_form=DecideForm(),
    )


@bp.route('/claim', methods=['GET', 'POST'])
@login_required
@limiter.limit(_code_limit, methods=['POST'], key_func=_code_attempt_key, exempt_when=_no_code_entered)
def claim():
    communities = db.session.scalars(sa.select(Community).order_by(Community.name)).all()
    community = db.session.get(Community, int_arg('community', None) or 0)
    building = db.session.get(Building, int_arg('building', None) or 0)
    if building is not None and (community is None or building.grid.community_id != community.id):
        building = None
    form = ClaimForm()
    households = queries.households_of(building.id) if building is not None else []
    form.household_id.choices = [(h.id, h.number) for h in households]
    if building is not None and form.validate_on_submit():
        household = db.session.get(Household, form.household_id.data)
        code = (form.code.data or '').strip()
        operation = codes.claim_with_code if code else operations.claim_residence
        membership, refusal, earlier = attempt_once(
            form, 'membership', operation, current_user, household, *([code] if code else [])
        )
        if earlier is not None:
            return already_submitted(url_for('residency.mine'))
        if refusal is not None:
            if refusal.code == 'household_code':
                form.code.errors.append(str(refusal))
            else:
                flash(str(refusal), 'error')
        else:
            if membership.method == VerificationMethod.HOUSEHOLD_CODE:
                flash(_('Your household code was accepted: you are now a verified resident.'), 'success')
            elif membership.status == MembershipStatus.VERIFIED:
                flash(_('Your residence matched the community roster and is verified.'), 'success')
            else:
                flash(_('Your claim has been sent to the community committee for review.'), 'success')
            return redirect(url_for('residency.mine'))
    return render_template(
        'residency/claim.html',
        communities=communities,
        community=community,
        buildings=queries.buildings_of(community.id) if community is not None else [],
        building=building,
        form=form,
    )


@bp.route('/<int:membership_id>/withdraw', methods=['POST'])
@login_required
def withdraw(membership_id: int):
    membership = get_membership_or_404(membership_id, check=can_withdraw_claim)
    if DecideForm().validate_on_submit():
        _result, refusal = attempt(operations.withdraw, membership, current_user)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Your claim has been withdrawn.'), 'info')
    return redirect(url_for('residency.mine'))
