"""Votes, their options and electorate, the sealed box, and what the close writes (counted ballots, receipts)."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

TITLE_MAX = 200
QUESTION_MAX = 5000
OPTION_MAX = 200
MAX_OPTIONS = 30
RECEIPT_LENGTH = 19  # XXXX-XXXX-XXXX-XXXX


class VoteKind(enum.StrEnum):
    MOTION = 'motion'
    SINGLE = 'single'
    MULTIPLE = 'multiple'
    RANKED = 'ranked'


KIND_LABELS = {
    VoteKind.MOTION: _l('Motion: for, against, abstain'),
    VoteKind.SINGLE: _l('Single choice'),
    VoteKind.MULTIPLE: _l('Multiple choice, up to a maximum'),
    VoteKind.RANKED: _l('Ranked choice (instant runoff)'),
}

#: A motion's three options, in this order (their positions are what ballots hold).
MOTION_OPTIONS = (_l('For'), _l('Against'), _l('Abstain'))


class VoteStatus(enum.StrEnum):
    DRAFT = 'draft'
    OPEN = 'open'
    CLOSED = 'closed'
    CANCELLED = 'cancelled'


STATUS_LABELS = {
    VoteStatus.DRAFT: _l('Being prepared'),
    VoteStatus.OPEN: _l('Voting open'),
    VoteStatus.CLOSED: _l('Closed and counted'),
    VoteStatus.CANCELLED: _l('Cancelled'),
}


class Channel(enum.StrEnum):
    """How a ballot was cast. One ballot per elector across every channel."""

    ONLINE = 'online'
    ROOM = 'room'
    PAPER = 'paper'
    HAND = 'hand'


CHANNEL_LABELS = {
    Channel.ONLINE: _l('on the vote page'),
    Channel.ROOM: _l('in the live room'),
    Channel.PAPER: _l('on paper, on site'),
    Channel.HAND: _l('by show of hands, on site'),
}
ONLINE_CHANNELS = frozenset({Channel.ONLINE, Channel.ROOM})
ONSITE_CHANNELS = frozenset({Channel.PAPER, Channel.HAND})


class Vote(db.Model):
    __tablename__ = 'votes'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id'), index=True)
    #: The meeting it is held in; ``None``: a standalone online vote (an online residents' meeting vote).
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('meetings.id'), index=True)
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('agenda_items.id'))
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    question: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: Multiple choice: at most this many options per ballot (1 otherwise).
    max_choices: so.Mapped[int] = so.mapped_column(default=1)
    #: Secret ballot; ``False``: an open (roll-call) vote whose ballots are published with the voters' names.
    secret: so.Mapped[bool] = so.mapped_column(default=True)
    #: The vote a topic PENDING_VOTE needs (a residents' or representatives' meeting decides the matter).
    decides: so.Mapped[bool] = so.mapped_column(default=False)
    #: Whose quorum and approval rules apply: a meeting type of the rule set (``residents_meeting`` ...).
    rule_kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: A standalone vote's electorate criteria (``adults``, ``households``, ``representatives``); ``roster``
    #: for a meeting vote (the frozen roster's voters).
    electorate_mode: so.Mapped[str] = so.mapped_column(sa.String(16))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=VoteStatus.DRAFT, index=True)
    #: A standalone vote opens and closes at these times without anyone pressing a button.
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: A meeting's vote: how many minutes it stays open once the chair opens it.
    minutes: so.Mapped[int | None] = so.mapped_column()
    opened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The rule set in force at opening: its quorum and approval are the ones applied at the close.
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    #: Written proxies may be registered (the rule set enables them for this kind of meeting).
    proxies_allowed: so.Mapped[bool] = so.mapped_column(default=False)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Random salt of the ballot box's sealing key (the key itself is derived from the server's secret).
    box_salt: so.Mapped[str] = so.mapped_column(sa.String(64), default='')
    #: Size of the frozen electorate (heads); set at opening.
    electorate_size: so.Mapped[int] = so.mapped_column(default=0, server_default='0')
    #: The count, set once at the close: tally, decision and the bases (JSON; ``None`` before).
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    #: The close's published tie-break seed: SHA-256 of the sorted receipt list (hex).
    seed: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    quorum_met: so.Mapped[bool | None] = so.mapped_column()
    adopted: so.Mapped[bool | None] = so.mapped_column()

    community = so.relationship('Community')
    topic = so.relationship('Topic')
    meeting = so.relationship('Meeting')
    rule_set = so.relationship('RuleSet')
    created_by = so.relationship('User', foreign_keys=[created_by_id])
    options = so.relationship('VoteOption', order_by='VoteOption.position', cascade='all, delete-orphan')

    __table_args__ = (sa.Index('ix_votes_status_closes', 'status', 'closes_at'),)

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == VoteStatus.CLOSED

    @property
    def is_draft(self) -> bool:
        """Prepared, not opened yet."""
        return self.status == VoteStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == VoteStatus.CANCELLED

    def __repr__(self):
        return f'<Vote {self.id} {self.kind} {self.status}>'


class VoteOption(db.Model):
    __tablename__ = 'vote_options'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'))
    #: 0-based; ballots hold positions.
    position: so.Mapped[int]
    label: so.Mapped[str] = so.mapped_column(sa.String(OPTION_MAX))

    __table_args__ = (sa.UniqueConstraint('vote_id', 'position'),)


class Elector(db.Model):
    """One member of a vote's frozen electorate, and whether (and how) they voted. Never what they chose."""

    __tablename__ = 'vote_electors'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    household_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('households.id'))
    #: Counting by weight: e.g. the household's floor area in square metres (1 unless imported).
    weight: so.Mapped[int] = so.mapped_column(default=1)
    #: How this elector's one ballot was cast (``Channel``); ``None``: not yet.
    voted_via: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    #: A written proxy: this person casts the elector's ballot (registered by staff before opening).
    proxy_holder_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: HMAC of the sender's own id for the ballot (``client_id``) under the box key: a resend of the same ballot
    #: whose answer was lost gets its receipt again. Says nothing without the key and that id (README, "Votes").
    resend_tag: so.Mapped[str | None] = so.mapped_column(sa.String(32))

    user = so.relationship('User', foreign_keys=[user_id])
    proxy_holder = so.relationship('User', foreign_keys=[proxy_holder_id])

    __table_args__ = (sa.UniqueConstraint('vote_id', 'user_id'),)


