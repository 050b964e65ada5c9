"""Dispatch pages: the queue, a ticket, proposing a redirection, and each step (Post/Redirect/Get)."""

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
from consult.dispatch import bp
from consult.dispatch import operations
from consult.dispatch import permissions as p
from consult.dispatch import queries
from consult.dispatch.forms import CloseForm
from consult.dispatch.forms import ProgressForm
from consult.dispatch.forms import ProposeForm
from consult.dispatch.forms import ReasonForm
from consult.dispatch.models import EVENT_LABELS
from consult.dispatch.models import DispatchTicket
from consult.forms import ActionForm
from consult.inputs import int_arg
from consult.kernel.clock import utcnow
from consult.kernel.signals import contributions
from consult.kernel.signals import ticket_page
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once
from consult.web import submitted_before


def load_ticket(ticket_id: int) -> DispatchTicket:
    ticket = db.session.get(DispatchTicket, ticket_id)
    if ticket is None:
        abort(404)
    if not p.can_view_ticket(current_user, ticket):
        abort(403)
    return ticket


@bp.route('/')
@login_required
def queue():
    if not p.can_use_queue(current_user):
        abort(403)
    now = utcnow()
    open_only = request.args.get('open') == '1'
    page = queries.queue(
        p.department_ids(current_user),
        p.committee_community_ids(current_user),
        now,
        int_arg('page'),
        open_only=open_only,
        per_page=int_arg('per_page', queries.PAGE_SIZE),
    )
    return render_template('dispatch/queue.html', page=page, now=now, open_only=open_only)


@bp.route('/topic/<int:topic_id>/propose', methods=['GET', 'POST'])
@login_required
def propose(topic_id: int):
    topic = load_topic(topic_id)
    form = ProposeForm()
    # The director's proposal redirects the topic at once, so a repeat would no longer be allowed here.
    earlier = submitted_before(form, 'ticket')
    if earlier is not None:
        return already_submitted(url_for('dispatch.detail', ticket_id=earlier))
    if not p.can_propose(current_user, topic):
        abort(403)
    departments = queries.departments_serving(topic.community_id)
    form.department_id.choices = [(d.id, d.name) for d in departments]
    principal = p.is_principal(current_user, topic.community)
    if form.validate_on_submit():
        department = next((d for d in departments if d.id == form.department_id.data), None)
        ticket, refusal, earlier = attempt_once(
            form,
            'ticket',
            operations.propose_dispatch,
            current_user,
            topic,
            department,
            form.kind.data,
            form.reason.data or '',
        )
        if earlier is not None:
            return already_submitted(url_for('dispatch.detail', ticket_id=earlier))
        if refusal is None:
            flash(
                _('Dispatched to the department.') if principal else _('Sent to the director for sign-off.'), 'success'
            )
            return redirect(url_for('dispatch.detail', ticket_id=ticket.id))
        form.reason.errors.append(str(refusal))
    return render_template('dispatch/propose.html', topic=topic, form=form, principal=principal)


@bp.route('/<int:ticket_id>')
@login_required
def detail(ticket_id: int):
    ticket = load_ticket(ticket_id)
    sections = {}
    for contribution in contributions(ticket_page, ticket, user=current_user):  # implementation: its ratings
        sections.update(contribution)
    return render_template(
        'dispatch/detail.html',
        **sections,
        ticket=ticket,
        events=queries.events(ticket.id),
        now=utcnow(),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
        progress_form=ProgressForm(),
        close_form=CloseForm(),
        event_labels=EVENT_LABELS,
    )


def _step(ticket_id: int, allowed, form_class, operation, field: str | None, done: str):
    ticket = load_ticket(ticket_id)
    if not allowed(current_user, ticket):
        abort(403)
    form = form_class()
    if not form.validate_on_submit():
        flash(' '.join(e for errors in form.errors.values() for e in errors) or _('Try again.'), 'error')
        return redirect(url_for('dispatch.detail', ticket_id=ticket.id))
    args = (form[field].data or '',) if field else ()
    _result, refusal = attempt(operation, current_user, ticket, *args)
    flash(str(refusal) if refusal is not None else done, 'error' if refusal is not None else 'success')
    return redirect(url_for('dispatch.detail', ticket_id=ticket.id))


@bp.route('/<int:ticket_id>/sign-off', methods=['POST'])
@login_required
def sign_off(ticket_id: int):
    return _step(ticket_id, p.can_sign_off, ActionForm, operations.sign_off, None, _('Signed off and dispatched.'))


@bp.route('/<int:ticket_id>/decline', methods=['POST'])
@login_required
def decline(ticket_id: int):
    return _step(ticket_id, p.can_sign_off, ReasonForm, operations.decline, 'reason', _('Not signed off.'))


@bp.route('/<int:ticket_id>/report', methods=['POST'])
@login_required
def report(ticket_id: int):
    return _step(ticket_id, p.can_handle, ActionForm, operations.report, None, _('Acknowledged.'))


@bp.route('/<int:ticket_id>/progress', methods=['POST'])
@login_required
def progress(ticket_id: int):
    def allowed(user, ticket):
        return p.can_handle(user, ticket) or p.can_note(user, ticket)

    return _step(ticket_id, allowed, ProgressForm, operations.post_progress, 'text', _('Progress posted.'))


@bp.route('/<int:ticket_id>/close', methods=['POST'])
@login_required
def close(ticket_id: int):
    return _step(ticket_id, p.can_handle, CloseForm, operations.close, 'reply', _('Closed with the reply.'))
