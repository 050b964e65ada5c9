"""A deputy's pages: the dashboard over their constituency, observing a meeting (列席), filing a note."""

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
from consult.forms import ActionForm
from consult.kernel.clock import utcnow
from consult.meetings.models import Meeting
from consult.topics.models import PUBLISHED_STATUSES
from consult.topics.models import STATUS_LABELS as TOPIC_STATUS_LABELS
from consult.topics.permissions import topic_writable
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

from . import bp
from . import charts
from . import operations
from . import permissions as p
from . import queries
from .charts import STAGE_LABELS
from .charts import TIMELINESS_LABELS
from .forms import NoteForm
from .models import ASSESSMENT_LABELS
from .models import STATUS_LABELS
from .public import NOTES_KEY


def _page_arg(name: str = 'page') -> int:
    return request.args.get(name, 1, type=int) or 1


@bp.route('/')
@login_required
def dashboard():
    """The deputy's view over the communities of their constituency; every figure also as a table."""
    if not p.may_view_dashboard(current_user):
        abort(403)
    ids = p.deputy_community_ids(current_user)
    now = utcnow()
    by_state = queries.topics_by_state(ids)
    return render_template(
        'deputies/dashboard.html',
        communities=queries.communities(ids),
        by_state=sorted(by_state.items(), key=lambda item: -item[1]),
        status_labels=TOPIC_STATUS_LABELS,
        stages=queries.stages(by_state),
        stage_labels=STAGE_LABELS,
        meetings=queries.upcoming_meetings(ids, _page_arg()),
        months=queries.participation(ids, now),
        timeliness=queries.implementation_timeliness(ids, now),
        timeliness_labels=TIMELINESS_LABELS,
        objections=queries.objections(ids, now),
        suggestion_counts=queries.suggestion_counts(ids, now),
        mine=queries.suggestions_page(1, deputy_id=current_user.id, now=now, per_page=5),
        observe_form=ActionForm(),
        chart_h=charts.horizontal,
        chart_c=charts.month_columns,
        suggestion_labels={'status': STATUS_LABELS, 'assessment': ASSESSMENT_LABELS},
        now=now,
    )


@bp.route('/meetings/<int:meeting_id>/observe', methods=['POST'])
@login_required
def observe(meeting_id: int):
    """Enter a meeting's live room as an observer (列席): recorded for the work record, then the room."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if not topic_writable(meeting.topic) or not p.is_deputy(current_user, meeting.community):
        abort(403)  # an archived topic's refusal says why (``g.refusal``)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    _observation, refusal = attempt(operations.observe, current_user, meeting)
    if refusal is not None:
        flash(str(refusal), 'error')
        return redirect(url_for('deputies.dashboard'))
    return redirect(url_for('meetings.room_page', meeting_id=meeting.id))


@bp.route('/topics/<int:topic_id>/note', methods=['GET', 'POST'])
@login_required
def note(topic_id: int):
    """File an observation note on a topic; it is published with the topic's record."""
    topic = load_topic(topic_id)
    if not topic_writable(topic) or not p.is_deputy(current_user, topic.community):
        abort(403)  # an archived topic's refusal says why (``g.refusal``)
    meeting = None
    meeting_id = request.args.get('meeting', type=int)
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
    form = NoteForm()
    error = None
    if form.validate_on_submit():
        _note, refusal, earlier = attempt_once(
            form, 'deputy_note', operations.file_note, current_user, topic, form.body.data, meeting
        )
        if earlier is not None:
            return already_submitted(url_for('deputies.record', user_id=current_user.id))
        if refusal is None:
            flash(_('Your note is filed. It is published with the topic’s record.'), 'success')
            if topic.status in PUBLISHED_STATUSES:
                return redirect(url_for('disclosure.result', topic_id=topic.id, _anchor=NOTES_KEY))
            return redirect(url_for('deputies.record', user_id=current_user.id, _anchor='notes'))
        error = str(refusal)
    elif not p.may_file_note(current_user, topic):
        error = _('Deputies of the community file observation notes on a topic from its announcement on.')
    return render_template('deputies/note.html', topic=topic, meeting=meeting, form=form, error=error)
