"""Committee staff issue a resident's one-time password reset code, handed over in person (no SMS needed)."""

import sqlalchemy as sa
from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from consult.accounts import resets
from consult.accounts.forms import normalise_identifier
from consult.accounts.operations import find_by_identifier
from consult.audit.operations import record
from consult.db import db
from consult.kernel.actions import may
from consult.residency import bp
from consult.residency.forms import IssueResetCodeForm
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.routes.claims import get_membership_or_404
from consult.residency.routes.staff import get_community_or_404
from consult.security import mask_mobile


def _may_issue(user, membership) -> bool:
    return may(user, 'accounts.issue_reset_code', membership)


def _no_store(page: str):
    response = current_app.make_response(page)
    response.headers['Cache-Control'] = 'no-store'
    return response


@bp.route('/communities/<int:community_id>/reset-code')
@login_required
def find_resident(community_id: int):
    """Find a verified resident of the community by mobile number or email, to issue a reset code."""
    community = get_community_or_404(community_id)
    identifier = normalise_identifier(request.args.get('identifier', '')[:254])
    membership = None
    if identifier:
        user = find_by_identifier(identifier)
        membership = (
            db.session.scalar(
                sa.select(Membership).where(
                    Membership.user_id == user.id,
                    Membership.community_id == community.id,
                    Membership.status == MembershipStatus.VERIFIED,
                )
            )
            if user is not None
            else None
        )
    return render_template(
        'residency/reset_code.html',
        community=community,
        identifier=identifier,
        membership=membership,
        form=IssueResetCodeForm(),
        mask_mobile=mask_mobile,
        code=None,
    )


@bp.route('/<int:membership_id>/reset-code', methods=['POST'])
@login_required
def issue_reset_code(membership_id: int):
    """Issue the code and show it once; the audit log records who issued it for whom."""
    membership = get_membership_or_404(membership_id, check=_may_issue)
    form = IssueResetCodeForm()
    code = None
    if form.validate_on_submit():
        code = resets.issue_code(current_user, membership.user, hours=current_app.config['PASSWORD_RESET_CODE_HOURS'])
        record(current_user, 'accounts.issue_reset_code', community=membership.community, subject=membership.user)
        db.session.commit()
    page = render_template(
        'residency/reset_code.html',
        community=membership.community,
        identifier='',
        membership=membership,
        form=form,
        mask_mobile=mask_mobile,
        code=code,
    )
    return _no_store(page)
