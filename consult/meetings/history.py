"""The live room's history in pages, by sequence number (never by offset).

A room opens on its latest page (``latest``); the reader scrolls back a page at a time (``earlier``, before the
oldest sequence number it holds); a gap after a reconnect is filled forward in pages of the same size
(``live.missed``). Each page is two statements whatever the meeting's size: the messages with their authors, and
the authors' badges.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.realtime import MeetingMessage
from consult.realtime import _payload

from .models import LiveMessage
from .queries import badges_for

#: Messages in one page of the room's history (opening, scrolling back, filling a gap).
PAGE = 100


def latest(meeting, limit: int = PAGE) -> list[LiveMessage]:
    """The meeting's last ``limit`` messages, in sequence order."""
    rows = db.session.scalars(
        sa.select(LiveMessage)
        .where(LiveMessage.meeting_id == meeting.id)
        .order_by(LiveMessage.seq.desc())
        .limit(limit)
        .options(so.joinedload(LiveMessage.author))
    )
    return list(reversed(list(rows)))


def earlier(meeting, before: int, limit: int = PAGE) -> list[LiveMessage]:
    """The ``limit`` messages just before sequence number ``before``, in sequence order."""
    rows = db.session.scalars(
        sa.select(LiveMessage)
        .where(LiveMessage.meeting_id == meeting.id, LiveMessage.seq < before)
        .order_by(LiveMessage.seq.desc())
        .limit(limit)
        .options(so.joinedload(LiveMessage.author))
    )
    return list(reversed(list(rows)))


def payloads(meeting, messages) -> list[dict]:
    """The ``meeting:message`` payloads of ``messages``, their badges read in one statement."""
    if not messages:
        return []
    badges = badges_for(meeting, {m.author_id for m in messages})
    return [
        _payload(
            MeetingMessage(
                meeting=m.meeting_id,
                seq=m.seq,
                client_id=m.client_id,
                body=m.body if m.hidden_at is None else '',
                hidden=m.hidden_reason if m.hidden_at is not None else None,
                author={'id': m.author.id, 'name': m.author.display_name, 'badge': badges[m.author_id]},
                at=m.created_at.isoformat(),
            )
        )
        for m in messages
    ]
