"""Public pages of deputies' work: suggestions with their timers, replies and assessments; a deputy's work record
(page, printable page, CSV). Sending, replying and assessing are here too, on the suggestion's own page."""

import csv
import io

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from consult.communities.models import Community
from consult.communities.models import Department
from consult.db import db
from consult.kernel.clock import utcnow
from consult.topics.models import Topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import operations
from . import permissions as p
from . import queries
from . import record as work
from .forms import AssessForm
from .forms import ReplyForm
from .forms import SuggestionForm
from .models import ASSESSMENT_LABELS
from .models import STATUS_LABELS
from .models import DeputySuggestion

COMMITTEE = 'committee'


def _page_arg(name: str = 'page') -> int:
    return request.args.get(name, 1, type=int) or 1


def _labels() -> dict:
    return {'status': STATUS_LABELS, 'assessment': ASSESSMENT_LABELS}


@bp.route('/suggestions')
def suggestions():
    """Every deputy's suggestions, overdue ones first; ``?community=<code>`` narrows to one community."""
    code = request.args.get('community', '', type=str)
    community = None
    if code:
        community = db.session.scalar(db.select(Community).where(Community.code == code[:40]))
        if community is None:
            abort(404)
    page = queries.suggestions_page(_page_arg(), community_ids={community.id} if community else None, now=utcnow())
    return render_template('deputies/suggestions.html', page=page, community=community, now=utcnow(), labels=_labels())


def _suggestion_or_404(suggestion_id: int) -> DeputySuggestion:
    suggestion = db.session.get(DeputySuggestion, suggestion_id)
    if suggestion is None:
        abort(404)
    return suggestion


def _suggestion_page(suggestion, reply_form=None, assess_form=None, error=None):
    if reply_form is None and p.answers_for(current_user, suggestion) and p.still_open(suggestion):
        reply_form = ReplyForm()
    if assess_form is None and p.is_author(current_user, suggestion) and suggestion.status == 'replied':
        assess_form = AssessForm()
    return render_template(
        'deputies/suggestion.html',
        s=suggestion,
        reply_form=reply_form,
        assess_form=assess_form,
        error=error,
        now=utcnow(),
        labels=_labels(),
    )


@bp.route('/suggestions/<int:suggestion_id>')
def suggestion(suggestion_id: int):
    return _suggestion_page(_suggestion_or_404(suggestion_id))


@bp.route('/suggestions/<int:suggestion_id>/reply', methods=['POST'])
@login_required
def reply(suggestion_id: int):
    s = _suggestion_or_404(suggestion_id)
    if not p.answers_for(current_user, s):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        _done, refusal = attempt(operations.reply, current_user, s, form.reply.data)
        if refusal is None:
            flash(_('The reply is published.'), 'success')
            return redirect(url_for('deputies.suggestion', suggestion_id=s.id))
        return _suggestion_page(s, reply_form=form, error=str(refusal))
    return _suggestion_page(s, reply_form=form)


@bp.route('/suggestions/<int:suggestion_id>/assess', methods=['POST'])
@login_required
def assess(suggestion_id: int):
    s = _suggestion_or_404(suggestion_id)
    if not p.is_author(current_user, s):
        abort(403)
    form = AssessForm()
    if form.validate_on_submit():
        _done, refusal = attempt(operations.assess, current_user, s, form.assessment.data, form.comment.data)
        if refusal is None:
            flash(_('Your assessment is published.'), 'success')
            return redirect(url_for('deputies.suggestion', suggestion_id=s.id))
        return _suggestion_page(s, assess_form=form, error=str(refusal))
    return _suggestion_page(s, assess_form=form)


def _body_choices(communities) -> list[tuple[str, str]]:
    choices = [SelectChoice(COMMITTEE, _('The community committee'))]
    ids = {c.id for c in communities}
    departments = db.session.scalars(
        db.select(Department).where(Department.communities.any(Community.id.in_(ids or {0}))).order_by(Department.name)
    )
    return choices + [SelectChoice(str(d.id), d.name) for d in departments]


