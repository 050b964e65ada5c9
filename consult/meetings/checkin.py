"""Sign-in (签到): a rotating QR code on site, staff marking from the roster, or joining the room online.

The code shown in the room is an HMAC of the meeting's secret and the current 20-second window, so a
code photographed and sent elsewhere stops working within 40 seconds, and no code can be guessed.
"""

import hashlib
import hmac
from datetime import datetime
from datetime import timedelta

import sqlalchemy.orm as so
from flask_babel import gettext as _

from consult.db import binds
from consult.db import bound
from consult.db import db
from consult.db import prepared
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics.models import ConsultationForm

from . import guards as g
from . import permissions as p
from .models import Attendance
from .models import CheckinMethod
from .models import MeetingStatus
from .queries import sign_in_open
from .record import log_now

WINDOW_SECONDS = 20
#: Sign-in opens this long before the scheduled start (people arrive early).
ONLINE_FORMS = frozenset({ConsultationForm.ONLINE, ConsultationForm.VIDEO, ConsultationForm.HYBRID})


def _window(moment: datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def code_for(meeting, moment: datetime | None = None) -> str:
    window = _window(moment or utcnow())
    digest = hmac.new(meeting.checkin_secret.encode(), f'{meeting.id}:{window}'.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def code_valid(meeting, code: str, moment: datetime | None = None) -> bool:
    """The current window's code, or the previous one (a scan at the moment the code turns)."""
    moment = moment or utcnow()
    if not isinstance(code, str) or len(code) != 16:
        return False
    return any(
        hmac.compare_digest(code, code_for(meeting, moment - timedelta(seconds=WINDOW_SECONDS * back)))
        for back in (0, 1)
    )


def seconds_left(moment: datetime | None = None) -> int:
    moment = moment or utcnow()
    return WINDOW_SECONDS - int(moment.timestamp()) % WINDOW_SECONDS


def _attend(meeting, user, method: str, marked_by=None) -> Attendance | None:
    """Write the attendance row; ``None`` if the person had already signed in (nothing changes).

    One statement, ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: rejoining the room is common (a phone
    reconnects) and a thousand people arrive together at the opening, so neither a lookup first nor a failed
    INSERT in a savepoint (three more round trips). The unique constraint decides between two concurrent
    first sign-ins: one row, and the other is told it had signed in.
    """
    values = {
        'meeting_id': meeting.id,
        'user_id': user.id,
        'method': method,
        'at': utcnow(),
        'marked_by_id': marked_by.id if marked_by else None,
    }
    inserted = db.session.execute(prepared('attendance', _attendance_insert), binds(**values)).scalar()
    if inserted is None:
        return None
    attendance = Attendance(id=inserted, **values)
    so.make_transient_to_detached(attendance)
    attendance = db.session.merge(attendance, load=False)  # the row as stored, with no statement
    log_now(meeting, f'signed_in_{method}', marked_by or user, subject=user)
    from .pushes import push

    push(meeting, 'quorum')
    return attendance


def _attendance_insert(insert):
    table = Attendance.__table__
    columns = bound(table, 'meeting_id', 'user_id', 'method', 'at', 'marked_by_id')
    return (
        insert(table)
        .values(columns)
        .on_conflict_do_nothing(index_elements=[table.c.meeting_id, table.c.user_id])
        .returning(table.c.id)
    )


def check_in_by_code(actor, meeting, code: str, now: datetime | None = None) -> Attendance | None:
    """A participant scanned the room's code while logged in."""
    now = now or utcnow()
    if p.participant_of(actor, meeting) is None:
        raise Refusal(_('You are not on the roster of this meeting.'), g.ROSTER, code='not_participant')
    if not sign_in_open(meeting, now):
        raise Refusal(_('Sign-in is not open for this meeting.'), g.CHECKIN, code='closed')
    if not code_valid(meeting, code, now):
        raise Refusal(
            _('This sign-in code has expired or is wrong. Scan the code shown in the room again.'),
            g.CHECKIN,
            code='bad_code',
        )
    return _attend(meeting, actor, CheckinMethod.QR)


def mark_present(actor, meeting, user, now: datetime | None = None) -> Attendance | None:
    """Committee staff mark a participant present from the roster."""
    now = now or utcnow()
    if not p.can_manage(actor, meeting):
        raise Refusal(_('Committee staff mark attendance.'), g.CHECKIN, code='forbidden')
    if p.participant_of(user, meeting) is None:
        raise Refusal(_('That person is not on the roster.'), g.ROSTER, code='not_participant')
    if not sign_in_open(meeting, now):
        raise Refusal(_('Sign-in is not open for this meeting.'), g.CHECKIN, code='closed')
    return _attend(meeting, user, CheckinMethod.STAFF, marked_by=actor)


def check_in_online(actor, meeting) -> Attendance | None:
    """Joining the room of an open online, video or mixed meeting signs a participant in."""
    if meeting.status != MeetingStatus.OPEN or meeting.form not in ONLINE_FORMS:
        return None
    if p.participant_of(actor, meeting) is None:
        return None
    return _attend(meeting, actor, CheckinMethod.ONLINE)
