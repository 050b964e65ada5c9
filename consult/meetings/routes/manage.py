"""Preparing a meeting: schedule, notice, materials, roster, requests to join, open, cancel, close."""

from datetime import UTC

import sqlalchemy as sa
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.accounts.models import User
from consult.accounts.operations import find_by_identifier
from consult.db import db
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.meetings import bp
from consult.meetings import operations as ops
from consult.meetings import permissions as p
from consult.meetings import queries
from consult.meetings import roster
from consult.meetings.forms import CloseForm
from consult.meetings.forms import JoinForm
from consult.meetings.forms import MaterialForm
from consult.meetings.forms import ParticipantForm
from consult.meetings.forms import ReasonForm
from consult.meetings.forms import RosterBuildForm
from consult.meetings.forms import ScheduleForm
from consult.meetings.models import JoinRequest
from consult.meetings.models import Participant
from consult.meetings.routes.common import CITY_TZ
from consult.meetings.routes.common import back
from consult.meetings.routes.common import load_meeting
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics.routes.intake import load_topic
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once

_PEOPLE_ROLES = (Role.COMMITTEE_DIRECTOR, Role.COMMITTEE_STAFF, Role.PARTY_ORG, Role.REPRESENTATIVE)


def _people_choices(community) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(User.id, User.display_name)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.community_id == community.id,
            RoleGrant.role.in_([str(r) for r in _PEOPLE_ROLES]),
            RoleGrant.revoked_at.is_(None),
        )
        .distinct()
        .order_by(User.display_name)
    ).all()
    return [(user_id, name) for user_id, name in rows]


@bp.route('/new/<int:topic_id>', methods=['GET', 'POST'])
@login_required
def schedule(topic_id: int):
    topic = load_topic(topic_id)
    if not p.topic_writable(topic) or not p.can_prepare(current_user, topic.community):
        abort(403)
    form = ScheduleForm()
    form.chair_id.choices = form.secretary_id.choices = _people_choices(topic.community)
    if request.method == 'GET':
        form.title.data = topic.title
        form.form.data = topic.consultation_form
    if form.validate_on_submit():
        data = dict(form.data)
        data['starts_at'] = form.starts_at.data.replace(tzinfo=CITY_TZ).astimezone(UTC)
        meeting, refusal, earlier = attempt_once(form, 'meeting', ops.schedule, current_user, topic, data)
        if earlier is not None:
            return already_submitted(url_for('meetings.detail', meeting_id=earlier))
        if refusal is None:
            flash(_('Meeting scheduled. Build the roster, add materials, then send the notice.'), 'success')
            return redirect(url_for('meetings.detail', meeting_id=meeting.id))
        form.agenda.errors.append(str(refusal))
    return render_template('meetings/schedule.html', topic=topic, form=form)


@bp.route('/mine')
@login_required
def mine():
    page = queries.mine_page(current_user, int_arg('page'))
    return render_template('meetings/mine.html', page=page)


@bp.route('/<int:meeting_id>')
def detail(meeting_id: int):
    meeting = load_meeting(meeting_id)
    rules = queries.rules_for(meeting)
    from consult.meetings.quorum import quorum_status

    manage = p.can_manage(current_user, meeting)
    return render_template(
        'meetings/detail.html',
        meeting=meeting,
        manage=manage,
        quorum=quorum_status(meeting, rules) if rules is not None else None,
        roster_size=queries.roster_size(meeting),
        participant=p.participant_of(current_user, meeting),
        may_enter=may(current_user, 'meeting.room', meeting),
        may_request=p.may_request_to_join(current_user, meeting),
        own_request=queries.own_request(meeting, current_user) if current_user.is_authenticated else None,
        requests=queries.pending_requests(meeting) if manage else [],
        material_form=MaterialForm(prefix='material'),
        build_form=RosterBuildForm(prefix='build'),
        participant_form=ParticipantForm(prefix='add'),
        join_form=JoinForm(prefix='join'),
        reason_form=ReasonForm(),
        rules=rules,
    )


