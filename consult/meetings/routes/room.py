"""Taking part: the live room, sign-in by QR code or by staff, and minutes (the record: ``record.py``)."""

import io

import segno
from flask import Response
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.accounts.models import User
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.clock import CITY_ZONE
from consult.meetings import bp
from consult.meetings import checkin
from consult.meetings import operations as ops
from consult.meetings import permissions as p
from consult.meetings import roster
from consult.meetings import video
from consult.meetings.forms import CheckinForm
from consult.meetings.forms import MinutesForm
from consult.meetings.forms import NamingForm
from consult.meetings.forms import ReasonForm
from consult.meetings.models import BADGE_LABELS
from consult.meetings.routes.common import load_meeting
from consult.web import attempt


@bp.route('/<int:meeting_id>/room')
@login_required
def room_page(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.room')
    return render_template(
        'meetings/room.html',
        meeting=meeting,
        chair=may(current_user, 'meeting.moderate', meeting),
        secretary=p.is_secretary(current_user, meeting),
        participant=p.participant_of(current_user, meeting),
        minutes_form=MinutesForm(),
        badge_labels={code: str(label) for code, label in BADGE_LABELS.items()},
        video=video.has_video(meeting) and meeting.in_session,
        video_max=video.call_max(),
        city_zone=CITY_ZONE.key,
    )


@bp.route('/<int:meeting_id>/checkin', methods=['GET', 'POST'])
@login_required
def checkin_page(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = CheckinForm()
    if request.method == 'GET':
        form.code.data = request.args.get('code', '')
    if form.validate_on_submit():
        attendance, refusal = attempt(checkin.check_in_by_code, current_user, meeting, form.code.data)
        if refusal is not None:
            flash(str(refusal), 'error')
        elif attendance is None:
            flash(_('You had already signed in.'), 'success')
        else:
            flash(_('You are signed in. Welcome.'), 'success')
        if refusal is None:
            return redirect(url_for('meetings.detail', meeting_id=meeting.id))
    return render_template('meetings/checkin.html', meeting=meeting, form=form)


@bp.route('/<int:meeting_id>/checkin-display')
@login_required
def checkin_display(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.show_code')
    return render_template('meetings/checkin_display.html', meeting=meeting, period=checkin.WINDOW_SECONDS)


@bp.route('/<int:meeting_id>/checkin-code.svg')
@login_required
def checkin_qr(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.show_code')
    url = url_for('meetings.checkin_page', meeting_id=meeting.id, code=checkin.code_for(meeting), _external=True)
    buffer = io.BytesIO()
    segno.make(url, error='m').save(buffer, kind='svg', scale=8, border=2, title=_('Sign-in code'))
    response = Response(buffer.getvalue(), mimetype='image/svg+xml')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Checkin-Seconds-Left'] = str(checkin.seconds_left())
    # The encoded address, for the display's screen-reader text and for tests (only staff fetch this image).
    response.headers['X-Checkin-Url'] = url
    return response


@bp.route('/<int:meeting_id>/attendance/<int:user_id>', methods=['POST'])
@login_required
def mark_present(meeting_id: int, user_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    if not ReasonForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    _result, refusal = attempt(checkin.mark_present, current_user, meeting, user)
    if refusal is not None:
        flash(str(refusal), 'error')
    else:
        flash(_('%(name)s marked present.', name=user.display_name), 'success')
    return redirect(url_for('meetings.roster_page', meeting_id=meeting.id, page=int_arg('page')))


@bp.route('/<int:meeting_id>/minutes', methods=['POST'])
@login_required
def save_minutes(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.keep_minutes')
    form = MinutesForm()
    wants_json = request.accept_mimetypes.best == 'application/json'
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(ok=False, message=_('The request is malformed.')), 400
        abort(400)
    result, refusal = attempt(ops.save_minutes, current_user, meeting, form.minutes.data or '', form.rev.data or 0)
    if wants_json:
        if refusal is not None:
            return jsonify(ok=False, code=refusal.code, message=str(refusal)), 409
        return jsonify(ok=True, rev=result.minutes_rev)
    if refusal is not None:
        flash(str(refusal), 'error')
    else:
        flash(_('Minutes saved.'), 'success')
    return redirect(url_for('meetings.room_page', meeting_id=meeting.id))


@bp.route('/<int:meeting_id>/naming', methods=['POST'])
@login_required
def naming(meeting_id: int):
    """A participant consents, or not, to be named in the published minutes and result."""
    meeting = load_meeting(meeting_id)
    if p.participant_of(current_user, meeting) is None:
        abort(403)
    form = NamingForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refusal = attempt(roster.set_name_public, current_user, meeting, form.consent.data)
    if refusal is not None:
        flash(str(refusal), 'error')
    elif form.consent.data:
        flash(_('You will be named in the published minutes and result.'), 'success')
    else:
        flash(_('Only your capacity will be published, not your name.'), 'success')
    return redirect(url_for('meetings.detail', meeting_id=meeting.id))
