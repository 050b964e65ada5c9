"""Loading a meeting for a page, with the same predicates the socket events use."""

from zoneinfo import ZoneInfo

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

from consult.db import db
from consult.kernel.actions import may
from consult.meetings.models import Meeting
from consult.topics.permissions import topic_writable

CITY_TZ = ZoneInfo('Asia/Shanghai')


def load_meeting(meeting_id: int, action: str = 'meeting.view') -> Meeting:
    """The meeting, if the current user may see it (else 404) and may do ``action`` to it (else 403)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not may(current_user, 'meeting.view', meeting):
        if meeting is not None and not current_user.is_authenticated:
            from consult.extensions import login_manager

            abort(login_manager.unauthorized())
        abort(404)
    if request.method not in ('GET', 'HEAD') and not topic_writable(meeting.topic):
        abort(403)  # an archived topic's meetings are read-only; the page says why
    if action != 'meeting.view' and not may(current_user, action, meeting):
        abort(403)
    return meeting


def back(meeting, refusal=None, success=None, anchor: str = ''):
    if refusal is not None:
        flash(str(refusal), 'error')
    elif success:
        flash(success, 'success')
    return redirect(url_for('meetings.detail', meeting_id=meeting.id) + anchor)


def _topic_meetings(topic):
    from consult.meetings.queries import meetings_of

    return meetings_of(topic)


def _may_schedule(topic) -> bool:
    return may(current_user, 'meeting.schedule', topic)


def _labels():
    from consult.meetings import minutes_models
    from consult.meetings import models
    from consult.meetings import record

    return {
        'meeting_kind': models.KIND_LABELS,
        'meeting_status': models.STATUS_LABELS,
        'participant_kind': models.KIND_OF_PARTICIPANT_LABELS,
        'outcome': models.OUTCOME_LABELS,
        'event': models.EVENT_LABELS,
        'method': record.METHOD_LABELS,
        'badge': models.BADGE_LABELS,
        'motion_status': minutes_models.MOTION_STATUS_LABELS,
    }


def _event_detail(event) -> str:
    from consult.meetings.record import event_detail

    return event_detail(event)


def inject():
    """Template helpers: the meetings of a topic (shown on the topic page) and the labels."""
    from consult.topics.models import FORM_LABELS

    return {
        'topic_meetings': _topic_meetings,
        'may_schedule': _may_schedule,
        'meeting_labels': _labels(),
        'meeting_event_detail': _event_detail,
        'form_label': lambda code: FORM_LABELS.get(code, code),
    }
