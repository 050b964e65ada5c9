"""Committee staff views: review claims, import the community roster, issue household codes."""

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.communities.models import Community
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.residency import bp
from consult.residency import codes
from consult.residency import operations
from consult.residency import queries
from consult.residency import roster
from consult.residency.eligibility import is_adult
from consult.residency.forms import DecideForm
from consult.residency.forms import IssueCodesForm
from consult.residency.forms import RejectForm
from consult.residency.forms import RosterForm
from consult.residency.models import VerificationMethod
from consult.residency.permissions import can_verify_residents
from consult.residency.permissions import verifiable_community_ids
from consult.residency.routes.claims import get_membership_or_404
from consult.security import mask_mobile
from consult.web import attempt


def get_community_or_404(community_id: int) -> Community:
    """Load a community whose residents the current user verifies: 404 if unknown, 403 if not theirs."""
    community = db.session.get(Community, community_id)
    if community is None:
        abort(404)
    if not can_verify_residents(current_user, community):
        abort(403)
    return community


def _can_decide(user, membership) -> bool:
    return can_verify_residents(user, membership.community)


@bp.route('/review')
@login_required
def review():
    community_ids = verifiable_community_ids(current_user)
    if not community_ids:
        abort(403)
    page = queries.pending_claims(community_ids, int_arg('page'))
    communities = db.session.scalars(
        sa.select(Community).where(Community.id.in_(community_ids)).order_by(Community.name)
    ).all()
    return render_template(
        'residency/review.html',
        page=page,
        communities=communities,
        decide_form=DecideForm(),
        mask_mobile=mask_mobile,
        is_adult=is_adult,
    )


@bp.route('/<int:membership_id>/approve', methods=['POST'])
@login_required
def approve(membership_id: int):
    membership = get_membership_or_404(membership_id, check=_can_decide)
    if DecideForm().validate_on_submit():
        _result, refusal = attempt(operations.verify, membership, current_user, VerificationMethod.STAFF)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('%(name)s is now a verified resident.', name=membership.user.real_name), 'success')
    return redirect(url_for('residency.review'))


@bp.route('/<int:membership_id>/reject', methods=['GET', 'POST'])
@login_required
def reject(membership_id: int):
    membership = get_membership_or_404(membership_id, check=_can_decide)
    form = RejectForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.reject, membership, current_user, form.reason.data)
        if refusal is not None:
            form.reason.errors.append(str(refusal))
        else:
            flash(_('The claim was rejected; the resident will see your reason.'), 'info')
            return redirect(url_for('residency.review'))
    return render_template('residency/reject.html', membership=membership, form=form, mask_mobile=mask_mobile)


def import_upload(upload, importer, community):
    """Run ``importer`` on an uploaded CSV (read up to one byte past the limit) and commit, or roll back.

    :return: ``(result, None)`` or ``(None, refusal)``.
    """
    max_bytes = current_app.config['ROSTER_MAX_BYTES']
    data = upload.stream.read(max_bytes + 1)
    try:
        result = importer(current_user, community, upload.filename or '', data, max_bytes=max_bytes)
    except Refusal as exc:
        db.session.rollback()
        return None, exc
    db.session.commit()
    return result, None


@bp.route('/communities/<int:community_id>/roster', methods=['GET', 'POST'])
@login_required
def roster_import(community_id: int):
    community = get_community_or_404(community_id)
    form = RosterForm()
    refusal = None
    if form.validate_on_submit():
        result, refusal = import_upload(form.roster.data, roster.import_roster, community)
        if refusal is None:
            flash(
                _(
                    'Roster imported: %(rows)s rows. Waiting claims that matched and were verified: %(verified)s.',
                    rows=result.row_count,
                    verified=result.verified_count,
                ),
                'success',
            )
            return redirect(url_for('residency.roster_import', community_id=community.id))
    return render_template(
        'residency/roster.html',
        community=community,
        form=form,
        refusal=refusal,
        problems=getattr(refusal, 'problems', []),
        imports=roster.recent_imports(community.id),
        headers=roster.HEADERS,
    )


@bp.route('/communities/<int:community_id>/codes', methods=['GET', 'POST'])
@login_required
def household_codes(community_id: int):
    community = get_community_or_404(community_id)
    buildings = queries.buildings_of(community.id)
    building_id = int_arg('building', None)
    building = next((b for b in buildings if b.id == building_id), None)
    households = queries.households_of(building.id) if building is not None else []
    form = IssueCodesForm()
    form.household_id.choices = [(0, _('All households of this building'))] + [(h.id, h.number) for h in households]
    if building is not None and form.validate_on_submit():
        chosen = [h for h in households if form.household_id.data in (0, h.id)]
        issued, refusal = attempt(codes.issue_codes, current_user, community, chosen)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            # The plaintext is shown this once: no redirect (it would need storing) and no caching.
            response = make_response(
                render_template('residency/codes_print.html', community=community, building=building, issued=issued)
            )
            response.headers['Cache-Control'] = 'no-store'
            return response
    return render_template(
        'residency/codes.html',
        community=community,
        buildings=buildings,
        building=building,
        households=households,
        latest=codes.code_status(households),
        form=form,
        now=utcnow(),
    )
