"""Scheduling, notice, materials, opening and closing a meeting. Operations flush, never commit."""

import secrets
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.markdown import render_markdown
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics import states
from consult.topics.models import ConsultationForm
from consult.topics.models import TopicStatus

from . import guards as g
from . import permissions as p
from .minutes import has_content
from .minutes import save_minutes  # noqa: F401  (the live room's box; the minutes' operations live in minutes.py)
from .models import PLACE_MAX
from .models import STARTS_NOT_AFTER
from .models import STARTS_NOT_BEFORE
from .models import TITLE_MAX
from .models import AgendaItem
from .models import Attendance
from .models import Material
from .models import Meeting
from .models import MeetingKind
from .models import MeetingStatus
from .models import Outcome
from .quorum import quorum_status
from .record import log
from .states import MACHINE

AGENDA_MAX_ITEMS = 20
ITEM_MAX_MINUTES = 240


def _require_manager(actor, meeting) -> None:
    if not p.can_manage(actor, meeting):
        raise Refusal(_('Only the committee of this community prepares its meetings.'), g.PROCEDURE, code='forbidden')


def _require_scheduled(meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Refusal(_('The meeting has already opened; this can no longer change.'), g.ROSTER, code='frozen')


def _rules(community):
    rules = rules_in_force(community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), g.PROCEDURE, code='no_rules')
    return rules


def _text(value, maximum: int, empty: str, too_long: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise Refusal(empty, g.PROCEDURE, code='empty')
    if len(cleaned) > maximum:
        raise Refusal(too_long, g.PROCEDURE, code='too_long')
    return cleaned


def parse_agenda(lines: str) -> list[tuple[str, int]]:
    """Agenda items, one per line as ``title | minutes`` (minutes default to 15).

    The bar may be the full-width ``｜`` a Chinese input method types, and the minutes full-width digits.
    """
    items = []
    for raw in (lines or '').splitlines():
        line = clean_text(raw).replace('｜', '|')
        if not line:
            continue
        title, _sep, minutes = line.rpartition('|') if '|' in line else (line, '', '15')
        title = title.strip()
        try:
            minutes = int(minutes.strip())
        except ValueError as exc:
            raise Refusal(
                _('Agenda line "%(line)s": the time box must be a number of minutes.', line=line[:40]),
                g.PROCEDURE,
                code='bad_agenda',
            ) from exc
        if not title or len(title) > TITLE_MAX or not 1 <= minutes <= ITEM_MAX_MINUTES:
            raise Refusal(
                _(
                    'Agenda line "%(line)s": a title of at most %(n)s characters and 1 to %(m)s minutes.',
                    line=line[:40],
                    n=TITLE_MAX,
                    m=ITEM_MAX_MINUTES,
                ),
                g.PROCEDURE,
                code='bad_agenda',
            )
        items.append((title, minutes))
    if not items:
        raise Refusal(_('A meeting needs at least one agenda item.'), g.PROCEDURE, code='bad_agenda')
    if len(items) > AGENDA_MAX_ITEMS:
        raise Refusal(_('At most %(n)s agenda items.', n=AGENDA_MAX_ITEMS), g.PROCEDURE, code='bad_agenda')
    return items


def starts_window_message() -> str:
    return _('A meeting starts between yesterday and two years from now.')


def schedule(actor, topic, data: dict) -> Meeting:
    """Schedule a meeting on ``topic``: kind, form, time, place, chair, secretary and agenda."""
    from consult.accounts.models import User

    if not p.can_prepare(actor, topic.community):
        raise Refusal(_('Only the committee of this community prepares its meetings.'), g.PROCEDURE, code='forbidden')
    if topic.status not in p.SCHEDULABLE:
        raise Refusal(
            _('Meetings are held on announced topics (after the Party organisation confirmed them).'),
            g.PROCEDURE,
            code='wrong_state',
        )
    if data.get('kind') not in set(MeetingKind):
        raise Refusal(_('Choose a meeting type.'), g.PROCEDURE, code='bad_kind')
    if data.get('form') not in set(ConsultationForm):
        raise Refusal(_('Choose the form of the meeting.'), g.PROCEDURE, code='bad_form')
    starts_at = data.get('starts_at')
    if not isinstance(starts_at, datetime):
        raise Refusal(_('Give the date and time of the meeting.'), g.PROCEDURE, code='bad_time')
    if not utcnow() - STARTS_NOT_BEFORE <= starts_at <= utcnow() + STARTS_NOT_AFTER:
        raise Refusal(starts_window_message(), g.PROCEDURE, code='bad_time')
    chair = db.session.get(User, data.get('chair_id') or 0)
    secretary = db.session.get(User, data.get('secretary_id') or 0)
    if chair is None or secretary is None:
        raise Refusal(_('Choose the chair and the secretary.'), g.PROCEDURE, code='bad_people')
    place = clean_text(data.get('place'))
    if len(place) > PLACE_MAX:
        raise Refusal(_('The place is too long.'), g.PROCEDURE, code='too_long')
    if data['form'] in (ConsultationForm.ONSITE, ConsultationForm.HYBRID) and not place:
        raise Refusal(_('An on-site or mixed meeting needs a place.'), g.PROCEDURE, code='no_place')
    meeting = Meeting(
        topic=topic,
        community=topic.community,
        title=_text(data.get('title'), TITLE_MAX, _('Give the meeting a title.'), _('The title is too long.')),
        kind=data['kind'],
        form=data['form'],
        starts_at=starts_at,
        place=place,
        chair_id=chair.id,
        secretary_id=secretary.id,
        created_by_id=actor.id,
        checkin_secret=secrets.token_hex(32),
    )
    for position, (title, minutes) in enumerate(parse_agenda(data.get('agenda', '')), start=1):
        meeting.items.append(AgendaItem(position=position, title=title, minutes=minutes))
    db.session.add(meeting)
    db.session.flush()
    log(meeting, 'scheduled', actor)
    record(actor, 'meeting.schedule', community=topic.community, topic_id=topic.id, meeting_id=meeting.id)
    return meeting


def add_material(actor, meeting, title: str, body: str) -> Material:
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    if meeting.materials_sent_at is not None:
        raise Refusal(
            _('The materials were already sent; a new document would not reach participants in time.'),
            g.MATERIALS,
            code='materials_sent',
        )
    title = _text(title, TITLE_MAX, _('Give the document a title.'), _('The title is too long.'))
    body = _text(body, 50_000, _('The document is empty.'), _('The document is too long.'))
    material = Material(meeting_id=meeting.id, title=title, body_html=render_markdown(body), added_by_id=actor.id)
    db.session.add(material)
    db.session.flush()
    return material


def _send(actor, meeting, column: str, kind: str, rule, already: str, now: datetime | None) -> Meeting:
    """Mark the notice or the materials sent (once, even under concurrent requests) and tell the roster."""
    from .notices import notify_participants

    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    sent = db.session.execute(
        sa.update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            getattr(Meeting, column).is_(None),
        )
        .values({column: now or utcnow()})
    ).rowcount
    if sent != 1:
        raise Refusal(already, rule, code='duplicate')
    db.session.refresh(meeting)
    log(meeting, kind.removeprefix('meeting_') + '_sent', actor)
    notify_participants(meeting, kind)
    db.session.flush()
    return meeting


