"""The meetings' part of the public record: participant counts by type, attendance, the frozen quorum and the
signed minutes without the people (speakers named only with their consent). Seven statements, however many
meetings, participants or speakers.
"""

import json

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.meetings.minutes_models import MinutesCorrection
from consult.meetings.minutes_models import SignedMinutes
from consult.meetings.models import Attendance
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingStatus
from consult.meetings.models import Participant

from .records import PublicMeeting
from .records import PublicMinutes
from .records import Quorum
from .records import Speaker

_KIND_ORDER = ('resident', 'household_rep', 'representative', 'unit', 'department', 'expert', 'observer')


def meetings_of(topic_id: int) -> tuple[PublicMeeting, ...]:
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.topic_id == topic_id, Meeting.status.in_([MeetingStatus.OPEN, MeetingStatus.CLOSED]))
            .options(so.selectinload(Meeting.items))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    ids = [meeting.id for meeting in meetings]
    kinds: dict[int, dict[str, int]] = {}
    for meeting_id, kind, number in db.session.execute(
        sa.select(Participant.meeting_id, Participant.kind, sa.func.count(Participant.id))
        .where(Participant.meeting_id.in_(ids))
        .group_by(Participant.meeting_id, Participant.kind)
    ):
        kinds.setdefault(meeting_id, {})[kind] = number
    signed_in = dict(
        db.session.execute(
            sa.select(Attendance.meeting_id, sa.func.count(Attendance.id))
            .where(Attendance.meeting_id.in_(ids))
            .group_by(Attendance.meeting_id)
        ).all()
    )
    signed = {
        row.meeting_id: row
        for row in db.session.scalars(sa.select(SignedMinutes).where(SignedMinutes.meeting_id.in_(ids)))
    }
    corrections: dict[int, list] = {}
    for row in db.session.scalars(
        sa.select(MinutesCorrection)
        .where(MinutesCorrection.meeting_id.in_(ids))
        .order_by(MinutesCorrection.at, MinutesCorrection.id)
    ):
        corrections.setdefault(row.meeting_id, []).append((row.at, row.body, row.reason))
    documents = {meeting_id: json.loads(row.document) for meeting_id, row in signed.items()}
    consenting = _consenting(documents)
    result = []
    for meeting in meetings:
        counts = kinds.get(meeting.id, {})
        minutes = signed.get(meeting.id)
        document = documents.get(meeting.id)
        result.append(
            PublicMeeting(
                title=meeting.title,
                kind=meeting.kind,
                form=meeting.form,
                starts_at=meeting.starts_at,
                opened_at=meeting.opened_at,
                closed_at=meeting.closed_at,
                outcome=meeting.outcome,
                participants=tuple((kind, counts[kind]) for kind in _KIND_ORDER if counts.get(kind)),
                roster=sum(counts.values()),
                signed_in=signed_in.get(meeting.id, 0),
                quorum=_quorum(document),
                minutes=_minutes(meeting, minutes, document, corrections.get(meeting.id, []), consenting),
            )
        )
    return tuple(result)


def _consenting(documents: dict[int, dict]) -> set[tuple[int, int]]:
    """``(meeting id, user id)`` of the speakers in the signed minutes who consented to be named: the speakers'
    rows only, never the whole roster (one statement, whatever the number of speakers)."""
    pairs = {(meeting_id, s['user_id']) for meeting_id, doc in documents.items() for s in doc.get('speakers', [])}
    return set(
        db.session.execute(
            sa.select(Participant.meeting_id, Participant.user_id).where(
                Participant.meeting_id.in_({meeting_id for meeting_id, _ in pairs}),
                Participant.user_id.in_({user_id for _, user_id in pairs}),
                Participant.name_public.is_(True),
            )
        ).all()
    )


def _quorum(document) -> Quorum | None:
    if document is None:
        return None
    attendance = document.get('attendance') or {}
    return Quorum(
        present=attendance.get('present', 0),
        members=attendance.get('members', 0),
        required=attendance.get('required'),
        met=bool(attendance.get('met')),
    )


def _minutes(meeting, minutes, document, corrections, consenting) -> PublicMinutes | None:
    """The signed minutes without the people: speakers by capacity unless they consented, dissents without names."""
    if minutes is None:
        return None
    titles = {item['id']: item['title'] for item in document.get('items', [])}
    return PublicMinutes(
        signed_at=document.get('signed', {}).get('at') or minutes.signed_at.isoformat(),
        sha256=minutes.sha256,
        items=tuple((item['title'], item.get('notes') or '') for item in document.get('items', [])),
        speakers=tuple(
            Speaker(
                name=speaker['name'] if (meeting.id, speaker['user_id']) in consenting else None,
                badge=speaker['badge'],
                item=titles.get(speaker.get('item_id'), ''),
            )
            for speaker in document.get('speakers', [])
        ),
        motions=tuple((motion['title'], motion.get('result') or '') for motion in document.get('motions', [])),
        dissents=tuple(dissent['view'] for dissent in document.get('dissents', [])),
        text=document.get('text') or '',
        corrections=tuple(corrections),
    )


def participant_totals(meetings) -> tuple[tuple[str, int], ...]:
    totals: dict[str, int] = {}
    for meeting in meetings:
        for kind, number in meeting.participants:
            totals[kind] = totals.get(kind, 0) + number
    return tuple((kind, totals[kind]) for kind in _KIND_ORDER if totals.get(kind))
