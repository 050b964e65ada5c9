"""A deputy's work record (rule 41): observed meetings, notes, suggestions and their replies; public.

What is public is decided here: the deputy's display name (never their mobile, email or real name), the texts they
filed, the body a suggestion went to and its reply (never who replied for it), and the timer.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db
from consult.meetings.models import Attendance
from consult.meetings.models import Meeting
from consult.meetings.models import Participant
from consult.meetings.models import ParticipantKind
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics.models import Topic

from .models import DeputyNote
from .models import DeputyObservation
from .models import DeputySuggestion
from .queries import PER_PAGE


def deputy_or_none(user_id: int) -> User | None:
    """The user if they hold, or held, an NPC deputy grant (one statement)."""
    return db.session.scalar(
        sa.select(User).where(
            User.id == user_id,
            sa.exists().where(RoleGrant.user_id == User.id, RoleGrant.role == Role.NPC_DEPUTY),
        )
    )


def _observed(deputy_id: int):
    """Meetings of public topics the deputy observed: through the dashboard, or signed in as a roster observer."""
    through_dashboard = sa.select(DeputyObservation.meeting_id).where(DeputyObservation.deputy_id == deputy_id)
    as_observer = (
        sa.select(Attendance.meeting_id)
        .join(
            Participant,
            sa.and_(Participant.meeting_id == Attendance.meeting_id, Participant.user_id == Attendance.user_id),
        )
        .where(Attendance.user_id == deputy_id, Participant.kind == ParticipantKind.OBSERVER)
    )
    return (
        sa.select(Meeting)
        .join(Topic, Topic.id == Meeting.topic_id)
        .where(sa.or_(Meeting.id.in_(through_dashboard), Meeting.id.in_(as_observer)), Topic.public.is_(True))
        .options(so.contains_eager(Meeting.topic), so.joinedload(Meeting.community))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def _notes(deputy_id: int):
    return (
        sa.select(DeputyNote)
        .join(Topic, Topic.id == DeputyNote.topic_id)
        .where(DeputyNote.deputy_id == deputy_id, Topic.public.is_(True))
        .options(so.contains_eager(DeputyNote.topic))
        .order_by(DeputyNote.created_at.desc(), DeputyNote.id.desc())
    )


def _suggestions(deputy_id: int):
    s = DeputySuggestion
    return (
        sa.select(s)
        .where(s.deputy_id == deputy_id)
        .options(so.joinedload(s.community), so.joinedload(s.department))
        .order_by(s.sent_at.desc(), s.id.desc())
    )


def observed_page(deputy_id: int, page: int = 1):
    return db.paginate(_observed(deputy_id), page=page, per_page=PER_PAGE, error_out=False)


def notes_page(deputy_id: int, page: int = 1):
    return db.paginate(_notes(deputy_id), page=page, per_page=PER_PAGE, error_out=False)


def suggestions_page(deputy_id: int, page: int = 1):
    return db.paginate(_suggestions(deputy_id), page=page, per_page=PER_PAGE, error_out=False)


def whole_record(deputy_id: int) -> dict:
    """Everything of the record at once, for the export and the printed page (three statements)."""
    return {
        'observed': list(db.session.scalars(_observed(deputy_id)).unique()),
        'notes': list(db.session.scalars(_notes(deputy_id))),
        'suggestions': list(db.session.scalars(_suggestions(deputy_id)).unique()),
    }
