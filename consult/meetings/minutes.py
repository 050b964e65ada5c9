"""The minutes (会议记录): the secretary writes them, the chair signs them off, corrections are appended.

The secretary writes the notes per agenda item, the dissenting views and the free text from the opening of
the session until the chair signs the minutes off, after the session closed. Every save names the revision
it started from (``Meeting.minutes_rev``), so of two editors the later one is told to reload instead of
overwriting. Signing freezes every section, the computed ones too (attendance and quorum, speakers,
motions), into one canonical JSON document with its SHA-256 (``snapshot.py``); from then on the minutes are
locked and corrections are appended, each its own row. Operations flush, never commit.
"""

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.events import MinutesSigned
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.security import clean_text

from . import guards as g
from . import permissions as p
from . import snapshot
from .minutes_models import CORRECTION_MAX
from .minutes_models import CORRECTION_REASON_MAX
from .minutes_models import MinutesCorrection
from .minutes_models import SignedMinutes
from .models import DISSENT_BY_MAX
from .models import DISSENT_MAX
from .models import DISSENTS_MAX
from .models import ITEM_NOTES_MAX
from .models import MINUTES_MAX
from .models import Meeting
from .models import MeetingStatus
from .record import log

logger = logging.getLogger(__name__)


def has_content(meeting) -> bool:
    """Some minutes were written: the free text or the notes of an agenda item."""
    return bool((meeting.minutes or '').strip()) or any((item.notes or '').strip() for item in meeting.items)


def _signed_refusal(meeting) -> Refusal:
    return Refusal(
        _(
            'The minutes were signed off on %(when)s and are archived as signed; append a correction instead.',
            when=format_datetime(meeting.minutes_signed_at, 'short'),
        ),
        g.ARCHIVES,
        code='signed',
    )


def check_editable(actor, meeting) -> None:
    """Refuse unless ``actor`` may write the minutes of ``meeting`` now (the secretary, until the sign-off)."""
    if not p.may_write_minutes(actor, meeting):
        raise Refusal(_('The secretary writes the minutes.'), g.MINUTES, code='forbidden')
    if meeting.minutes_signed:
        raise _signed_refusal(meeting)
    if not meeting.held:
        raise Refusal(
            _('Minutes are written from the opening of the session until the chair signs them off.'),
            g.MINUTES,
            code='wrong_state',
        )


def _clean(value, maximum: int, too_long: str) -> str:
    cleaned = clean_text(value if isinstance(value, str) else '')
    if len(cleaned) > maximum:
        raise Refusal(too_long, g.MINUTES, code='too_long')
    return cleaned


def _notes(meeting, notes: dict) -> dict[int, str]:
    items = {item.id: item for item in meeting.items}
    cleaned = {}
    for item_id, text in notes.items():
        item = items.get(item_id)
        if item is None:
            raise Refusal(_('No such agenda item.'), g.PROCEDURE, code='not_found')
        cleaned[item_id] = _clean(
            text,
            ITEM_NOTES_MAX,
            _(
                'The notes on item %(n)s are too long (at most %(max)s characters).',
                n=item.position,
                max=ITEM_NOTES_MAX,
            ),
        )
    return cleaned


def _dissents(entries) -> list[dict]:
    """Dissenting views as ``[{"view", "held_by"}]``: blank entries dropped; whose view is optional, the view is not."""
    cleaned = []
    for number, (view, held_by) in enumerate(entries, start=1):
        view = _clean(view, DISSENT_MAX, _('Dissenting view %(n)s is too long.', n=number))
        held_by = _clean(held_by, DISSENT_BY_MAX, _('The name with dissenting view %(n)s is too long.', n=number))
        if not view and held_by:
            raise Refusal(
                _('Dissenting view %(n)s names whose view it is but not the view.', n=number), g.MINUTES, code='empty'
            )
        if view:
            cleaned.append({'view': view, 'held_by': held_by})
    if len(cleaned) > DISSENTS_MAX:
        raise Refusal(_('At most %(n)s dissenting views.', n=DISSENTS_MAX), g.MINUTES, code='too_many')
    return cleaned


def save_structured(
    actor,
    meeting,
    rev,
    *,
    text: str | None = None,
    notes: dict[int, str] | None = None,
    dissents: list[tuple[str, str]] | None = None,
) -> Meeting:
    """Save the parts of the minutes given (``None`` leaves a part as it is) as one new revision.

    :param rev: the revision the edit started from; a save from an older one is refused (``conflict``), so
        nobody overwrites what another editor saved in between.
    :param notes: agenda item id -> the secretary's notes on that item.
    :param dissents: ``(view, whose view)`` pairs, in order; they replace the list.
    :raises Refusal: not the secretary, not yet open or already signed (the archives rule), too long, stale.
    """
    check_editable(actor, meeting)
    if not isinstance(rev, int) or isinstance(rev, bool):
        raise Refusal(_('The request is malformed.'), g.MINUTES, code='bad_payload')
    values = {}
    if text is not None:
        values['minutes'] = _clean(text, MINUTES_MAX, _('The minutes are too long.'))
    if dissents is not None:
        values['dissents'] = _dissents(dissents)
    cleaned_notes = _notes(meeting, notes) if notes is not None else {}
    moved = db.session.execute(
        sa.update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.minutes_rev == rev,
            Meeting.minutes_signed_at.is_(None),
            Meeting.status.in_([MeetingStatus.OPEN, MeetingStatus.CLOSED]),
        )
        .values(**values, minutes_rev=rev + 1)
    ).rowcount
    if moved != 1:
        db.session.refresh(meeting)
        if meeting.minutes_signed:
            raise _signed_refusal(meeting)
        raise Refusal(
            _('The minutes were saved elsewhere since you started; reload them before saving.'),
            g.MINUTES,
            code='conflict',
        )
    db.session.refresh(meeting)
    for item in meeting.items:
        if item.id in cleaned_notes:
            item.notes = cleaned_notes[item.id]
    db.session.flush()
    return meeting


