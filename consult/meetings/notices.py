"""Telling the roster: an in-app notification and an email (if mail is set up) for each participant when the
notice and materials go out, and for each person added to the roster after they went out (domain.md (b):
``open_session`` needs the materials sent to every participant)."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask import url_for

from consult.db import db
from consult.kernel.clock import utcnow
from consult.notifications.models import Notification
from consult.notifications.operations import label
from consult.notifications.operations import notify
from consult.notifications.operations import queue_mail

from .models import Participant

#: What was sent to the roster, and the meeting's column that says when.
SENT = (('meeting_notice', 'notice_sent_at'), ('meeting_materials', 'materials_sent_at'))


def notify_participants(meeting, kind: str, when: datetime | None = None) -> int:
    """One notification per participant, in one INSERT ... SELECT (rosters run to thousands); mail after commit."""
    when = when or utcnow()
    roster = sa.select(Participant.user_id).where(Participant.meeting_id == meeting.id)
    selected = sa.select(
        Participant.user_id,
        sa.literal(meeting.topic_id),
        sa.literal(kind),
        sa.literal(when, type_=Notification.__table__.c.created_at.type),
    ).where(Participant.meeting_id == meeting.id)
    result = db.session.execute(
        sa.insert(Notification).from_select(['user_id', 'topic_id', 'kind', 'created_at'], selected)
    )
    _mail(meeting, kind, roster)
    return result.rowcount


def notify_latecomers(meeting, user_ids) -> None:
    """Send people just added to the roster what the roster already had: the notice, the materials, or both."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    for kind, column in SENT:
        if getattr(meeting, column) is not None:
            notify(user_ids, kind, topic_id=meeting.topic_id)
            _mail(meeting, kind, user_ids)


def _mail(meeting, kind: str, user_ids) -> None:
    """Queue the email of ``kind`` to ``user_ids`` (ids, or a SELECT of them); nothing without a mail server."""
    if not current_app.config.get('MAIL_SERVER'):
        return
    if isinstance(user_ids, sa.Select):
        user_ids = list(db.session.scalars(user_ids))
    subject = f'[Consult] {meeting.title}: {label(kind)}'
    queue_mail(user_ids, subject, _link(meeting))


def _link(meeting) -> str:
    try:
        return url_for('meetings.detail', meeting_id=meeting.id, _external=True)
    except RuntimeError:  # the CLI and the demo have no request; SERVER_NAME may be unset
        return f'/meetings/{meeting.id}'
