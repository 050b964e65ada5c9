"""What deputies' work contributes to the public record: the notes section of a topic's record, the archive
bundle's item, and the transparency log's record kinds (each loader returns only fields fixed at the event)."""

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import CITY_ZONE
from consult.kernel.events import DeputyNoteFiled
from consult.kernel.events import SuggestionMoved
from consult.kernel.events import SuggestionSent
from consult.kernel.signals import BundleItem
from consult.kernel.signals import RecordKind
from consult.kernel.signals import RecordSection

from .models import DeputyNote
from .models import DeputySuggestion

NOTES_KEY = 'deputy_notes'


def _iso(moment: datetime | None) -> str | None:
    """A canonical timestamp: UTC, whole seconds (what every database keeps alike)."""
    return None if moment is None else moment.astimezone(UTC).replace(microsecond=0).isoformat()


def notes_section(topic_id, **_kwargs) -> RecordSection | None:
    """The deputies' observation notes on a topic, oldest first (one statement); ``None`` when there are none."""
    rows = db.session.execute(
        sa.select(DeputyNote.id, DeputyNote.body, DeputyNote.created_at, User.id, User.display_name)
        .join(User, User.id == DeputyNote.deputy_id)
        .where(DeputyNote.topic_id == topic_id)
        .order_by(DeputyNote.created_at, DeputyNote.id)
    ).all()
    if not rows:
        return None
    return RecordSection(
        key=NOTES_KEY,
        title=_('NPC deputy observation notes'),
        template='deputies/_record_notes.html',
        rows=tuple(
            {
                'id': note_id,
                'deputy': name,
                'deputy_id': deputy_id,
                'body': body,
                'at': _iso(at),
                'local': at.astimezone(CITY_ZONE).strftime('%Y-%m-%d %H:%M'),
            }
            for note_id, body, at, deputy_id, name in rows
        ),
    )


def bundle_item(topic, **_kwargs) -> BundleItem:
    """The archive bundle's "observation notes, if any" (rule 34): never required."""
    count = db.session.scalar(sa.select(sa.func.count(DeputyNote.id)).where(DeputyNote.topic_id == topic.id)) or 0
    return BundleItem(
        key=NOTES_KEY,
        label=_('NPC deputy observation notes'),
        present=bool(count),
        required=False,
        url=url_for('disclosure.result', topic_id=topic.id, _anchor=NOTES_KEY) if count else None,
        note=_('%(count)s note(s)', count=count),
    )


# -- the transparency log's record kinds -----------------------------------------------------------------------


def load_notes(ids: Sequence[int]) -> dict[int, dict]:
    rows = db.session.scalars(sa.select(DeputyNote).where(DeputyNote.id.in_(list(ids))))
    return {
        n.id: {
            'id': n.id,
            'topic_id': n.topic_id,
            'meeting_id': n.meeting_id,
            'deputy_id': n.deputy_id,
            'body': n.body,
            'created_at': _iso(n.created_at),
        }
        for n in rows
    }


def load_suggestions(ids: Sequence[int]) -> dict[int, dict]:
    rows = db.session.scalars(sa.select(DeputySuggestion).where(DeputySuggestion.id.in_(list(ids))))
    return {
        s.id: {
            'id': s.id,
            'deputy_id': s.deputy_id,
            'community_id': s.community_id,
            'department_id': s.department_id,
            'title': s.title,
            'body': s.body,
            'complex': s.complex,
            'sent_at': _iso(s.sent_at),
            'due_at': _iso(s.due_at),
        }
        for s in rows
    }


def load_replies(ids: Sequence[int]) -> dict[int, dict]:
    """Replies given (who replied for the body is left out: the body replies)."""
    s = DeputySuggestion
    rows = db.session.execute(
        sa.select(s.id, s.reply, s.replied_at, s.due_at).where(s.id.in_(list(ids)), s.replied_at.is_not(None))
    ).all()
    return {sid: {'id': sid, 'reply': text, 'replied_at': _iso(at), 'late': at > due} for sid, text, at, due in rows}


def load_assessments(ids: Sequence[int]) -> dict[int, dict]:
    s = DeputySuggestion
    rows = db.session.execute(
        sa.select(s.id, s.assessment, s.assessment_comment, s.assessed_at).where(
            s.id.in_(list(ids)), s.assessed_at.is_not(None)
        )
    ).all()
    return {
        sid: {'id': sid, 'assessment': value, 'comment': comment, 'assessed_at': _iso(at)}
        for sid, value, comment, at in rows
    }


def _suggestion_topic(event) -> int | None:
    return db.session.scalar(sa.select(DeputySuggestion.topic_id).where(DeputySuggestion.id == event.subject_id))


def _step(action: str):
    return lambda event: event.subject_id if event.action == action else None


RECORD_KINDS = [
    RecordKind('deputy_note', DeputyNoteFiled, lambda e: e.note_id, lambda e: e.topic_id, load_notes),
    RecordKind('deputy_suggestion', SuggestionSent, lambda e: e.suggestion_id, lambda e: e.topic_id, load_suggestions),
    RecordKind('deputy_reply', SuggestionMoved, _step('reply'), _suggestion_topic, load_replies),
    RecordKind('deputy_assessment', SuggestionMoved, _step('assess'), _suggestion_topic, load_assessments),
]


def record_kinds(_sender=None, **_kwargs) -> list[RecordKind]:
    return RECORD_KINDS
