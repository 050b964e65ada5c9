"""What meetings connects when the app is built: a meeting's chair leads the topic's session steps, and the
predicates of a meeting's actions; its own steps are actions too (``meeting.open``, ``meeting.close``, ``meeting.cancel``)."""

from flask import url_for
from flask_babel import gettext as _

from consult import delivery
from consult.kernel import actions
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import home_work
from consult.kernel.signals import public_records
from consult.meetings import feeds
from consult.meetings import permissions as p
from consult.meetings import pushes
from consult.meetings import queries
from consult.meetings import record_kinds
from consult.meetings.permissions import chairs_meeting_of
from consult.meetings.states import MACHINE
from consult.topics.states import MACHINE as TOPIC

#: The topic's steps a session leads to (domain.md (b): the committee, the Party organisation or the chair).
SESSION_STEPS = ('open_session', 'form_opinion', 'defer', 'reschedule')


def _home_work(user) -> list[WorkCard]:
    """Meetings in session the user takes part in or runs (a prominent card: the room), and the next ones."""
    cards = []
    live = queries.in_session_for(user)
    if live:
        rows = tuple(
            WorkRow(
                m.title,
                url_for('meetings.room_page', meeting_id=m.id),
                action=_('Enter the meeting room: %(title)s', title=m.title),
                note=m.community.name,
            )
            for m in live
        )
        cards.append(WorkCard('meetings_open', _('Meetings in session'), len(rows), None, rows, 0, prominent=True))
    upcoming = queries.upcoming_for(user)
    if upcoming.total:
        rows = tuple(
            WorkRow(
                m.title,
                url_for('meetings.detail', meeting_id=m.id),
                due_at=m.starts_at,
                note=f'{m.community.name} · {m.place}' if m.place else m.community.name,
            )
            for m in upcoming.items
        )
        cards.append(
            WorkCard('meetings_next', _('Coming meetings'), upcoming.total, url_for('meetings.mine'), rows, 20)
        )
    return cards


def _bundle_items(topic, **_kwargs) -> list[BundleItem]:
    """Rule 34, for the meetings held on the topic (closed ones): their notices, rosters with the participants'
    type tags, sign-in sheets and signed minutes (one statement). A meeting still scheduled or open leaves the
    record incomplete: it must be held or cancelled first."""
    import sqlalchemy as sa

    from consult.db import db
    from consult.meetings.models import Attendance
    from consult.meetings.models import Meeting
    from consult.meetings.models import MeetingStatus
    from consult.meetings.models import Participant

    roster = sa.select(sa.func.count(Participant.id)).where(Participant.meeting_id == Meeting.id).scalar_subquery()
    signed = sa.select(sa.func.count(Attendance.id)).where(Attendance.meeting_id == Meeting.id).scalar_subquery()
    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.notice_sent_at, Meeting.minutes_signed_at, roster, signed, Meeting.status)
        .where(Meeting.topic_id == topic.id, Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.id)
    ).all()
    held = [row for row in rows if row[5] == MeetingStatus.CLOSED]
    live = len(rows) - len(held)
    url = bundle_url('meetings.detail', meeting_id=rows[0].id) if rows else None
    note = _('%(num)s meetings held', num=len(held)) if held else _('No meeting was held')
    if live:
        note = _('%(num)s meetings still scheduled or open', num=live)
        held = []
    required = bool(rows)
    return [
        BundleItem(
            'meeting_notice',
            _('Meeting notices'),
            bool(held) and all(r[1] for r in held),
            required,
            url,
            note,
        ),
        BundleItem(
            'participants',
            _('Participant list with type tags'),
            bool(held) and all(r[3] for r in held),
            required,
            url,
            note,
        ),
        BundleItem('sign_in', _('Sign-in sheet'), bool(held) and all(r[4] for r in held), required, url, note),
        BundleItem('minutes', _('Signed minutes'), bool(held) and all(r[2] for r in held), required, url, note),
    ]


def plug() -> None:
    public_records.connect(record_kinds.contribute, weak=False)
    home_work.connect(_home_work, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    for action in SESSION_STEPS:
        TOPIC.extend(action, allowed=chairs_meeting_of)
    # ``meeting.schedule`` is asked of a topic; the others of a meeting.
    actions.register_all(
        'meeting',
        {
            'schedule': p.can_schedule,
            'view': p.can_view_meeting,
            'manage': p.can_manage,
            # The live room and the meeting's record inside it, in any state: the route and the socket alike.
            'room': p.can_enter_room,
            'moderate': p.moderates,
            # The minute-taker (the secretary); the operation refuses before the session and after the sign-off,
            # with its reason.
            'keep_minutes': p.may_write_minutes,
            'prepare': p.may_prepare,
            'enter': p.may_enter,
            'join': p.may_request_to_join,
            'show_code': p.may_show_code,
            'mark_present': p.may_mark_present,
            'checkin': p.may_check_in,
            # The minutes now: written (open, or closed and not signed), signed off, corrected once signed.
            'minute': p.may_minute,
            'sign_minutes': p.may_sign_minutes,
            'correct_minutes': p.may_correct_minutes,
            'say': p.may_say,
        },
    )
    actions.register_machine(MACHINE)
    # A socket is sent each chat message once: live, or in the replay of its join (feeds.py).
    delivery.register('meeting:message', feeds.keep_from)
    # A joining socket is given the room state last pushed, not read again per join (pushes.py).
    delivery.watch('meeting:state', pushes.seen_state)
