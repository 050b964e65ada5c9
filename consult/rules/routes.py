"""Rule set pages: the public rule set and its history, the director's proposal, the Party organisation's decision."""

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

from consult.communities.models import Community
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.clock import today
from consult.rules import bp
from consult.rules import display
from consult.rules import models  # noqa: F401 - the models must be known to the app and to Alembic
from consult.rules import operations
from consult.rules import queries
from consult.rules.defaults import MEETING_TYPES
from consult.rules.defaults import NUMBERS
from consult.rules.forms import WHICH
from consult.rules.forms import ConfirmForm
from consult.rules.forms import DeclineForm
from consult.rules.forms import ProposeForm
from consult.rules.permissions import can_decide_rules
from consult.rules.permissions import can_propose_rules
from consult.rules.validation import choices_from
from consult.web import attempt


def _community_or_404(code: str) -> Community:
    community = db.session.scalar(sa.select(Community).where(Community.code == code))
    if community is None:
        abort(404)
    return community


def _version_or_404(community, number: int):
    rules = queries.version_of(community, number)
    if rules is None:
        abort(404)
    return rules


def _sections(params: dict) -> dict:
    return {
        'categories': display.category_rows(params),
        'exclusions': display.exclusion_rows(params),
        'numbers': display.number_rows(params),
        'thresholds': display.threshold_rows(params),
    }


@bp.route('/<code>')
def show(code: str):
    community = _community_or_404(code)
    in_force = queries.rules_in_force(community, today())
    latest = queries.latest_confirmed(community)
    return render_template(
        'rules/show.html',
        community=community,
        rules=in_force,
        sections=_sections(in_force.params) if in_force is not None else None,
        upcoming=latest if latest is not None and latest is not in_force else None,
        pending=queries.pending_version(community),
        can_propose=can_propose_rules(current_user, community),
    )


@bp.route('/<code>/history')
def history(code: str):
    community = _community_or_404(code)
    page = queries.history_page(community, int_arg('page'))
    return render_template('rules/history.html', community=community, page=page)


@bp.route('/<code>/v/<int:number>')
def version(code: str, number: int):
    community = _community_or_404(code)
    rules = _version_or_404(community, number)
    predecessor = queries.predecessor_of(rules)
    can_decide = may(current_user, 'rules.decide', rules)
    return render_template(
        'rules/version.html',
        community=community,
        rules=rules,
        sections=_sections(rules.params),
        predecessor=predecessor,
        changes=display.changes_between(predecessor.params, rules.params) if predecessor is not None else None,
        confirm_form=ConfirmForm() if can_decide else None,
        decline_form=DeclineForm() if can_decide else None,
    )


@bp.route('/<code>/propose', methods=['GET', 'POST'])
@login_required
def propose(code: str):
    community = _community_or_404(code)
    if not can_propose_rules(current_user, community):
        abort(403)
    latest = queries.latest_confirmed(community)
    pending = queries.pending_version(community)
    form = ProposeForm()
    if request.method == 'GET' and latest is not None:
        form.fill(choices_from(latest.params), max(today(), latest.effective_from))
    if form.validate_on_submit():
        rules, refusal = attempt(
            operations.propose_rules,
            current_user,
            community,
            form.choices(),
            form.effective_from.data,
            form.summary.data,
        )
        if refusal is None:
            flash(
                _('Version %(version)s proposed; it waits for the Party organisation.', version=rules.version),
                'success',
            )
            return redirect(url_for('rules.version', code=code, number=rules.version))
        flash(str(refusal), 'error')
    return render_template(
        'rules/propose.html',
        community=community,
        form=form,
        latest=latest,
        pending=pending,
        numbers=list(NUMBERS),
        meetings=MEETING_TYPES,
        which=WHICH,
    )


@bp.route('/<code>/v/<int:number>/confirm', methods=['POST'])
@login_required
def confirm(code: str, number: int):
    community = _community_or_404(code)
    rules = _version_or_404(community, number)
    if not can_decide_rules(current_user, community):
        abort(403)
    if ConfirmForm().validate_on_submit():
        _result, refusal = attempt(operations.confirm_rules, current_user, rules)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Version %(version)s confirmed.', version=number), 'success')
    return redirect(url_for('rules.version', code=code, number=number))


@bp.route('/<code>/v/<int:number>/decline', methods=['POST'])
@login_required
def decline(code: str, number: int):
    community = _community_or_404(code)
    rules = _version_or_404(community, number)
    if not can_decide_rules(current_user, community):
        abort(403)
    form = DeclineForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.decline_rules, current_user, rules, form.reason.data)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Version %(version)s declined.', version=number), 'info')
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), 'error')
    return redirect(url_for('rules.version', code=code, number=number))
