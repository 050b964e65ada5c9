"""Review and confirmation: the staff review queue, the Party confirmation queue, and one page per step."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.inputs import int_arg
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.rules.defaults import EXCLUSIONS
from consult.rules.queries import rules_in_force
from consult.topics import bp
from consult.topics import operations
from consult.topics import permissions as p
from consult.topics import queries
from consult.topics import states
from consult.topics.forms import StepForm
from consult.topics.models import Topic
from consult.topics.routes.intake import category_label
from consult.topics.routes.intake import load_topic
from consult.web import attempt

#: Steps taken on their own page (with a form), and what each form shows.
STEP_FIELDS = {
    'submit': (),
    'accept': (),
    'take_up': (),
    'withdraw': ('reason',),
    'reject': ('reason', 'exclusion'),
    'merge': ('target_id', 'reason'),
    'confirm': ('categories', 'participant_scope', 'consultation_form', 'form_reason'),
    'refuse': ('reason',),
    'escalate': ('reason',),
    'withdraw_by_committee': ('reason',),
}


@bp.route('/review')
@login_required
def review_queue():
    community_ids = community_ids_for(current_user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    if not community_ids:
        abort(403)
    waiting = request.args.get('waiting') == '1'
    page = queries.review_queue(community_ids, int_arg('page'), queued=not waiting)
    return render_template('topics/review.html', page=page, now=utcnow(), waiting=waiting)


@bp.route('/confirmation')
@login_required
def confirmation_queue():
    community_ids = p.party_community_ids(current_user)
    if not community_ids:
        abort(403)
    page = queries.confirmation_queue(community_ids, int_arg('page'))
    return render_template('topics/confirmation.html', page=page, category_label=category_label)


def _step_form(topic: Topic, action: str) -> StepForm:
    form = StepForm()
    rules = rules_in_force(topic.community, today())
    exclusions = rules.params.get('exclusions', []) if rules else []
    form.exclusion.choices = [('', _('None'))] + [(code, str(EXCLUSIONS[code]['label'])) for code in exclusions]
    form.target_id.choices = (
        [(t.id, f'#{t.id} {t.title}') for t in queries.merge_targets(topic)] if action == 'merge' else []
    )
    form.categories.choices = [(c, category_label(c)) for c in (rules.categories if rules else [])]
    if request.method == 'GET' and action == 'confirm':
        form.categories.data = topic.categories
    return form


def _take_step(topic: Topic, action: str, form: StepForm):
    data = {}
    if action == 'reject':
        data['exclusion'] = form.exclusion.data or None
    elif action == 'merge':
        data['target'] = db.session.get(Topic, form.target_id.data or 0)
    elif action == 'confirm':
        data.update(
            categories=form.categories.data or [],
            participant_scope=form.participant_scope.data,
            form=form.consultation_form.data,
            form_reason=form.form_reason.data,
        )
    if action == 'submit':
        return operations.submit_topic(current_user, topic)
    if action in ('withdraw', 'withdraw_by_committee'):
        return states.apply(topic, action, current_user, reason=form.reason.data or '')
    return states.apply(topic, action, current_user, reason=form.reason.data or '', **data)


@bp.route('/<int:topic_id>/step/<action>', methods=['GET', 'POST'])
@login_required
def step(topic_id: int, action: str):
    topic = load_topic(topic_id)
    if action not in STEP_FIELDS:
        abort(404)
    if action not in states.allowed_actions(current_user, topic):
        abort(403)
    form = _step_form(topic, action)
    if form.validate_on_submit():
        _result, refusal = attempt(_take_step, topic, action, form)
        if refusal is None:
            flash(str(states.ACTION_LABELS[action]), 'success')
            return redirect(url_for('topics.detail', topic_id=topic.id))
        form.reason.errors.append(str(refusal))
    return render_template(
        'topics/step.html',
        topic=topic,
        action=action,
        form=form,
        fields=STEP_FIELDS[action],
        label=states.step_label(action),
    )
