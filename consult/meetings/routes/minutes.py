"""The minutes: read them (the draft, or as signed), write them (the secretary), sign them off (the chair),
append corrections (the secretary or the chair), and download the signed document for the archive."""

from datetime import datetime

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

from consult.kernel.refusals import Refusal
from consult.meetings import bp
from consult.meetings import minutes as ops
from consult.meetings import permissions as p
from consult.meetings import snapshot
from consult.meetings.forms import CorrectionForm
from consult.meetings.forms import SignMinutesForm
from consult.meetings.forms import dissent_slots
from consult.meetings.forms import minutes_data
from consult.meetings.forms import minutes_form
from consult.meetings.routes.common import load_meeting
from consult.rules.describe import describe
from consult.rules.engine import Threshold
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once


def _when(value: str | None) -> datetime | None:
    """A time of the document (ISO 8601) as a datetime, for the date filters."""
    return datetime.fromisoformat(value) if value else None


def _rule_sentence(rule) -> str:
    """The quorum rule kept in the document, as a sentence in the reader's language."""
    if not rule:
        return ''
    try:
        return describe(Threshold.from_list(rule))
    except (KeyError, TypeError, ValueError):  # RuleError is a ValueError
        return ''


def _to_minutes(meeting, anchor: str = ''):
    return redirect(url_for('meetings.minutes', meeting_id=meeting.id) + anchor)


@bp.route('/<int:meeting_id>/minutes')
@login_required
def minutes(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.room')
    signed = snapshot.signed_of(meeting) if meeting.minutes_signed else None
    document = snapshot.read(signed) if signed is not None else snapshot.sections(meeting)
    return render_template(
        'meetings/minutes.html',
        meeting=meeting,
        doc=document,
        signed=signed,
        intact=snapshot.verify(signed) if signed is not None else None,
        corrections=snapshot.corrections_of(meeting) if signed is not None else [],
        item_titles={item['id']: f'{item["position"]}. {item["title"]}' for item in document['items']},
        quorum_rule=_rule_sentence(document['attendance'].get('rule')),
        when=_when,
        sign_form=SignMinutesForm(),
        correction_form=CorrectionForm(prefix='correction'),
    )


@bp.route('/<int:meeting_id>/minutes/edit', methods=['GET', 'POST'])
@login_required
def edit_minutes(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.keep_minutes')
    try:
        ops.check_editable(current_user, meeting)
    except Refusal as refusal:
        flash(str(refusal), 'error')
        return _to_minutes(meeting)
    if request.method == 'POST':
        form = minutes_form(meeting, dissent_slots(meeting, request.form))
    else:
        slots = dissent_slots(meeting)
        form = minutes_form(meeting, slots, data=minutes_data(meeting, slots))
    refusal = None
    if form.validate_on_submit():
        _result, refusal = attempt(
            ops.save_structured,
            current_user,
            meeting,
            form.rev.data,
            text=form.minutes.data or '',
            notes={item.id: form[f'item_{item.id}'].data or '' for item in meeting.items},
            dissents=[(view.data or '', held_by.data or '') for view, held_by in form.dissent_fields],
        )
        if refusal is None:
            flash(_('Minutes saved.'), 'success')
            return redirect(url_for('meetings.edit_minutes', meeting_id=meeting.id))
    return render_template('meetings/minutes_edit.html', meeting=meeting, form=form, refusal=refusal)


@bp.route('/<int:meeting_id>/minutes/sign', methods=['POST'])
@login_required
def sign_minutes(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.moderate')
    form = SignMinutesForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refusal = attempt(ops.sign_minutes, current_user, meeting, form.rev.data)
    if refusal is not None:
        flash(str(refusal), 'error')
    else:
        flash(_('The minutes are signed off and archived as they stand.'), 'success')
    return _to_minutes(meeting)


@bp.route('/<int:meeting_id>/minutes/corrections', methods=['POST'])
@login_required
def correct_minutes(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.room')
    if not p.keeps_record(current_user, meeting):
        abort(403)
    form = CorrectionForm(prefix='correction')
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        for field in (form.body, form.reason):
            for error in field.errors:
                flash(_('%(field)s: %(error)s', field=field.label.text, error=error), 'error')
        return _to_minutes(meeting, '#correct')
    _result, refusal, earlier = attempt_once(
        form, 'minutes_correction', ops.correct_minutes, current_user, meeting, form.body.data, form.reason.data
    )
    if earlier is not None:
        return already_submitted(url_for('meetings.minutes', meeting_id=meeting.id, _anchor='corrections'))
    if refusal is not None:
        flash(str(refusal), 'error')
        return _to_minutes(meeting, '#correct')
    flash(_('The correction is appended to the minutes.'), 'success')
    return _to_minutes(meeting, '#corrections')


@bp.route('/<int:meeting_id>/minutes/signed.json')
@login_required
def signed_minutes(meeting_id: int):
    """The signed document exactly as hashed, with its SHA-256, for the archive."""
    meeting = load_meeting(meeting_id, 'meeting.room')
    signed = snapshot.signed_of(meeting)
    if signed is None:
        abort(404)
    response = Response(signed.document, mimetype='application/json')
    response.headers['X-Minutes-SHA256'] = signed.sha256
    response.headers['Content-Disposition'] = f'attachment; filename="minutes-{meeting.id}.json"'
    return response
