"""Residence views: a resident claims an address; committee staff verify claims."""

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

from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Household
from consult.db import db
from consult.refusals import Refusal
from consult.residency import bp
from consult.residency import operations
from consult.residency import queries
from consult.residency.eligibility import active_membership
from consult.residency.eligibility import is_adult
from consult.residency.forms import ClaimForm
from consult.residency.forms import DecideForm
from consult.residency.forms import RejectForm
from consult.residency.models import Membership
from consult.residency.permissions import can_verify_residents
from consult.residency.permissions import can_withdraw_claim
from consult.residency.permissions import verifiable_community_ids
from consult.security import mask_mobile


def get_membership_or_404(membership_id: int, check=None) -> Membership:
    """Load a claim, or 404; with ``check``, 403 unless ``check(current_user, membership)`` holds."""
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        abort(404)
    if check is not None and not check(current_user, membership):
        abort(403)
    return membership


def _can_decide(user, membership) -> bool:
    return can_verify_residents(user, membership.community)


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
def claim():
    communities = db.session.scalars(sa.select(Community).order_by(Community.name)).all()
    community = db.session.get(Community, request.args.get('community', type=int) or 0)
    building = db.session.get(Building, request.args.get('building', type=int) or 0)
    if building is not None and (community is None or building.grid.community_id != community.id):
        building = None
    form = ClaimForm()
    households = queries.households_of(building.id) if building is not None else []
    form.household_id.choices = [(h.id, h.number) for h in households]
    if building is not None and form.validate_on_submit():
        household = db.session.get(Household, form.household_id.data)
        try:
            membership = operations.claim_residence(current_user, household)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), 'error')
        else:
            db.session.commit()
            if membership.status == 'verified':
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
        try:
            operations.withdraw(membership, current_user)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), 'error')
        else:
            db.session.commit()
            flash(_('Your claim has been withdrawn.'), 'info')
    return redirect(url_for('residency.mine'))


@bp.route('/review')
@login_required
def review():
    community_ids = verifiable_community_ids(current_user)
    if not community_ids:
        abort(403)
    page = queries.pending_claims(community_ids, request.args.get('page', 1, type=int))
    return render_template(
        'residency/review.html', page=page, decide_form=DecideForm(), mask_mobile=mask_mobile, is_adult=is_adult,
    )


@bp.route('/<int:membership_id>/approve', methods=['POST'])
@login_required
def approve(membership_id: int):
    membership = get_membership_or_404(membership_id, check=_can_decide)
    if DecideForm().validate_on_submit():
        try:
            operations.verify(membership, current_user, 'staff')
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), 'error')
        else:
            db.session.commit()
            flash(_('%(name)s is now a verified resident.', name=membership.user.real_name), 'success')
    return redirect(url_for('residency.review'))


@bp.route('/<int:membership_id>/reject', methods=['GET', 'POST'])
@login_required
def reject(membership_id: int):
    membership = get_membership_or_404(membership_id, check=_can_decide)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            operations.reject(membership, current_user, form.reason.data)
        except Refusal as refusal:
            db.session.rollback()
            form.reason.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_('The claim was rejected; the resident will see your reason.'), 'info')
            return redirect(url_for('residency.review'))
    return render_template('residency/reject.html', membership=membership, form=form, mask_mobile=mask_mobile)
