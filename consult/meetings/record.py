"""The meeting's record (append-only events) and room-wide pushes queued for after commit."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.db import binds
from consult.db import bound
from consult.db import db
from consult.db import prepared
from consult.kernel.clock import utcnow

from .models import MeetingEvent


def log(meeting, action: str, actor=None, subject=None, detail: str = '') -> MeetingEvent:
    event = MeetingEvent(
        meeting_id=meeting.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_id=subject.id if subject is not None else None,
        detail=detail,
    )
    db.session.add(event)
    return event


def log_now(meeting, action: str, actor=None, subject=None, detail: str = '') -> None:
    """``log``, written at once by one prepared statement (what a thousand people joining together write)."""
    db.session.execute(
        prepared('meeting-event', _event_insert),
        binds(
            meeting_id=meeting.id,
            at=utcnow(),
            actor_id=actor.id if actor is not None else None,
            action=action,
            subject_id=subject.id if subject is not None else None,
            detail=detail,
        ),
    )


def _event_insert(insert):
    table = MeetingEvent.__table__
    return insert(table).values(bound(table, 'meeting_id', 'at', 'actor_id', 'action', 'subject_id', 'detail'))


#: How a person signed in, as the sign-in sheet says it.
METHOD_LABELS = {
    'qr': _l('by QR code in the room'),
    'staff': _l('marked present by staff'),
    'online': _l('by joining online'),
}
#: The roster criteria, as the record says them.
MODE_LABELS = {
    'adults': _l('Every verified adult resident'),
    'households': _l('One adult per household'),
    'representatives': _l("Residents' representatives only"),
}
_ROSTER = re.compile(r'^(\w+)( area)?: \+(\d+)$')
_MINUTES = re.compile(r'^(\d+) min$')


def event_detail(event) -> str:
    """The record's detail of ``event`` in the reader's language (stored as codes: criteria, kinds, minutes)."""
    from .models import KIND_OF_PARTICIPANT_LABELS
    from .models import OUTCOME_LABELS

    detail = event.detail or ''
    if event.action == 'roster_built' and (m := _ROSTER.match(detail)):
        mode = str(MODE_LABELS.get(m[1], m[1]))
        if m[2]:
            mode = _("%(criteria)s, in the topic's affected area", criteria=mode)
        return ngettext(
            '%(criteria)s: %(num)s person added', '%(criteria)s: %(num)s people added', int(m[3]), criteria=mode
        )
    if event.action == 'participant_added':
        return str(KIND_OF_PARTICIPANT_LABELS.get(detail, detail))
    if event.action == 'floor_given' and (m := _MINUTES.match(detail)):
        return ngettext('%(num)s minute', '%(num)s minutes', int(m[1]))
    if event.action == 'closed':
        outcome, _sep, reason = detail.partition(': ')
        if outcome in OUTCOME_LABELS:
            label = str(OUTCOME_LABELS[outcome])
            return _('%(outcome)s: %(reason)s', outcome=label, reason=reason) if reason else label
    return detail
