"""Memberships (claims of residence and their history), imported roster rows and household codes."""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class MembershipStatus(enum.StrEnum):
    PENDING = 'pending'
    VERIFIED = 'verified'
    REJECTED = 'rejected'
    #: Ended by a move to another community, or by staff; history is kept.
    ENDED = 'ended'
    WITHDRAWN = 'withdrawn'


#: How a claim's status reads to its claimant.
STATUS_LABELS = {
    MembershipStatus.PENDING: _l('Waiting for review'),
    MembershipStatus.VERIFIED: _l('Verified'),
    MembershipStatus.REJECTED: _l('Rejected'),
    MembershipStatus.ENDED: _l('Ended'),
    MembershipStatus.WITHDRAWN: _l('Withdrawn'),
}


class VerificationMethod(enum.StrEnum):
    STAFF = 'staff'
    ROSTER = 'roster'
    HOUSEHOLD_CODE = 'household_code'


class Membership(db.Model):
    """A resident's claim to live in a household, and what became of it."""

    __tablename__ = 'memberships'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('households.id'), index=True)
    #: Copied from the household, so community and grid lists need no four-table join.
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    grid_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('grids.id'), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=MembershipStatus.PENDING)
    method: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    claimed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The reason given on rejection; shown to the resident.
    reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    user = so.relationship('User', foreign_keys=[user_id])
    decided_by = so.relationship('User', foreign_keys=[decided_by_id])
    household = so.relationship('Household')
    community = so.relationship('Community')
    grid = so.relationship('Grid')

    __table_args__ = (
        sa.Index('ix_memberships_community_status', 'community_id', 'status'),
        sa.Index('ix_memberships_user_status', 'user_id', 'status'),
        # At most one pending claim and one verified residence per user, even under concurrent requests.
        sa.Index(
            'uq_memberships_one_pending',
            'user_id',
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index(
            'uq_memberships_one_verified',
            'user_id',
            unique=True,
            sqlite_where=sa.text("status = 'verified'"),
            postgresql_where=sa.text("status = 'verified'"),
        ),
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[MembershipStatus(self.status)])

    @property
    def is_pending(self) -> bool:
        """Waiting for the committee's review."""
        return self.status == MembershipStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == MembershipStatus.REJECTED

    @property
    def has_ended(self) -> bool:
        """Ended by a move or by staff (its end date is shown)."""
        return self.status == MembershipStatus.ENDED

    def __repr__(self):
        return f'<Membership {self.id} user={self.user_id} {self.status}>'


class RosterImport(db.Model):
    __tablename__ = 'roster_imports'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'), index=True)
    imported_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    encoding: so.Mapped[str] = so.mapped_column(sa.String(16))
    row_count: so.Mapped[int]
    #: Pending claims that this import verified.
    verified_count: so.Mapped[int] = so.mapped_column(default=0)


class RosterEntry(db.Model):
    """One person on the community's official roster; a claim that matches it verifies itself."""

    __tablename__ = 'roster_entries'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('roster_imports.id'), index=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('households.id'))
    real_name: so.Mapped[str] = so.mapped_column(sa.String(40))
    birth_date: so.Mapped[date] = so.mapped_column(sa.Date)

    __table_args__ = (sa.Index('ix_roster_entries_match', 'household_id', 'real_name', 'birth_date'),)


class HouseholdCode(db.Model):
    """A one-time code (一户一码) handed to a household; only its hash is stored."""

    __tablename__ = 'household_codes'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('households.id'), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    used_by_membership_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('memberships.id'))

    household = so.relationship('Household')
