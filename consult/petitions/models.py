"""Petitions for a residents' meeting and their signatures."""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.db import utcnow

TITLE_MAX = 120
MATTER_MAX = 2000
NOTE_MAX = 2000


class PetitionStatus(enum.StrEnum):
    OPEN = 'open'
    #: The threshold was met: the committee must convene a residents' meeting.
    THRESHOLD_MET = 'threshold_met'
    CONVENED = 'convened'
    #: Reserved for an expiry rule; nothing sets it yet.
    LAPSED = 'lapsed'
    WITHDRAWN = 'withdrawn'


class Petition(db.Model):
    __tablename__ = 'petitions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    #: The matter the meeting should take up; plain text.
    matter: so.Mapped[str] = so.mapped_column(sa.Text)
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=PetitionStatus.OPEN)
    #: The rule set in force when the petition was started.
    rule_set_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    met_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The rule set whose threshold was met (and whose ``review_deadline_days`` set the deadline).
    met_rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    #: ``met_at`` + ``review_deadline_days``: after this second the petition is overdue.
    convene_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: When the committee recorded the meeting, and the meeting's own date and note.
    convened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    convened_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    convened_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    meeting_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Optional link to a consultation topic. No foreign key yet: the topics context is on another branch.
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.Integer)

    community = so.relationship('Community')
    started_by = so.relationship('User', foreign_keys=[started_by_id])

    __table_args__ = (
        sa.Index('ix_petitions_community_created', 'community_id', 'created_at'),
        sa.Index('ix_petitions_queue', 'community_id', 'status', 'convene_due_at'),
    )

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Met, not yet convened, and strictly past the deadline."""
        return (
            self.status == PetitionStatus.THRESHOLD_MET
            and self.convene_due_at is not None
            and (now or utcnow()) > self.convene_due_at
        )

    def __repr__(self):
        return f'<Petition {self.id} community={self.community_id} {self.status}>'


class PetitionSignature(db.Model):
    """One resident's signature; withdrawn signatures are kept with ``withdrawn_at`` set."""

    __tablename__ = 'petition_signatures'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    petition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('petitions.id'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: The signer's household and building when signing (a record; counts use current residence).
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('households.id'))
    building_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('buildings.id'))
    signed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index('ix_petition_signatures_active', 'petition_id', 'withdrawn_at'),
        # One active signature per person and petition, even under concurrent requests.
        sa.Index(
            'uq_petition_signatures_one_active',
            'petition_id',
            'user_id',
            unique=True,
            sqlite_where=sa.text('withdrawn_at IS NULL'),
            postgresql_where=sa.text('withdrawn_at IS NULL'),
        ),
    )

    def __repr__(self):
        return f'<PetitionSignature {self.id} petition={self.petition_id} user={self.user_id}>'
