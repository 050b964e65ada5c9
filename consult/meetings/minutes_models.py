"""The signed minutes of a meeting and the corrections appended to them: both append-only."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

#: A correction's text and its reason.
CORRECTION_MAX = 10_000
CORRECTION_REASON_MAX = 1_000

#: How a motion's state reads in the minutes (``MotionLine.status``, from the votes context).
MOTION_STATUS_LABELS = {
    'open': _l('Voting under way'),
    'closed': _l('Vote closed'),
    'cancelled': _l('Vote cancelled'),
}


class SignedMinutes(db.Model):
    """The minutes as the chair signed them off: every section frozen in one canonical JSON document.

    ``sha256`` is the SHA-256 of ``document`` (UTF-8), so the archive can check the document later
    (:func:`consult.meetings.snapshot.verify`). One row per meeting, never changed.
    """

    __tablename__ = 'signed_minutes'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'), unique=True)
    signed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    signed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: The canonical JSON (sorted keys, no spaces, UTF-8 characters as they are): exactly what was hashed.
    document: so.Mapped[str] = so.mapped_column(sa.Text)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))

    signed_by = so.relationship('User', foreign_keys=[signed_by_id])

    def __repr__(self):
        return f'<SignedMinutes meeting={self.meeting_id} {self.sha256[:12]}>'


class MinutesCorrection(db.Model):
    """A correction to signed minutes, appended with its reason (the signed document stays as it was)."""

    __tablename__ = 'minutes_corrections'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)

    author = so.relationship('User', foreign_keys=[author_id])

    __table_args__ = (sa.Index('ix_minutes_corrections_meeting_at', 'meeting_id', 'at', 'id'),)

    def __repr__(self):
        return f'<MinutesCorrection {self.id} meeting={self.meeting_id}>'


@sa.event.listens_for(SignedMinutes, 'before_update')
@sa.event.listens_for(SignedMinutes, 'before_delete')
def _signed_minutes_are_final(mapper, connection, target):
    raise ValueError('signed minutes are archived as they were signed')


@sa.event.listens_for(MinutesCorrection, 'before_update')
@sa.event.listens_for(MinutesCorrection, 'before_delete')
def _corrections_are_append_only(mapper, connection, target):
    raise ValueError('corrections to the minutes are append-only')