class SealedBallot(db.Model):
    """A ballot in the box while the vote is open: sealed (AES-GCM), no voter, no time, a random key.

    Deleted at the close, once its contents were written unlinked (``CountedBallot``, ``Receipt``).
    """

    __tablename__ = 'vote_sealed_ballots'

    #: Random (``secrets.token_hex``), not a sequence: no order of casting is kept.
    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'), index=True)
    sealed: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


class CountedBallot(db.Model):
    """A counted choice, written at the close in random order (``position`` is the shuffle's, not the casting's)."""

    __tablename__ = 'vote_counted_ballots'

    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'), primary_key=True)
    position: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    #: Option positions: one, several, or a ranking; empty for a blank ballot.
    choice: so.Mapped[list] = so.mapped_column(sa.JSON)
    weight: so.Mapped[int] = so.mapped_column(default=1)
    #: An open (roll-call) vote only: who cast it. Always ``None`` in a secret vote.
    voter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: Open votes only: the channel (a secret ballot keeps none).
    channel: so.Mapped[str | None] = so.mapped_column(sa.String(8))

    voter = so.relationship('User', foreign_keys=[voter_id])


class Receipt(db.Model):
    """A counted ballot's receipt code, written at the close in sorted order, apart from every choice."""

    __tablename__ = 'vote_receipts'

    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'), primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(RECEIPT_LENGTH), primary_key=True)


class ProxyStatus(enum.StrEnum):
    #: Registered while the vote is being prepared.
    REGISTERED = 'registered'
    #: Applied at the opening: the holder casts the principal's ballot (``Elector.proxy_holder_id``).
    APPLIED = 'applied'
    #: Withdrawn by staff before the opening (the principal revoked it, or it was entered by mistake).
    REVOKED = 'revoked'
    #: Not applied at the opening: the principal or the holder was not in the frozen electorate, or the rule set
    #: in force at the opening no longer allows it.
    DROPPED = 'dropped'


PROXY_STATUS_LABELS = {
    ProxyStatus.REGISTERED: _l('Registered'),
    ProxyStatus.APPLIED: _l('In force'),
    ProxyStatus.REVOKED: _l('Withdrawn'),
    ProxyStatus.DROPPED: _l('Not applied'),
}
#: The proxies that count against a holder's cap and stop a principal from giving a second one.
LIVE_PROXY = (ProxyStatus.REGISTERED, ProxyStatus.APPLIED)
PROXY_DOCUMENT_MAX = 500


class VoteProxy(db.Model):
    """A written proxy (委托书) for one vote, registered by the committee before it opens."""

    __tablename__ = 'vote_proxies'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('votes.id', ondelete='CASCADE'), index=True)
    #: The elector who gives the proxy (and does not vote himself).
    principal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The elector who casts the principal's ballot.
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: The written document: what it is, its date, where the paper is kept.
    document: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=ProxyStatus.REGISTERED)
    registered_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    registered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Withdrawn or dropped: when, by whom (``None``: the system, at the opening), and why.
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    principal = so.relationship('User', foreign_keys=[principal_id])
    holder = so.relationship('User', foreign_keys=[holder_id])
    registered_by = so.relationship('User', foreign_keys=[registered_by_id])

    __table_args__ = (
        sa.Index(
            'uq_vote_proxies_one_per_principal',
            'vote_id',
            'principal_id',
            unique=True,
            sqlite_where=sa.text("status IN ('registered', 'applied')"),
            postgresql_where=sa.text("status IN ('registered', 'applied')"),
        ),
    )

    @property
    def withdrawable(self) -> bool:
        """Registered and not yet applied: the committee may still withdraw it (while the vote is prepared)."""
        return self.status == ProxyStatus.REGISTERED

    def __repr__(self):
        return f'<VoteProxy {self.id} {self.principal_id}->{self.holder_id} {self.status}>'


from . import onsite_models  # noqa: E402,F401 - the on-site record's table is known wherever the votes' are