def send_notice(actor, meeting, now: datetime | None = None) -> Meeting:
    """Publish the notice (time, place, agenda) to the roster; the notice period starts now."""
    return _send(actor, meeting, 'notice_sent_at', 'meeting_notice', g.NOTICE, _('The notice was already sent.'), now)


def send_materials(actor, meeting, now: datetime | None = None) -> Meeting:
    """Send the materials to the roster; the materials period starts now."""
    _require_manager(actor, meeting)
    if not meeting.materials:
        raise Refusal(_('Add at least one document before sending the materials.'), g.MATERIALS, code='no_materials')
    return _send(
        actor,
        meeting,
        'materials_sent_at',
        'meeting_materials',
        g.MATERIALS,
        _('The materials were already sent.'),
        now,
    )


def opening_checks(meeting, rules, now: datetime) -> None:
    """The guards of ``open_session`` (domain.md (b)); raises the first one not met."""
    g.publicity_ended(meeting.topic, None, rules, '', {'now': now})  # the guard of ``open_session`` itself, first
    if meeting.notice_sent_at is None:
        raise Refusal(_('The notice has not been sent to the participants.'), g.NOTICE, code='notice')
    notice_ends = meeting.notice_sent_at + timedelta(days=rules.number('notice_days'))
    if now < notice_ends:
        raise Refusal(
            _('The notice period runs until %(when)s; the session cannot open before.', when=_local(notice_ends)),
            g.NOTICE,
            code='notice',
        )
    if meeting.materials_sent_at is None:
        raise Refusal(_('The materials have not been sent to the participants.'), g.MATERIALS, code='materials')
    materials_end = meeting.materials_sent_at + timedelta(days=rules.number('materials_days'))
    if now < materials_end:
        raise Refusal(
            _('The materials period runs until %(when)s; the session cannot open before.', when=_local(materials_end)),
            g.MATERIALS,
            code='materials',
        )
    from .queries import roster_size

    if roster_size(meeting) == 0:
        raise Refusal(_('The roster is empty.'), g.ROSTER, code='empty_roster')


