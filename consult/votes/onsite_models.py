"""The on-site record of a vote: counts and roll-call choices entered by staff, each confirmed by a second one.

Append-only: an entry is never changed or deleted (the ORM refuses it, as for the meeting's record); a
correction is a new entry that supersedes the previous one, with its reason. The only columns ever written
after the insert are the confirmation's (``confirmed_by_id``, ``confirmed_at``), once, by the conditional
``UPDATE ... WHERE confirmed_by_id IS NULL AND entered_by_id <> :confirmer`` of ``onsite.confirm_entry`` (a
bulk statement: the ORM's update guard does not see it).
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

REASON_MAX = 1000


class EntryKind(enum.StrEnum):
    #: A secret vote: the aggregate count of the on-site ballots, per option, and the blank ones.
    COUNT = 'count'
    #: An open (roll-call) vote: one on-site voter's choice, by name.
    PERSON = 'person'


class OnsiteEntry(db.Model):
    __tablename__ = 'vote_onsite_entries'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    #: A count: the ballots per option, in the options' order.
    counts: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    #: A count: the blank ballots.
    blank: so.Mapped[int] = so.mapped_column(default=0)
    #: A count: the ballots that are not blank (a multiple-choice ballot marks several options).
    ballots: so.Mapped[int] = so.mapped_column(default=0)
    #: A roll-call entry: the voter (an elector of the vote), the choice (option positions) and the channel.
    voter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    choice: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    channel: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    #: The entry this one corrects; it stays, superseded (at most one correction each: the chain is a line).
    supersedes_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('vote_onsite_entries.id'), unique=True)
    #: Why a correction was made (empty for a first entry).
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    entered_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    entered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Set once, by a second staff member (never the one who entered it).
    confirmed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    voter = so.relationship('User', foreign_keys=[voter_id])
    entered_by = so.relationship('User', foreign_keys=[entered_by_id])
    confirmed_by = so.relationship('User', foreign_keys=[confirmed_by_id])

    __table_args__ = (
        # One first entry per chain: the vote's count, or a voter's roll-call choice; later ones are corrections.
        sa.Index(
            'uq_vote_onsite_entries_first_count',
            'vote_id',
            unique=True,
            sqlite_where=sa.text("kind = 'count' AND supersedes_id IS NULL"),
            postgresql_where=sa.text("kind = 'count' AND supersedes_id IS NULL"),
        ),
        sa.Index(
            'uq_vote_onsite_entries_first_person',
            'vote_id',
            'voter_id',
            unique=True,
            sqlite_where=sa.text("kind = 'person' AND supersedes_id IS NULL"),
            postgresql_where=sa.text("kind = 'person' AND supersedes_id IS NULL"),
        ),
    )

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by_id is not None

    def __repr__(self):
        return f'<OnsiteEntry {self.id} {self.kind} vote {self.vote_id}>'


@sa.event.listens_for(OnsiteEntry, 'before_update')
@sa.event.listens_for(OnsiteEntry, 'before_delete')
def _record_is_append_only(mapper, connection, target):
    raise ValueError('the on-site record of a vote is append-only')