@bp.route('/<int:meeting_id>/materials', methods=['POST'])
@login_required
def add_material(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    form = MaterialForm(prefix='material')
    if not form.validate_on_submit():
        return back(meeting, _('Give the document a title and content.'))
    _result, refusal, earlier = attempt_once(
        form, 'material', ops.add_material, current_user, meeting, form.title.data, form.body.data
    )
    if earlier is not None:
        return already_submitted(url_for('meetings.detail', meeting_id=meeting.id))
    return back(meeting, refusal, _('Document added.'))


@bp.route('/<int:meeting_id>/notice', methods=['POST'])
@login_required
def send_notice(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    if not ReasonForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(ops.send_notice, current_user, meeting)
    return back(meeting, refusal, _('The notice was sent to everyone on the roster.'))


@bp.route('/<int:meeting_id>/materials/send', methods=['POST'])
@login_required
def send_materials(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    if not ReasonForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(ops.send_materials, current_user, meeting)
    return back(meeting, refusal, _('The materials were sent to everyone on the roster.'))


@bp.route('/<int:meeting_id>/roster')
@login_required
def roster_page(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.room')
    page = queries.roster_page(meeting, int_arg('page'))
    attended = queries.attended_ids(meeting, [row.user_id for row in page.items])
    return render_template(
        'meetings/roster.html',
        meeting=meeting,
        page=page,
        attended=attended,
        manage=p.can_manage(current_user, meeting),
        reason_form=ReasonForm(),
    )


@bp.route('/<int:meeting_id>/roster/build', methods=['POST'])
@login_required
def build_roster(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    form = RosterBuildForm(prefix='build')
    if not form.validate_on_submit():
        return back(meeting, _('Choose who is on the roster.'))
    added, refusal = attempt(roster.build_from_criteria, current_user, meeting, form.mode.data, form.by_area.data)
    return back(meeting, refusal, _('%(n)s people added to the roster.', n=added or 0), '#roster')


@bp.route('/<int:meeting_id>/roster/add', methods=['POST'])
@login_required
def add_participant(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    form = ParticipantForm(prefix='add')
    if not form.validate_on_submit():
        return back(meeting, _('Give a mobile number or email and the capacity.'))
    user = find_by_identifier(form.contact.data.strip())
    _result, refusal, earlier = attempt_once(
        form,
        'participant',
        roster.add_participant,
        current_user,
        meeting,
        user,
        form.kind.data,
        form.organisation.data or '',
    )
    if earlier is not None:
        return already_submitted(url_for('meetings.detail', meeting_id=meeting.id, _anchor='roster'))
    return back(meeting, refusal, _('Added to the roster.'), '#roster')


@bp.route('/<int:meeting_id>/roster/<int:participant_id>/remove', methods=['POST'])
@login_required
def remove_participant(meeting_id: int, participant_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.meeting_id != meeting.id:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refusal = attempt(roster.remove_participant, current_user, meeting, participant, form.reason.data or '')
    if refusal is not None:
        flash(str(refusal), 'error')
    else:
        flash(_('Taken off the roster.'), 'success')
    return redirect(url_for('meetings.roster_page', meeting_id=meeting.id))


@bp.route('/<int:meeting_id>/join', methods=['POST'])
@login_required
def request_to_join(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = JoinForm(prefix='join')
    if not form.validate_on_submit():
        return back(meeting, _('Say why you want to take part (your stake in the matter).'))
    _result, refusal, earlier = attempt_once(
        form, 'join_request', roster.request_to_join, current_user, meeting, form.reason.data
    )
    if earlier is not None:
        return already_submitted(url_for('meetings.detail', meeting_id=meeting.id))
    return back(meeting, refusal, _('Your request was sent to the committee.'))


@bp.route('/<int:meeting_id>/requests/<int:request_id>', methods=['POST'])
@login_required
def decide_request(meeting_id: int, request_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    join = db.session.get(JoinRequest, request_id)
    if join is None or join.meeting_id != meeting.id:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    approve = request.form.get('decision') == 'approve'
    _result, refusal = attempt(roster.decide_join, current_user, join, approve, form.reason.data or '')
    return back(meeting, refusal, _('Request approved.') if approve else _('Request refused.'), '#requests')


@bp.route('/<int:meeting_id>/open', methods=['POST'])
@login_required
def open_meeting(meeting_id: int):
    meeting = load_meeting(meeting_id)
    if not (p.is_chair(current_user, meeting) or p.can_manage(current_user, meeting)):
        abort(403)
    if not ReasonForm().validate_on_submit():
        abort(400)
    _result, refusal = attempt(ops.open_meeting, current_user, meeting)
    if refusal is None:
        flash(_('The session is open. The roster is frozen.'), 'success')
        return redirect(url_for('meetings.room_page', meeting_id=meeting.id))
    return back(meeting, refusal)


@bp.route('/<int:meeting_id>/cancel', methods=['POST'])
@login_required
def cancel(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.manage')
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refusal = attempt(ops.cancel_meeting, current_user, meeting, form.reason.data or '')
    return back(meeting, refusal, _('The meeting was cancelled.'))


@bp.route('/<int:meeting_id>/close', methods=['GET', 'POST'])
@login_required
def close(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.moderate')
    form = CloseForm()
    if form.validate_on_submit():
        _result, refusal = attempt(ops.close_meeting, current_user, meeting, form.outcome.data, form.conclusion.data)
        if refusal is None:
            flash(_('The session is closed.'), 'success')
            return redirect(url_for('meetings.detail', meeting_id=meeting.id))
        form.conclusion.errors.append(str(refusal))
    return render_template('meetings/close.html', meeting=meeting, form=form)
