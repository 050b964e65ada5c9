"""Pages of the use of results: the committee's implementation page, the department's reply, the director's
sign-off, a correction, the public page and the residents' ratings (Post/Redirect/Get)."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.dispatch.queries import departments_serving
from consult.inputs import int_arg
from consult.inputs import parse_int
from consult.kernel.clock import utcnow
from consult.topics.attachments.operations import Limits
from consult.topics.attachments.operations import read_uploads
from consult.topics.routes.intake import load_topic
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import operations
from . import permissions as p
from . import queries
from .forms import CorrectionForm
from .forms import DoneForm
from .forms import FinishForm
from .forms import RatingForm
from .forms import ReplyForm
from .forms import TaskForm
from .forms import UpdateForm
from .models import Task
from .progress import post_update
from .public import public_implementation
from .ratings import rate


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    """Progress reports carry evidence: their requests may be as large as the attachments allow."""
    if endpoint == 'implementation.update' and request.method == 'POST':
        config = current_app.config
        request.max_content_length = config['ATTACHMENT_MAX_TOTAL_BYTES'] + config['ATTACHMENT_FORM_OVERHEAD']


def implementation_section(topic, user) -> dict:
    """The topic page's section: what is public, and the viewer's links and rating (a fixed number of statements)."""
    section = public_implementation(topic, utcnow(), int_arg('rpage'))
    mine = queries.my_rating(topic.id, user.id) if user is not None and section and section.feedback else None
    return {'implementation': section, 'my_rating': mine, 'rating_form': RatingForm()}


def _task_form(topic) -> TaskForm:
    form = TaskForm()
    form.grid_id.choices = [('', '—')] + [(str(grid.id), grid.name) for grid in topic.community.grids]
    form.department_id.choices = [('', '—')] + [(str(d.id), d.name) for d in departments_serving(topic.community_id)]
    return form


def _back(topic_id: int, anchor: str = 'implementation'):
    return redirect(url_for('implementation.manage', topic_id=topic_id, _anchor=anchor))


def _errors(form) -> str:
    return ' '.join(e for errors in form.errors.values() for e in errors) or _('Try again.')


@bp.route('/topic/<int:topic_id>')
@login_required
def manage(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_manage(current_user, topic):
        abort(403)
    return render_template(
        'implementation/manage.html',
        topic=topic,
        tasks=queries.tasks_of(topic.id),
        section=public_implementation(topic, utcnow()),
        task_form=_task_form(topic),
        update_form=UpdateForm(),
        done_form=DoneForm(),
        now=utcnow(),
    )


@bp.route('/topic/<int:topic_id>/tasks', methods=['POST'])
@login_required
def add_task(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_add_task(current_user, topic):
        abort(403)
    form = _task_form(topic)
    if not form.validate_on_submit():
        flash(_errors(form), 'error')
        return _back(topic.id)
    department = None
    department_id = parse_int(form.department_id.data, 1)
    if department_id is not None:
        from consult.communities.models import Department

        department = db.session.get(Department, department_id)
    once = attempt_once(
        form,
        'implementation_task',
        operations.add_task,
        current_user,
        topic,
        form.title.data,
        form.owner.data,
        form.due.data,
        form.grid_id.data or None,
        department,
    )
    if once.refusal is not None:
        flash(str(once.refusal), 'error')
    elif once.earlier is None:
        flash(_('The task is added.'), 'success')
    return _back(topic.id)


def _load_task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    load_topic(task.topic_id)
    return task


@bp.route('/task/<int:task_id>/update', methods=['POST'])
@login_required
def update(task_id: int):
    task = _load_task(task_id)
    if not p.may_update(current_user, task):
        abort(403)
    form = UpdateForm()
    if not form.validate_on_submit():
        flash(_errors(form), 'error')
        return _back(task.topic_id, f'task-{task.id}')
    limits = Limits.from_config()
    uploads = read_uploads(request.files.getlist(form.files.name), limits.max_bytes)
    once = attempt_once(form, 'implementation_update', post_update, current_user, task, form.body.data, uploads, limits)
    if once.refusal is not None:
        flash(str(once.refusal), 'error')
    elif once.earlier is None:
        flash(_('The progress report is posted.'), 'success')
    return _back(task.topic_id, f'task-{task.id}')


@bp.route('/task/<int:task_id>/done', methods=['POST'])
@login_required
def done(task_id: int):
    task = _load_task(task_id)
    if not p.may_complete_task(current_user, task):
        abort(403)
    form = DoneForm()
    if not form.validate_on_submit():
        flash(_errors(form), 'error')
        return _back(task.topic_id)
    _result, refusal = attempt(operations.mark_done, current_user, task)
    flash(str(refusal) if refusal else _('The task is recorded as done.'), 'error' if refusal else 'success')
    return _back(task.topic_id, f'task-{task.id}')


def _form_page(template: str, topic, form, operation, *args, done: str, anchor='implementation'):
    error = None
    if form.validate_on_submit():
        _result, refusal = attempt(operation, current_user, topic, *args())
        if refusal is None:
            flash(done, 'success')
            return redirect(url_for('topics.detail', topic_id=topic.id, _anchor=anchor))
        error = str(refusal)
    return render_template(template, topic=topic, form=form, error=error)


@bp.route('/topic/<int:topic_id>/finish', methods=['GET', 'POST'])
@login_required
def finish(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_finish(current_user, topic):
        abort(403)
    form = FinishForm()
    return _form_page(
        'implementation/finish.html',
        topic,
        form,
        operations.finish,
        lambda: (form.outcome.data, form.text.data),
        done=_('The implementation result is published.'),
    )


@bp.route('/topic/<int:topic_id>/reply', methods=['GET', 'POST'])
@login_required
def reply(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_reply(current_user, topic):
        abort(403)
    form = ReplyForm()
    return _form_page(
        'implementation/reply.html',
        topic,
        form,
        operations.reply,
        lambda: (form.decision.data, form.reasons.data),
        done=_('The reply is recorded and published.'),
    )


@bp.route('/topic/<int:topic_id>/correct', methods=['GET', 'POST'])
@login_required
def correct(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_correct(current_user, topic):
        abort(403)
    form = CorrectionForm()
    return _form_page(
        'implementation/correct.html',
        topic,
        form,
        operations.correct_result,
        lambda: (form.law.data, form.reason.data),
        done=_('The correction is recorded and published.'),
    )


@bp.route('/topic/<int:topic_id>/public')
def public(topic_id: int):
    """The public, no-login page of a result's use: read on a phone, printed for the noticeboard."""
    topic = load_topic(topic_id)
    section = public_implementation(topic, utcnow(), int_arg('rpage'))
    if section is None:
        abort(404)
    return render_template('implementation/public.html', topic=topic, implementation=section)


@bp.route('/topic/<int:topic_id>/rate', methods=['POST'])
@login_required
def rate_topic(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_rate(current_user, topic):
        abort(403)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_errors(form), 'error')
    else:
        _result, refusal = attempt(rate, current_user, topic, form.score.data, form.comment.data or '')
        flash(str(refusal) if refusal else _('Thank you: your rating is recorded.'), 'error' if refusal else 'success')
    return redirect(url_for('topics.detail', topic_id=topic.id, _anchor='implementation'))
