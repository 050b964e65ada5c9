"""The meetings' public records in the transparency log: signed minutes."""

import hashlib

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import MinutesSigned
from consult.kernel.signals import RecordKind
from consult.transparency.canonical import iso

from .minutes_models import SignedMinutes
from .models import Meeting


def _load_minutes(ids) -> dict[int, dict]:
    """The signed document's digest, computed from the document itself (an edited document no longer matches)."""
    s = SignedMinutes
    query = sa.select(s.id, s.meeting_id, Meeting.topic_id, s.signed_at, s.document).join(
        Meeting, Meeting.id == s.meeting_id
    )
    out = {}
    for row in db.session.execute(query.where(s.id.in_(ids))):
        out[row.id] = {
            'id': row.id,
            'meeting_id': row.meeting_id,
            'topic_id': row.topic_id,
            'signed_at': iso(row.signed_at),
            'document_sha256': hashlib.sha256(row.document.encode()).hexdigest(),
        }
    return out


KINDS = [
    RecordKind('signed_minutes', MinutesSigned, lambda e: e.signed_minutes_id, lambda e: e.topic_id, _load_minutes)
]


def contribute(_sender, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records`` (connected by ``wiring.plug``)."""
    return KINDS
