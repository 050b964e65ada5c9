"""The meeting's record (append-only events) and room-wide pushes queued for after commit."""

from consult.db import db

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
