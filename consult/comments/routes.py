"""Comment pages: the section on the topic page, posting, hiding, and the committee's period steps."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.comments import bp
from consult.comments import operations
from consult.comments import queries
from consult.comments.forms import CommentForm
from consult.comments.forms import OpenForm
from consult.comments.forms import ReasonForm
from consult.comments.forms import SummaryForm
from consult.comments.models import BADGE_LABELS
from consult.comments.models import STANCE_LABELS
from consult.comments.models import Comment
from consult.comments.permissions import can_comment
from consult.comments.permissions import can_manage_comments
from consult.db import db
from consult.forms import ActionForm
from consult.kernel.clock import utcnow
from consult.topics import states
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

#: Topic steps taken on a comments page, not on the generic step page.
COMMENT_STEPS = {'open_comments': 'comments.open_period', 'conclude_comments': 'comments.conclude'}


def comment_section(topic, user, page: int) -> dict:
    """What the topic page needs to show the comments section (a fixed number of statements)."""
    period = queries.latest_period(topic.id)
    if period is None:
        return {'period': None}
    now = utcnow()
    return {
        'period': period,
        'open': period.is_open(now),
        'page': queries.roots_page(topic.id, page),
        'tally': queries.tally(topic.id),
        'may_comment': user is not None and can_comment(user, topic),
        'may_manage': user is not None and can_manage_comments(user, topic),
        'form': CommentForm(),
        'stance_labels': STANCE_LABELS,
        'badge_labels': BADGE_LABELS,
    }


def _back(topic_id: int):
    return redirect(url_for('topics.detail', topic_id=topic_id, _anchor='comments'))


def _managed_topic(topic_id: int):
    topic = load_topic(topic_id)
    if not can_manage_comments(current_user, topic):
        abort(403)
    return topic


def _step_topic(topic_id: int, action: str):
    topic = load_topic(topic_id)
    if action not in states.allowed_actions(current_user, topic):
        abort(403)
    return topic


@bp.route('/topic/<int:topic_id>/open', methods=['GET', 'POST'])
@login_required
def open_period(topic_id: int):
    topic = _step_topic(topic_id, 'open_comments')
    form = OpenForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.open_period, current_user, topic, form.days.data)
        if refusal is None:
            flash(_('The comment period is open.'), 'success')
            return _back(topic.id)
        form.days.errors.append(str(refusal))
    return render_template('comments/open.html', topic=topic, form=form)


@bp.route('/topic/<int:topic_id>/post', methods=['POST'])
@login_required
def post(topic_id: int):
    topic = load_topic(topic_id)
    if not can_comment(current_user, topic):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        _result, refusal, earlier = attempt_once(
            form,
            'comment',
            operations.post_comment,
            current_user,
            topic,
            form.body.data,
            request.form.get('stance'),
            form.parent(),
        )
        if earlier is not None:
            return already_submitted(url_for('topics.detail', topic_id=topic.id, _anchor=f'comment-{earlier}'))
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Your comment is posted.'), 'success')
    else:
        flash(' '.join(e for errors in form.errors.values() for e in errors), 'error')
    return _back(topic.id)


@bp.route('/<int:comment_id>/hide', methods=['GET', 'POST'])
@login_required
def hide(comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    topic = _managed_topic(comment.topic_id)
    form = ReasonForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.hide_comment, current_user, comment, form.reason.data)
        if refusal is None:
            flash(_('The comment is hidden.'), 'success')
            return _back(topic.id)
        form.reason.errors.append(str(refusal))
    return render_template('comments/hide.html', topic=topic, comment=comment, form=form)


@bp.route('/topic/<int:topic_id>/close', methods=['GET', 'POST'])
@login_required
def close(topic_id: int):
    topic = _managed_topic(topic_id)
    form = ReasonForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.close_early, current_user, topic, form.reason.data)
        if refusal is None:
            flash(_('The comment period is closed.'), 'success')
            return _back(topic.id)
        form.reason.errors.append(str(refusal))
    return render_template('comments/close.html', topic=topic, form=form)


@bp.route('/topic/<int:topic_id>/summary', methods=['GET', 'POST'])
@login_required
def summary(topic_id: int):
    topic = _managed_topic(topic_id)
    period = queries.latest_period(topic.id)
    form = SummaryForm(data={'summary': period.summary} if period is not None and request.method == 'GET' else None)
    if form.validate_on_submit():
        _result, refusal = attempt(operations.write_summary, current_user, topic, form.summary.data)
        if refusal is None:
            flash(_('The summary is saved.'), 'success')
            return _back(topic.id)
        form.summary.errors.append(str(refusal))
    return render_template(
        'comments/summary.html', topic=topic, form=form, period=period, tally=queries.tally(topic.id)
    )


@bp.route('/topic/<int:topic_id>/conclude', methods=['GET', 'POST'])
@login_required
def conclude(topic_id: int):
    topic = _step_topic(topic_id, 'conclude_comments')
    form = ActionForm()
    error = None
    if form.validate_on_submit():
        _result, refusal = attempt(operations.conclude, current_user, topic)
        if refusal is None:
            flash(str(states.ACTION_LABELS['conclude_comments']), 'success')
            return _back(topic.id)
        error = str(refusal)
    return render_template('comments/conclude.html', topic=topic, form=form, error=error)
