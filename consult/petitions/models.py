"""Petitions for a residents' meeting and their signatures."""

import enum
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow
from consult.rules.defaults import number_value

TITLE_MAX = 120
MATTER_MAX = 2000
NOTE_MAX = 2000


class PetitionStatus(enum.StrEnum):
    OPEN = 'open'
    #: The threshold was met: the committee must convene a residents' meeting.
    THRESHOLD_MET = 'threshold_met'
    CONVENED = 'convened'
    #: Not met within the rules' ``petition_lapse_days`` (see :meth:`Petition.lapse_due`).
    LAPSED = 'lapsed'
    WITHDRAWN = 'withdrawn'


def lapse_days(params: dict) -> int:
    """``petition_lapse_days`` of a rule set's params; rule sets stored before the key existed use the default."""
    return number_value(params, 'petition_lapse_days')


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
    #: The topic of the same community that put the matter on the meeting's agenda (set when convened).
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='SET NULL'))
    lapsed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    community = so.relationship('Community')
    started_by = so.relationship('User', foreign_keys=[started_by_id])
    #: The rule set in force at the start: its ``petition_lapse_days`` fixes when an unmet petition lapses.
    rule_set = so.relationship('RuleSet', foreign_keys=[rule_set_id])
    topic = so.relationship('Topic')

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

    @property
    def lapses_at(self) -> datetime:
        """The last second an open petition may still meet its threshold: start + the start rules' lapse days."""
        return self.created_at + timedelta(days=lapse_days(self.rule_set.params))

    def lapse_due(self, now: datetime | None = None) -> bool:
        """Open and strictly past :attr:`lapses_at` (the lapse second itself is still open)."""
        return self.status == PetitionStatus.OPEN and (now or utcnow()) > self.lapses_at

    def current_status(self, now: datetime | None = None) -> str:
        """The status as of ``now``: an open petition past its lapse second reads as lapsed before it is stored."""
        return PetitionStatus.LAPSED if self.lapse_due(now) else self.status

    @property
    def is_open(self) -> bool:
        """Collecting signatures (its lapse date is shown)."""
        return self.status == PetitionStatus.OPEN

    @property
    def awaits_meeting(self) -> bool:
        """Its threshold was met: the committee must convene a residents' meeting."""
        return self.status == PetitionStatus.THRESHOLD_MET

    @property
    def was_convened(self) -> bool:
        """The committee recorded the residents' meeting (shown with its note and topic)."""
        return self.status == PetitionStatus.CONVENED

    @property
    def has_lapsed(self) -> bool:
        """Stored as lapsed: the threshold was not met in time."""
        return self.status == PetitionStatus.LAPSED

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
