"""Pages of disclosure: the public result page (no login), preparing and signing off a publication, objecting,
answering, and the supervisory committee's flags."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.signals import contributions
from consult.kernel.signals import result_sections
from consult.topics.permissions import can_review
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import operations
from . import permissions as p
from . import queries
from .forms import AnswerForm
from .forms import FlagAnswerForm
from .forms import FlagForm
from .forms import ObjectionForm
from .forms import PrepareForm
from .forms import SignOffForm
from .models import Irregularity
from .models import Objection
from .public import public_record


def labels() -> dict:
    """The words for the record's codes, in the reader's language."""
    from consult.meetings.models import BADGE_LABELS
    from consult.meetings.models import KIND_LABELS as MEETING_KINDS
    from consult.meetings.models import KIND_OF_PARTICIPANT_LABELS
    from consult.meetings.models import OUTCOME_LABELS
    from consult.outcomes.models import RESULT_LABELS
    from consult.roles.models import ROLE_LABELS
    from consult.rules.defaults import NATIONAL_CATEGORIES
    from consult.topics.models import CHANNEL_LABELS
    from consult.topics.models import FORM_LABELS
    from consult.topics.models import STATUS_LABELS
    from consult.topics.states import ACTION_LABELS

    from .models import ANSWER_LABELS

    return {
        'status': STATUS_LABELS,
        'form': FORM_LABELS,
        'channel': CHANNEL_LABELS,
        'participant': KIND_OF_PARTICIPANT_LABELS,
        'badge': BADGE_LABELS,
        'meeting_kind': MEETING_KINDS,
        'outcome': OUTCOME_LABELS,
        'legality': RESULT_LABELS,
        'role': {**ROLE_LABELS, 'system': _('The platform'), 'submitter': _('Submitter')},
        'action': ACTION_LABELS,
        'category': NATIONAL_CATEGORIES,
        'answer': ANSWER_LABELS,
    }


def _record_or_404(topic_id: int):
    record = public_record(topic_id)
    if record is None:
        abort(404)
    return record


def _page(topic_id: int, **extra):
    record = _record_or_404(topic_id)
    topic = load_topic(topic_id)
    objection_form = extra.pop('objection_form', None)
    if objection_form is None and p.may_object(current_user, topic):
        objection_form = ObjectionForm()
    mine = None
    if current_user.is_authenticated:
        mine = queries.open_objection_of(topic_id, current_user.id)
    return render_template(
        'disclosure/result.html',
        record=record,
        labels=labels(),
        topic=topic,
        objection_form=objection_form,
        my_objection=mine,
        window_open=p.objection_window_open(topic),
        answerer=can_review(current_user, topic.community),
        now=utcnow(),
        # What other contexts publish with the record (deputies' observation notes): each renders its partial.
        sections=contributions(result_sections, topic_id),
        **extra,
    )


@bp.route('/results/<int:topic_id>')
def result(topic_id: int):
    """The public result page: no login; what :func:`public_record` decides is public, nothing else."""
    return _page(topic_id)


@bp.route('/results/<int:topic_id>/objections')
def objections(topic_id: int):
    """The objections and flags section alone, fetched by the page when ``result_changed`` arrives."""
    record = _record_or_404(topic_id)
    topic = load_topic(topic_id)
    return render_template(
        'disclosure/_objections.html',
        record=record,
        topic=topic,
        now=utcnow(),
        labels=labels(),
        answerer=can_review(current_user, topic.community),
    )


@bp.route('/results/<int:topic_id>/object', methods=['POST'])
@login_required
def object_(topic_id: int):
    topic = load_topic(topic_id)
    _record_or_404(topic_id)
    if not p.may_object(current_user, topic):
        abort(403)
    form = ObjectionForm()
    error = None
    if form.validate_on_submit():
        _objection, refusal, earlier = attempt_once(
            form, 'objection', operations.file_objection, current_user, topic, form.reasons.data
        )
        if earlier is not None:
            return already_submitted(url_for('disclosure.result', topic_id=topic.id, _anchor='objections'))
        if refusal is None:
            flash(_('Your objection is filed. The committee answers it publicly.'), 'success')
            return redirect(url_for('disclosure.result', topic_id=topic.id, _anchor='objections'))
        error = str(refusal)
    return _page(topic_id, objection_form=form, error=error)


@bp.route('/results/<int:topic_id>/publication', methods=['GET', 'POST'])
@login_required
def prepare(topic_id: int):
    """Staff prepare and approve the publication; on the same page the director signs it off."""
    topic = load_topic(topic_id)
    pending = queries.pending_publication(topic.id) if topic.status in p.PUBLISHABLE_STATES else None
    may_sign = pending is not None and p.may_prepare(current_user, topic) and p.is_principal(current_user, topic)
    if not p.may_prepare(current_user, topic):
        abort(403)
    form = PrepareForm()
    error = None
    if pending is None and form.validate_on_submit():
        _publication, refusal = attempt(operations.prepare_publication, current_user, topic, form.note.data or '')
        if refusal is None:
            flash(_('The publication is prepared: the committee director signs it off.'), 'success')
            return redirect(url_for('disclosure.prepare', topic_id=topic.id))
        error = str(refusal)
    return render_template(
        'disclosure/prepare.html',
        topic=topic,
        form=form,
        sign_form=SignOffForm(),
        pending=pending,
        may_sign=may_sign,
        error=error,
    )


@bp.route('/results/<int:topic_id>/publish', methods=['POST'])
@login_required
def publish(topic_id: int):
    """The director signs the prepared publication off: the ``publish`` step."""
    topic = load_topic(topic_id)
    if not p.may_prepare(current_user, topic) or not p.is_principal(current_user, topic):
        abort(403)
    form = SignOffForm()
    if form.validate_on_submit():
        _publication, refusal = attempt(operations.publish_result, current_user, topic)
        if refusal is None:
            flash(_('The result is published.'), 'success')
            return redirect(url_for('disclosure.result', topic_id=topic.id))
        flash(str(refusal), 'error')
    return redirect(url_for('disclosure.prepare', topic_id=topic.id))


@bp.route('/results/objection/<int:objection_id>/answer', methods=['GET', 'POST'])
@login_required
def answer(objection_id: int):
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        abort(404)
    topic = load_topic(objection.topic_id)
    if not p.may_answer(current_user, objection):
        abort(403)
    form = AnswerForm()
    error = None
    if form.validate_on_submit():
        _answered, refusal = attempt(
            operations.answer_objection, current_user, objection, form.answer.data or '', form.reasons.data
        )
        if refusal is None:
            flash(_('The answer is published.'), 'success')
            return redirect(url_for('disclosure.result', topic_id=topic.id, _anchor=f'objection-{objection_id}'))
        error = str(refusal)
    return render_template('disclosure/answer.html', topic=topic, objection=objection, form=form, error=error)


@bp.route('/results/<int:topic_id>/flag', methods=['GET', 'POST'])
@login_required
def flag(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_flag(current_user, topic):
        abort(403)
    form = FlagForm()
    error = None
    if form.validate_on_submit():
        _flag, refusal, earlier = attempt_once(
            form, 'irregularity', operations.flag_irregularity, current_user, topic, form.reason.data
        )
        if earlier is not None or refusal is None:
            if refusal is None:
                flash(_('The irregularity is flagged publicly; the committee answers it.'), 'success')
            return redirect(url_for('disclosure.result', topic_id=topic.id, _anchor='irregularities'))
        error = str(refusal)
    return render_template('disclosure/flag.html', topic=topic, form=form, error=error)


@bp.route('/results/irregularity/<int:flag_id>/answer', methods=['GET', 'POST'])
@login_required
def answer_flag(flag_id: int):
    flagged = db.session.get(Irregularity, flag_id)
    if flagged is None:
        abort(404)
    topic = load_topic(flagged.topic_id)
    if not p.may_answer_irregularity(current_user, flagged):
        abort(403)
    form = FlagAnswerForm()
    error = None
    if form.validate_on_submit():
        _answered, refusal = attempt(operations.answer_irregularity, current_user, flagged, form.answer.data)
        if refusal is None:
            flash(_('The answer is published.'), 'success')
            return redirect(url_for('disclosure.result', topic_id=topic.id, _anchor='irregularities'))
        error = str(refusal)
    return render_template('disclosure/answer_flag.html', topic=topic, flagged=flagged, form=form, error=error)
