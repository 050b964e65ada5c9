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


def latest(meeting, limit: int = PAGE) -> tuple[list[LiveMessage], bool]:
    """The meeting's last ``limit`` messages, in sequence order, and whether there are older ones."""
    return _back_from(meeting, None, limit)


def earlier(meeting, before: int, limit: int = PAGE) -> tuple[list[LiveMessage], bool]:
    """The ``limit`` messages just before sequence number ``before``, in sequence order, and whether there are
    older ones."""
    return _back_from(meeting, before, limit)


def _back_from(meeting, before: int | None, limit: int) -> tuple[list[LiveMessage], bool]:
    stmt = sa.select(LiveMessage).where(LiveMessage.meeting_id == meeting.id)
    if before is not None:
        stmt = stmt.where(LiveMessage.seq < before)
    rows = list(
        db.session.scalars(
            stmt.order_by(LiveMessage.seq.desc()).limit(limit + 1).options(so.joinedload(LiveMessage.author))
        )
    )
    return list(reversed(rows[:limit])), len(rows) > limit


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
