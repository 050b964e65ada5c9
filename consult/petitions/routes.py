"""Petition pages: public list and detail, start, sign, the committee queue and recording the meeting."""

import sqlalchemy as sa
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from consult.communities.models import Community
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.petitions import bp
from consult.petitions import operations
from consult.petitions import queries
from consult.petitions import sweeps
from consult.petitions.forms import ConvenedForm
from consult.petitions.forms import SignForm
from consult.petitions.forms import StartForm
from consult.petitions.models import Petition
from consult.petitions.models import PetitionStatus
from consult.petitions.permissions import can_petition
from consult.petitions.permissions import is_committee
from consult.petitions.permissions import queue_community_ids
from consult.rules.models import RuleSet
from consult.rules.queries import rules_in_force
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

STATUS_LABELS = {
    PetitionStatus.OPEN: _l('Open for signatures'),
    PetitionStatus.THRESHOLD_MET: _l('Threshold met: the committee must convene a meeting'),
    PetitionStatus.CONVENED: _l('Meeting convened'),
    PetitionStatus.LAPSED: _l('Lapsed'),
    PetitionStatus.WITHDRAWN: _l('Withdrawn'),
}
#: What each alternative is counted against, by its base.
BASE_LABELS = {
    'adults': _l('adult residents'),
    'households': _l('households'),
    'groups': _l("residents' groups (buildings)"),
}
GROUPS_NOTE = _l(
    "Platform rule: a residents' group is taken to be a building; a building counts as petitioning when more "
    'than half of its households with a verified adult resident have a petitioner. Source of the thresholds: '
    'Urban Residents Committee Organisation Law art 10.'
)


def _community_or_404(code: str) -> Community:
    community = db.session.scalar(sa.select(Community).where(Community.code == code))
    if community is None:
        abort(404)
    return community


def _petition_or_404(petition_id: int) -> Petition:
    petition = db.session.get(Petition, petition_id)
    if petition is None:
        abort(404)
    return petition


def _apply_lapses(community_ids) -> None:
    """Store the lapse of every due open petition shown here (committed at once: people are told)."""
    attempt(sweeps.lapse_due, utcnow(), community_ids)


@bp.route('/c/<code>')
def index(code: str):
    community = _community_or_404(code)
    _apply_lapses({community.id})
    page = queries.petitions_of(community, int_arg('page'))
    return render_template(
        'petitions/index.html',
        community=community,
        page=page,
        labels=STATUS_LABELS,
        now=utcnow(),
        may_start=can_petition(current_user, community),
    )


@bp.route('/c/<code>/start', methods=['GET', 'POST'])
@login_required
def start(code: str):
    community = _community_or_404(code)
    if not can_petition(current_user, community):
        abort(403)
    form = StartForm()
    if form.validate_on_submit():
        petition, refusal, earlier = attempt_once(
            form, 'petition', operations.start_petition, current_user, community, form.title.data, form.matter.data
        )
        if earlier is not None:
            return already_submitted(url_for('petitions.detail', petition_id=earlier))
        if refusal is None:
            flash(_('Petition started, with your signature.'), 'success')
            return redirect(url_for('petitions.detail', petition_id=petition.id))
        form.matter.errors.append(str(refusal))
    return render_template('petitions/start.html', community=community, form=form)


@bp.route('/<int:petition_id>')
def detail(petition_id: int):
    petition = _petition_or_404(petition_id)
    _apply_lapses({petition.community_id})
    if petition.met_rule_set_id is not None:
        rules = db.session.get(RuleSet, petition.met_rule_set_id)
    else:
        rules = rules_in_force(petition.community, today())
    outcome = queries.petition_outcome(petition, rules) if rules is not None else None
    return render_template(
        'petitions/detail.html',
        petition=petition,
        rules=rules,
        outcome=outcome,
        labels=STATUS_LABELS,
        base_labels=BASE_LABELS,
        groups_note=GROUPS_NOTE,
        overdue=petition.is_overdue(),
        signed=queries.has_signed(petition, current_user),
    )


def _act(petition: Petition, operation, success: str):
    if SignForm().validate_on_submit():
        _result, refusal = attempt(operation, current_user, petition)
        flash(str(refusal) if refusal else success, 'error' if refusal else 'success')
    else:
        flash(_('The page has expired; reload it and try again.'), 'error')
    return redirect(url_for('petitions.detail', petition_id=petition.id))


@bp.route('/<int:petition_id>/sign', methods=['POST'])
@login_required
def sign(petition_id: int):
    petition = _petition_or_404(petition_id)
    if not can_petition(current_user, petition.community):
        abort(403)
    _apply_lapses({petition.community_id})
    return _act(petition, operations.sign, _('You signed the petition.'))


@bp.route('/<int:petition_id>/unsign', methods=['POST'])
@login_required
def unsign(petition_id: int):
    petition = _petition_or_404(petition_id)
    if not can_petition(current_user, petition.community):
        abort(403)
    return _act(petition, operations.withdraw_signature, _('Your signature was withdrawn.'))


@bp.route('/<int:petition_id>/withdraw', methods=['POST'])
@login_required
def withdraw(petition_id: int):
    petition = _petition_or_404(petition_id)
    if current_user.id != petition.started_by_id:
        abort(403)
    return _act(petition, operations.withdraw_petition, _('The petition was withdrawn.'))


@bp.route('/queue')
@login_required
def queue():
    community_ids = queue_community_ids(current_user)
    if not community_ids:
        abort(403)
    _apply_lapses(community_ids)
    page = queries.committee_queue(community_ids, int_arg('page'))
    return render_template('petitions/queue.html', page=page, labels=STATUS_LABELS, now=utcnow())


@bp.route('/<int:petition_id>/convened', methods=['GET', 'POST'])
@login_required
def convened(petition_id: int):
    petition = _petition_or_404(petition_id)
    if not is_committee(current_user, petition.community):
        abort(403)
    if not may(current_user, 'petition.convene', petition):
        flash(_('This petition is not waiting for a meeting.'), 'error')
        return redirect(url_for('petitions.detail', petition_id=petition.id))
    form = ConvenedForm()
    form.topic_id.choices = [(0, _('None'))] + [
        (topic.id, f'#{topic.id} {topic.title}') for topic in queries.agenda_topics(petition.community)
    ]
    if form.validate_on_submit():
        _result, refusal = attempt(
            operations.record_convened,
            current_user,
            petition,
            form.convened_on.data,
            form.note.data,
            form.topic_id.data or None,
        )
        if refusal is None:
            flash(_('The meeting was recorded.'), 'success')
            return redirect(url_for('petitions.detail', petition_id=petition.id))
        (form.topic_id if refusal.code == 'invalid_topic' else form.note).errors.append(str(refusal))
    return render_template('petitions/convened.html', petition=petition, form=form, overdue=petition.is_overdue())
