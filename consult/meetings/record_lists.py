"""The meeting record's lists in pages: the sign-in sheet by name, the transcript by sequence number, the timeline
by time, the speakers by the time they were given the floor.

Pages are cursor-based, never ``OFFSET``: a cursor is the id (the sequence number for the transcript) of the row a
page starts after (``after``) or ends before (``before``); the row's sort keys are read inside the page's one
statement. So a page costs the same statements whatever the size of the meeting, and the whole record (``every``)
is read a page at a time, for the streamed document.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db
from consult.kernel.signals import RecordSection
from consult.kernel.signals import contributions
from consult.kernel.signals import meeting_record_sections

from .models import Attendance
from .models import LiveMessage
from .models import MeetingEvent
from .models import Participant
from .models import SpeakerTurn
from .models import TurnStatus

#: Rows in one page of a record list on the page, and per read of the streamed document.
PER_PAGE = 50
CHUNK = 500
#: The longest search text taken (longer is cut).
SEARCH_MAX = 100


@dataclass
class Page:
    """One page of a list: its rows, and the cursors of the pages after and before it (``None``: none)."""

    items: list
    after: int | None
    before: int | None


def _like(text: str) -> str:
    escaped = text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
    return f'%{escaped}%'


def _search(text) -> str:
    return text.strip()[:SEARCH_MAX] if isinstance(text, str) else ''


def _page(stmt, keys, first_of, after, before, limit) -> Page:
    """Run ``stmt`` for the page after ``after`` (or before ``before``) in the order of ``keys`` (the last unique,
    the id the cursors are); ``first_of(cursor)`` reads the cursor row's first key in the same statement."""
    forward = before is None or after is not None
    cursor = after if forward else before
    first, last = keys
    if cursor is not None:
        anchor = first_of(cursor)
        if forward:
            stmt = stmt.where(sa.or_(first > anchor, sa.and_(first == anchor, last > cursor)))
        else:
            stmt = stmt.where(sa.or_(first < anchor, sa.and_(first == anchor, last < cursor)))
    order = keys if forward else [k.desc() for k in keys]
    return _cut(list(db.session.execute(stmt.order_by(*order).limit(limit + 1)).all()), forward, cursor, limit)


def _cut(rows, forward: bool, cursor, limit, key=lambda row: row[0].id) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    has_next = more if forward else True
    has_prev = (cursor is not None) if forward else more
    return Page(rows, key(rows[-1]) if has_next else None, key(rows[0]) if has_prev else None)


def sheet(meeting, query='', after=None, before=None, limit=PER_PAGE) -> Page:
    """The sign-in sheet by name: rows ``(attendance, name)``, optionally those whose name holds ``query``."""
    stmt = (
        sa.select(Attendance, User.display_name)
        .join(User, User.id == Attendance.user_id)
        .where(Attendance.meeting_id == meeting.id)
    )
    if query := _search(query):
        stmt = stmt.where(User.display_name.like(_like(query), escape='\\'))
    return _page(stmt, [User.display_name, Attendance.id], _name_of_sign_in, after, before, limit)


def _name_of_sign_in(cursor: int):
    a, u = so.aliased(Attendance), so.aliased(User)
    return sa.select(u.display_name).join(a, a.user_id == u.id).where(a.id == cursor).scalar_subquery()


def sheet_total(meeting) -> int:
    return db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(Attendance.meeting_id == meeting.id))


def transcript(meeting, query='', after=None, before=None, limit=PER_PAGE) -> Page:
    """The transcript by sequence number: rows ``(message, author name)``; optionally those holding ``query``."""
    stmt = (
        sa.select(LiveMessage, User.display_name)
        .join(User, User.id == LiveMessage.author_id)
        .where(LiveMessage.meeting_id == meeting.id)
    )
    if query := _search(query):
        stmt = stmt.where(LiveMessage.hidden_at.is_(None), LiveMessage.body.like(_like(query), escape='\\'))
    forward = before is None or after is not None
    if after is not None:
        stmt = stmt.where(LiveMessage.seq > after)
    elif before is not None:
        stmt = stmt.where(LiveMessage.seq < before)
    order = LiveMessage.seq if forward else LiveMessage.seq.desc()
    rows = list(db.session.execute(stmt.order_by(order).limit(limit + 1)).all())
    return _cut(rows, forward, after if forward else before, limit, key=lambda row: row[0].seq)


def timeline(meeting, since: datetime | None = None, after=None, before=None, limit=PER_PAGE) -> Page:
    """The agenda and procedure by time: rows ``(event, actor name, subject name)``, from ``since`` if given."""
    actor = so.aliased(User)
    subject = so.aliased(User)
    stmt = (
        sa.select(MeetingEvent, actor.display_name, subject.display_name)
        .outerjoin(actor, actor.id == MeetingEvent.actor_id)
        .outerjoin(subject, subject.id == MeetingEvent.subject_id)
        .where(MeetingEvent.meeting_id == meeting.id)
    )
    if since is not None:
        stmt = stmt.where(MeetingEvent.at >= since)
    return _page(stmt, [MeetingEvent.at, MeetingEvent.id], _time_of_event, after, before, limit)


def _time_of_event(cursor: int):
    e = so.aliased(MeetingEvent)
    return sa.select(e.at).where(e.id == cursor).scalar_subquery()


def speakers(meeting, query='', after=None, before=None, limit=PER_PAGE) -> Page:
    """Who was given the floor, by time: rows ``(turn, name or None, capacity)``.

    A speaker is named only with their consent (``Participant.name_public``), as on the public result page;
    otherwise only their capacity is given, and a search by name finds only the named.
    """
    named = sa.case((Participant.name_public.is_(True), User.display_name), else_=None)
    stmt = (
        sa.select(SpeakerTurn, named, Participant.kind)
        .join(User, User.id == SpeakerTurn.user_id)
        .outerjoin(
            Participant, sa.and_(Participant.meeting_id == SpeakerTurn.meeting_id, Participant.user_id == User.id)
        )
        .where(
            SpeakerTurn.meeting_id == meeting.id,
            SpeakerTurn.floor_at.is_not(None),
            SpeakerTurn.status.in_([TurnStatus.SPEAKING, TurnStatus.DONE]),
        )
    )
    if query := _search(query):
        stmt = stmt.where(Participant.name_public.is_(True), User.display_name.like(_like(query), escape='\\'))
    return _page(stmt, [SpeakerTurn.floor_at, SpeakerTurn.id], _floor_of_turn, after, before, limit)


def _floor_of_turn(cursor: int):
    t = so.aliased(SpeakerTurn)
    return sa.select(t.floor_at).where(t.id == cursor).scalar_subquery()


def every(read, meeting, chunk: int = CHUNK, **filters) -> Iterator:
    """Every row of a list, read ``chunk`` rows at a time (the streamed document)."""
    after = None
    while True:
        page = read(meeting, after=after, limit=chunk, **filters)
        yield from page.items
        if page.after is None:
            return
        after = page.after


def sections(meeting) -> list[RecordSection]:
    """What other contexts add to the record (votes: the meeting's votes), by key; none that has nothing to show.

    Plain values, read before the whole record streams; each contribution reads a fixed number of statements.
    """
    return sorted(contributions(meeting_record_sections, meeting.id), key=lambda section: section.key)