def _local(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo('Asia/Shanghai')).strftime('%Y-%m-%d %H:%M')


def open_meeting(actor, meeting, now: datetime | None = None) -> Meeting:
    """Open the session: check notice and materials, freeze the roster, move the topic into consultation."""
    now = now or utcnow()
    if not p.may_open(actor, meeting):
        raise Refusal(_('The chair or the committee opens the session.'), g.CHAIR, code='forbidden')
    _require_scheduled(meeting)
    rules = _rules(meeting.community)
    opening_checks(meeting, rules, now)
    MACHINE.apply(meeting, 'open', actor, values={'opened_at': now, 'rule_set_id': rules.id})
    db.session.refresh(meeting)
    if meeting.topic.status in states.TRANSITIONS['open_session'].sources:  # announced, deferred or returned
        states.apply(meeting.topic, 'open_session', actor)
    if meeting.items:
        meeting.items[0].started_at = now
        meeting.current_item_id = meeting.items[0].id
    record(actor, 'meeting.open', community=meeting.community, meeting_id=meeting.id, rule_set_id=rules.id)
    db.session.flush()
    return meeting


def cancel_meeting(actor, meeting, reason: str) -> Meeting:
    _require_manager(actor, meeting)
    _require_scheduled(meeting)
    reason = require_reason(reason, _('Say why the meeting is cancelled.'))
    MACHINE.apply(meeting, 'cancel', actor, reason, values={'cancel_reason': reason})
    record(actor, 'meeting.cancel', community=meeting.community, reason=meeting.cancel_reason, meeting_id=meeting.id)
    db.session.flush()
    return meeting


_OUTCOME_STEP = {
    Outcome.CONSENSUS: 'form_opinion',
    Outcome.NO_CONSENSUS: 'defer',
    Outcome.QUORUM_FAILED: 'reschedule',
}


def close_meeting(actor, meeting, outcome: str, conclusion: str, now: datetime | None = None) -> Meeting:
    """The chair closes the session; attendance and some minutes (free text or item notes) must exist.

    The minutes stay open to the secretary after closing, until the chair signs them off (``minutes.py``).
    """
    now = now or utcnow()
    if not p.moderates(actor, meeting):
        raise Refusal(_('The chair closes the session.'), g.CHAIR, code='forbidden')
    if meeting.status != MeetingStatus.OPEN:
        raise Refusal(_('Only an open session can be closed.'), g.PROCEDURE, code='wrong_state')
    if outcome not in set(Outcome):
        raise Refusal(_('Choose the outcome.'), g.PROCEDURE, code='bad_outcome')
    conclusion = require_reason(conclusion, _('Write the consultation opinion or the reason for the outcome.'))
    attended = db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(Attendance.meeting_id == meeting.id))
    if not attended:
        raise Refusal(_('No one has signed in: the sign-in sheet is empty.'), g.CLOSE_RECORD, code='no_attendance')
    if not has_content(meeting):
        raise Refusal(_('The secretary has not written the minutes.'), g.CLOSE_RECORD, code='no_minutes')
    status = quorum_status(meeting, meeting.rule_set)
    if outcome == Outcome.CONSENSUS and not status.met:
        raise Refusal(
            _(
                'The quorum is not met (%(present)s present, %(required)s required).',
                present=status.present,
                required=status.required,
            ),
            g.QUORUM,
            code='no_quorum',
        )
    MACHINE.apply(
        meeting,
        'close',
        actor,
        conclusion,
        values={'closed_at': now, 'outcome': outcome, 'conclusion': conclusion},
        outcome=outcome,
    )
    db.session.refresh(meeting)
    for item in meeting.items:
        if item.started_at is not None and item.ended_at is None:
            item.ended_at = now
    meeting.current_item_id = None
    from .live import end_open_turns

    end_open_turns(meeting, now)
    if meeting.topic.status == TopicStatus.IN_CONSULTATION and not _other_open(meeting):
        states.apply(meeting.topic, _OUTCOME_STEP[Outcome(outcome)], actor, reason=conclusion)
    record(actor, 'meeting.close', community=meeting.community, meeting_id=meeting.id, outcome=outcome)
    db.session.flush()
    return meeting


def _other_open(meeting) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Meeting.id)).where(
                Meeting.topic_id == meeting.topic_id, Meeting.id != meeting.id, Meeting.status == MeetingStatus.OPEN
            )
        )
    )
