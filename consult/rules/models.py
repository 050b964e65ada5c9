"""Versioned rule sets. A version is never edited once in force: a change is a new version."""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow
from consult.rules.defaults import number_value
from consult.rules.engine import Threshold


class RuleSetStatus(enum.StrEnum):
    #: Proposed by the committee director, waiting for the Party organisation's confirmation.
    PROPOSED = 'proposed'
    #: Confirmed: in force from ``effective_from`` until a later version takes over.
    CONFIRMED = 'confirmed'
    #: Turned down by the Party organisation (reason kept).
    DECLINED = 'declined'


#: How a version's status reads on the rules pages.
STATUS_LABELS = {
    RuleSetStatus.PROPOSED: _l('Proposed, waiting for confirmation'),
    RuleSetStatus.CONFIRMED: _l('Confirmed'),
    RuleSetStatus.DECLINED: _l('Declined'),
}


class RuleSet(db.Model):
    __tablename__ = 'rule_sets'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    #: 1, 2, 3... per community, in order of proposal.
    version: so.Mapped[int]
    effective_from: so.Mapped[date] = so.mapped_column(sa.Date)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=RuleSetStatus.PROPOSED)
    #: Categories, exclusions, numbers and thresholds; see ``consult.rules.defaults.default_params``.
    params: so.Mapped[dict] = so.mapped_column(sa.JSON)
    #: Why this version was made (shown publicly with the change).
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    proposed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decision_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    community = so.relationship('Community')
    proposed_by = so.relationship('User', foreign_keys=[proposed_by_id])
    decided_by = so.relationship('User', foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.UniqueConstraint('community_id', 'version'),
        sa.Index('ix_rule_sets_in_force', 'community_id', 'status', 'effective_from'),
    )

    def number(self, key: str) -> int:
        return number_value(self.params, key)

    @property
    def categories(self) -> list[str]:
        return list(self.params['categories']) + list(self.params.get('work_items', []))

    @property
    def cosign_threshold(self) -> Threshold:
        return Threshold.from_list(self.params['cosign'])

    @property
    def petition_threshold(self) -> Threshold:
        return Threshold.from_list(self.params['petition'])

    def meeting_rule(self, meeting_type: str, which: str) -> Threshold:
        """The ``quorum`` or ``approval`` threshold of a meeting type."""
        return Threshold.from_list(self.params['meetings'][meeting_type][which])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[RuleSetStatus(self.status)])

    @property
    def is_proposed(self) -> bool:
        """Waiting for the Party organisation's decision."""
        return self.status == RuleSetStatus.PROPOSED

    @property
    def is_confirmed(self) -> bool:
        return self.status == RuleSetStatus.CONFIRMED

    def __repr__(self):
        return f'<RuleSet {self.id} community={self.community_id} v{self.version} {self.status}>'
