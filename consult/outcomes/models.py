"""Consultation opinions, their appended corrections, and legality checks. Nothing here is deleted."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

TEXT_MAX = 20000
DISSENT_MAX = 50
ENTRY_MAX = 2000
LAW_MAX = 200
REASON_MAX = 2000


class LegalityResult(enum.StrEnum):
    PASS = 'pass'  # noqa: S105 - a result, not a password
    FAIL = 'fail'
    NEEDS_VOTE = 'needs_vote'


RESULT_LABELS = {
    LegalityResult.PASS: _l('Passed: nothing in it conflicts with the law; the result is ready to be published'),
    LegalityResult.FAIL: _l('Failed: it conflicts with a law, regulation or state policy; returned for correction'),
    LegalityResult.NEEDS_VOTE: _l("A matter the residents' meeting must decide by a vote"),
}


class VoteMatter(enum.StrEnum):
    """The matters a vote of the residents' meeting decides, not consultation alone (domain.md rule 3)."""

    ALL_RESIDENTS = 'all_residents'
    COMPACT = 'compact'
    FUND_RAISING = 'fund_raising'
    SUBSIDIES = 'subsidies'
    COMMITTEE_MEMBERS = 'committee_members'


MATTER_LABELS = {
    VoteMatter.ALL_RESIDENTS: _l('An important question involving the interests of all residents'),
    VoteMatter.COMPACT: _l("Making or amending the residents' compact"),
    VoteMatter.FUND_RAISING: _l('Raising funds from residents for a public-welfare project'),
    VoteMatter.SUBSIDIES: _l("Subsidies from the committee's own income"),
    VoteMatter.COMMITTEE_MEMBERS: _l("Removing or by-electing members of the residents' committee"),
}

opinion_votes = sa.Table(
    'opinion_votes',
    db.metadata,
    sa.Column('opinion_id', sa.ForeignKey('opinions.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('vote_id', sa.ForeignKey('votes.id'), primary_key=True),
)


class Opinion(db.Model):
    """The consultation opinion of one round of a topic (domain.md rule 21)."""

    __tablename__ = 'opinions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    #: 1 the first time the topic formed an opinion; one more each time it formed one again after a return.
    round: so.Mapped[int] = so.mapped_column()
    #: Consensus reached; ``None``: not stated yet (a comment period's summary does not say).
    consensus: so.Mapped[bool | None] = so.mapped_column()
    #: Markdown source, as written.
    text: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    #: ``text`` rendered (no raw HTML, nh3 allowlist); safe to output.
    text_html: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    #: Dissenting views, one plain-text entry each.
    dissent: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: Where it came from: the meeting closed with it, or the comment period summarised in it.
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('meetings.id'))
    comment_period_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('comment_periods.id'))
    #: Who formed it (the chair closing the meeting, the staff concluding the comments).
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    edited_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Set by the legality check: the opinion stays as checked; later changes are appended corrections.
    locked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    topic = so.relationship('Topic')
    meeting = so.relationship('Meeting')
    comment_period = so.relationship('CommentPeriod')
    recorded_by = so.relationship('User', foreign_keys=[recorded_by_id])
    edited_by = so.relationship('User', foreign_keys=[edited_by_id])
    votes = so.relationship('Vote', secondary=opinion_votes, order_by='Vote.id')
    corrections = so.relationship('OpinionCorrection', order_by='OpinionCorrection.id', viewonly=True)
    check = so.relationship('LegalityCheck', uselist=False, viewonly=True)

    __table_args__ = (sa.UniqueConstraint('topic_id', 'round'),)

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def complete(self) -> bool:
        """Ready for the legality check: its text written and the consensus stated."""
        return bool((self.text or '').strip()) and self.consensus is not None

    def __repr__(self):
        return f'<Opinion {self.id} topic={self.topic_id} round={self.round}>'


class OpinionCorrection(db.Model):
    """A correction appended to an opinion after its legality check (the opinion itself stays as checked)."""

    __tablename__ = 'opinion_corrections'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    opinion_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('opinions.id', ondelete='CASCADE'), index=True)
    #: Plain text (``clean_text``).
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    by = so.relationship('User')

    def __repr__(self):
        return f'<OpinionCorrection {self.id} opinion={self.opinion_id}>'


class LegalityCheck(db.Model):
    """The legality check of an opinion (domain.md rule 5): one per opinion, recorded with its topic step."""

    __tablename__ = 'legality_checks'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    #: Unique: an opinion is checked once, even when two checks are sent at the same moment.
    opinion_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('opinions.id', ondelete='CASCADE'), unique=True)
    #: A ``LegalityResult``.
    result: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: A ``VoteMatter`` when the matter is one the residents' meeting must decide; ``None`` otherwise.
    matter: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: A failed check: the law, regulation or policy the opinion conflicts with.
    law: so.Mapped[str | None] = so.mapped_column(sa.String(LAW_MAX))
    #: A failed check: what conflicts and how (required); otherwise the checker's note.
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    checked_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    checked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    checked_by = so.relationship('User')

    @property
    def result_label(self) -> str:
        return str(RESULT_LABELS[LegalityResult(self.result)])

    @property
    def matter_label(self) -> str:
        return str(MATTER_LABELS[VoteMatter(self.matter)]) if self.matter else ''

    @property
    def failed(self) -> bool:
        return self.result == LegalityResult.FAIL

    def __repr__(self):
        return f'<LegalityCheck {self.id} opinion={self.opinion_id} {self.result}>'


@sa.event.listens_for(OpinionCorrection, 'before_update')
@sa.event.listens_for(OpinionCorrection, 'before_delete')
@sa.event.listens_for(LegalityCheck, 'before_update')
@sa.event.listens_for(LegalityCheck, 'before_delete')
def _append_only(mapper, connection, target):
    raise ValueError('corrections and legality checks are append-only')