def save_minutes(actor, meeting, text: str, rev) -> Meeting:
    """The secretary saves the free text of the minutes (the live room's box); see :func:`save_structured`."""
    return save_structured(actor, meeting, rev, text=text)


def sign_minutes(actor, meeting, rev=None, now: datetime | None = None) -> SignedMinutes:
    """The chair signs the minutes off: every section is frozen with its SHA-256 and the minutes are locked.

    Locking precondition: one conditional UPDATE of the meeting (closed, unsigned, still at revision ``rev``)
    takes the signature, so of two sign-offs at once one signs and the other is refused, and a save by the
    secretary in between makes the chair read the minutes again.

    :param rev: the revision the chair read (``None``: the one loaded).
    :raises Refusal: not the chair, not closed, already signed, empty, or changed since read.
    """
    now = now or utcnow()
    if not p.moderates(actor, meeting):
        raise Refusal(_('The chair signs the minutes off.'), g.MINUTES, code='forbidden')
    if meeting.minutes_signed:
        raise Refusal(
            _(
                'The minutes were already signed off on %(when)s.',
                when=format_datetime(meeting.minutes_signed_at, 'short'),
            ),
            g.ARCHIVES,
            code='already_signed',
        )
    if meeting.status != MeetingStatus.CLOSED:
        raise Refusal(_('The minutes are signed off after the session is closed.'), g.MINUTES, code='wrong_state')
    if not has_content(meeting):
        raise Refusal(_('The minutes are empty: the secretary has not written them.'), g.MINUTES, code='no_minutes')
    if rev is not None and rev != meeting.minutes_rev:
        raise Refusal(
            _('The minutes changed since you read them; read them again before signing.'), g.MINUTES, code='conflict'
        )
    rev = meeting.minutes_rev
    text = snapshot.canonical(snapshot.signed_document(meeting, actor, now))
    sha256 = snapshot.digest(text)
    taken = db.session.execute(
        sa.update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.status == MeetingStatus.CLOSED,
            Meeting.minutes_signed_at.is_(None),
            Meeting.minutes_rev == rev,
        )
        .values(minutes_signed_at=now, minutes_signed_by_id=actor.id)
    ).rowcount
    db.session.refresh(meeting)
    if taken != 1:
        if meeting.minutes_signed:
            raise Refusal(_('Someone signed the minutes off just now.'), g.ARCHIVES, code='already_signed')
        raise Refusal(
            _('The minutes changed since you read them; read them again before signing.'), g.MINUTES, code='conflict'
        )
    signed = SignedMinutes(meeting_id=meeting.id, signed_by_id=actor.id, signed_at=now, document=text, sha256=sha256)
    db.session.add(signed)
    log(meeting, 'minutes_signed', actor, detail=sha256)
    record(actor, 'meeting.minutes_signed', community=meeting.community, meeting_id=meeting.id, sha256=sha256)
    db.session.flush()
    publish(MinutesSigned(signed_minutes_id=signed.id, meeting_id=meeting.id, topic_id=meeting.topic_id))
    logger.info('Minutes of meeting %s signed by %s (%s)', meeting.id, actor.id, sha256)
    return signed


def correct_minutes(actor, meeting, body: str, reason: str) -> MinutesCorrection:
    """The secretary or the chair appends a correction, with its reason, to signed minutes.

    :raises Refusal: not the secretary or the chair, not signed yet (edit them instead), empty or too long.
    """
    if not p.keeps_record(actor, meeting):
        raise Refusal(_('The secretary or the chair corrects the minutes.'), g.MINUTES, code='forbidden')
    if not meeting.minutes_signed:
        raise Refusal(
            _('The minutes are not signed off yet: edit them instead of appending a correction.'),
            g.MINUTES,
            code='not_signed',
        )
    body = _clean(body, CORRECTION_MAX, _('The correction is too long.'))
    if not body:
        raise Refusal(_('Write the correction.'), g.MINUTES, code='empty')
    reason = require_reason(reason, _('Say why the minutes are corrected.'))
    if len(reason) > CORRECTION_REASON_MAX:
        raise Refusal(_('The reason is too long.'), g.MINUTES, code='too_long')
    correction = MinutesCorrection(meeting_id=meeting.id, author_id=actor.id, at=utcnow(), body=body, reason=reason)
    db.session.add(correction)
    db.session.flush()
    log(meeting, 'minutes_corrected', actor, detail=reason)
    record(
        actor,
        'meeting.minutes_corrected',
        community=meeting.community,
        meeting_id=meeting.id,
        correction_id=correction.id,
    )
    db.session.flush()
    return correction