@bp.route('/suggestions/new', methods=['GET', 'POST'])
@login_required
def new_suggestion():
    """Send a formal suggestion (rule 39); ``?topic=<id>`` links it to a topic and its community."""
    if not p.may_view_dashboard(current_user):
        abort(403)
    communities = queries.communities(p.deputy_community_ids(current_user))
    topic = None
    topic_id = request.args.get('topic', type=int)
    if topic_id is not None:
        topic = db.session.get(Topic, topic_id)
        if topic is None or not topic.public:
            abort(404)
    form = SuggestionForm()
    form.community.choices = [SelectChoice(str(c.id), c.name) for c in communities]
    form.body_choice.choices = _body_choices(communities)
    if topic is not None and request.method == 'GET':
        form.community.data = str(topic.community_id)
    error = None
    if form.validate_on_submit():
        community = next((c for c in communities if str(c.id) == form.community.data), None)
        department = None
        if form.body_choice.data and form.body_choice.data != COMMITTEE:
            department = db.session.get(Department, int(form.body_choice.data))
        data = {
            'title': form.title.data,
            'body': form.body.data,
            'complex': form.complex.data,
            'department': department,
            'topic': topic,
        }
        created, refusal, earlier = attempt_once(
            form, 'deputy_suggestion', operations.send_suggestion, current_user, community, data
        )
        if earlier is not None:
            return already_submitted(url_for('deputies.suggestion', suggestion_id=earlier))
        if refusal is None:
            flash(_('Your suggestion is sent. Its reply deadline is public.'), 'success')
            return redirect(url_for('deputies.suggestion', suggestion_id=created.id))
        error = str(refusal)
    return render_template('deputies/suggestion_new.html', form=form, topic=topic, error=error)


def _deputy_or_404(user_id: int):
    deputy = work.deputy_or_none(user_id)
    if deputy is None:
        abort(404)
    return deputy


@bp.route('/<int:user_id>')
def record(user_id: int):
    """A deputy's public work record (rule 41)."""
    deputy = _deputy_or_404(user_id)
    return render_template(
        'deputies/record.html',
        deputy=deputy,
        observed=work.observed_page(deputy.id, _page_arg('observed')),
        notes=work.notes_page(deputy.id, _page_arg('notes')),
        suggestions=work.suggestions_page(deputy.id, _page_arg('suggestions')),
        now=utcnow(),
        labels=_labels(),
    )


@bp.route('/<int:user_id>/print')
def record_print(user_id: int):
    """The whole record on one page, to print for a report to voters (A4)."""
    deputy = _deputy_or_404(user_id)
    return render_template(
        'deputies/record_print.html', deputy=deputy, now=utcnow(), labels=_labels(), **work.whole_record(deputy.id)
    )


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = '' if value is None else str(value)
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


@bp.route('/<int:user_id>/record.csv')
def record_csv(user_id: int):
    """The work record as CSV: one line per observed meeting, note and suggestion."""
    deputy = _deputy_or_404(user_id)
    whole = work.whole_record(deputy.id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow(
        [
            'kind',
            'date',
            'community',
            'topic',
            'title',
            'text',
            'body',
            'due',
            'status',
            'reply',
            'replied_at',
            'assessment',
            'assessment_comment',
        ]
    )
    for m in whole['observed']:
        writer.writerow(
            map(
                _cell,
                [
                    'observed_meeting',
                    m.starts_at.isoformat(),
                    m.community.name,
                    m.topic_id,
                    m.title,
                    '',
                    '',
                    '',
                    m.status,
                    '',
                    '',
                    '',
                    '',
                ],
            )
        )
    for n in whole['notes']:
        writer.writerow(
            map(
                _cell,
                ['note', n.created_at.isoformat(), '', n.topic_id, n.topic.title, n.body, '', '', '', '', '', '', ''],
            )
        )
    for s in whole['suggestions']:
        body = s.department.name if s.department else COMMITTEE
        writer.writerow(
            map(
                _cell,
                [
                    'suggestion',
                    s.sent_at.isoformat(),
                    s.community.name,
                    s.topic_id or '',
                    s.title,
                    s.body,
                    body,
                    s.due_at.isoformat(),
                    s.status,
                    s.reply or '',
                    s.replied_at.isoformat() if s.replied_at else '',
                    s.assessment or '',
                    s.assessment_comment or '',
                ],
            )
        )
    return Response(
        '\ufeff' + out.getvalue(),
        headers={
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': f'attachment; filename=deputy-{deputy.id}-record.csv',
            'X-Content-Type-Options': 'nosniff',
        },
    )
