"""Telling the roster: an in-app notification for each participant when the notice and materials go out."""

from datetime import datetime

import sqlalchemy as sa

from consult.db import db
from consult.kernel.clock import utcnow
from consult.notifications.models import Notification

from .models import Participant


def notify_participants(meeting, kind: str, when: datetime | None = None) -> int:
    """One notification per participant, in one INSERT ... SELECT (rosters run to thousands)."""
    when = when or utcnow()
    selected = sa.select(
        Participant.user_id,
        sa.literal(meeting.topic_id),
        sa.literal(kind),
        sa.literal(when, type_=Notification.__table__.c.created_at.type),
    ).where(Participant.meeting_id == meeting.id)
    result = db.session.execute(
        sa.insert(Notification).from_select(['user_id', 'topic_id', 'kind', 'created_at'], selected)
    )
    return result.rowcount
