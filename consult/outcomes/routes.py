"""Pages of the opinion and the legality check: the topic page's section, recording, correcting, checking."""

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
from consult.topics import states
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import operations
from . import queries
from .forms import CorrectionForm
from .forms import LegalityForm
from .forms import OpinionForm
from .guards import matter_source
from .models import Opinion
from .permissions import may_check_legality
from .permissions import may_correct
from .permissions import may_record_opinion


def outcome_section(topic, user) -> dict:
    """What the topic page shows of the opinions and their checks (a fixed number of statements)."""
    return {'opinions': queries.opinions_of(topic.id), 'matter_source': matter_source}


def _back(topic_id: int):
    return redirect(url_for('topics.detail', topic_id=topic_id, _anchor='outcome'))


def vote_choice(vote) -> str:
    """A closed vote as a choice: its title and its result."""
    passed = _('Passed') if vote.adopted else _('Not passed')
    result = passed if vote.quorum_met else _('Quorum not reached')
    return f'{vote.title} · {result}'


@bp.route('/topic/<int:topic_id>/opinion', methods=['GET', 'POST'])
@login_required
def opinion(topic_id: int):
    topic = load_topic(topic_id)
    if not may_record_opinion(current_user, topic):
        abort(403)
    current = queries.current_opinion(topic.id)
    data = None
    if current is not None and request.method == 'GET':
        data = {
            'consensus': {True: 'yes', False: 'no'}.get(current.consensus),
            'text': current.text,
            'dissent': '\n'.join(current.dissent or []),
            'votes': [vote.id for vote in current.votes],
        }
    form = OpinionForm(data=data)
    form.votes.choices = [(vote.id, vote_choice(vote)) for vote in queries.closed_votes_of(topic.id)]
    error = None
    if form.validate_on_submit():
        _result, refusal = attempt(
            operations.record_opinion,
            current_user,
            topic,
            form.consensus_value(),
            form.text.data,
            form.dissent_entries(),
            form.votes.data or [],
        )
        if refusal is None:
            flash(_('The consultation opinion is recorded.'), 'success')
            return _back(topic.id)
        error = str(refusal)
    return render_template('outcomes/opinion.html', topic=topic, form=form, opinion=current, error=error)


@bp.route('/topic/<int:topic_id>/legality', methods=['GET', 'POST'])
@login_required
def legality(topic_id: int):
    topic = load_topic(topic_id)
    if not may_check_legality(current_user, topic):
        abort(403)
    form = LegalityForm()
    error = None
    if form.validate_on_submit():
        result = form.result.data
        _check, refusal = attempt(
            operations.check_legality,
            current_user,
            topic,
            result,
            form.matter.data or None,
            form.law.data or '',
            form.reason.data or '',
        )
        if refusal is None:
            flash(str(states.ACTION_LABELS[states.LEGALITY_STEPS[result]]), 'success')
            return _back(topic.id)
        error = str(refusal)
    return render_template(
        'outcomes/legality.html', topic=topic, form=form, opinion=queries.current_opinion(topic.id), error=error
    )


@bp.route('/opinion/<int:opinion_id>/correct', methods=['GET', 'POST'])
@login_required
def correct(opinion_id: int):
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        abort(404)
    topic = load_topic(opinion.topic_id)
    if not may_correct(current_user, opinion):
        abort(403)
    form = CorrectionForm()
    error = None
    if form.validate_on_submit():
        _result, refusal, earlier = attempt_once(
            form, 'opinion_correction', operations.correct_opinion, current_user, opinion, form.body.data
        )
        if earlier is not None:
            return already_submitted(url_for('topics.detail', topic_id=topic.id, _anchor=f'opinion-{opinion.id}'))
        if refusal is None:
            flash(_('The correction is appended.'), 'success')
            return _back(topic.id)
        error = str(refusal)
    return render_template('outcomes/correct.html', topic=topic, opinion=opinion, form=form, error=error)
