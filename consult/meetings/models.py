"""Meetings, their agenda, roster, attendance (the sign-in sheet), live messages and speaker turns."""

import enum
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

TITLE_MAX = 120
PLACE_MAX = 200
#: A meeting is scheduled to start at most a day ago (entered late) and at most two years ahead.
STARTS_NOT_BEFORE = timedelta(days=1)
STARTS_NOT_AFTER = timedelta(days=730)
MESSAGE_MAX = 2000
MINUTES_MAX = 100_000
#: The secretary's notes on one agenda item (a summary of its discussion).
ITEM_NOTES_MAX = 20_000
#: Dissenting views in the minutes: how many, how long each, and how long the name of whose view it is.
DISSENTS_MAX = 30
DISSENT_MAX = 2_000
DISSENT_BY_MAX = 120
CLIENT_ID_MAX = 64


class MeetingStatus(enum.StrEnum):
    SCHEDULED = 'scheduled'
    OPEN = 'open'
    CLOSED = 'closed'
    CANCELLED = 'cancelled'


STATUS_LABELS = {
    MeetingStatus.SCHEDULED: _l('Scheduled'),
    MeetingStatus.OPEN: _l('In session'),
    MeetingStatus.CLOSED: _l('Closed'),
    MeetingStatus.CANCELLED: _l('Cancelled'),
}


class MeetingKind(enum.StrEnum):
    """Meeting types; the first four have quorum and approval rules in the rule set (domain.md (c))."""

    RESIDENTS_MEETING = 'residents_meeting'
    REPRESENTATIVES_MEETING = 'representatives_meeting'
    DELIBERATIVE_COUNCIL = 'deliberative_council'
    PARTY_MEMBERS_MEETING = 'party_members_meeting'
    #: A hearing (听证会) or special-topic consultation: no quorum rule, no vote.
    HEARING = 'hearing'


KIND_LABELS = {
    MeetingKind.RESIDENTS_MEETING: _l("Residents' meeting"),
    MeetingKind.REPRESENTATIVES_MEETING: _l("Residents' representative meeting"),
    MeetingKind.DELIBERATIVE_COUNCIL: _l("Residents' deliberative council"),
    MeetingKind.PARTY_MEMBERS_MEETING: _l("Party members' meeting (four deliberations, two disclosures)"),
    MeetingKind.HEARING: _l('Hearing or special-topic consultation (no vote)'),
}


class Outcome(enum.StrEnum):
    CONSENSUS = 'consensus'
    NO_CONSENSUS = 'no_consensus'
    QUORUM_FAILED = 'quorum_failed'


OUTCOME_LABELS = {
    Outcome.CONSENSUS: _l('A consultation opinion was formed'),
    Outcome.NO_CONSENSUS: _l('No consensus: deferred for another round'),
    Outcome.QUORUM_FAILED: _l('Quorum not reached: to be rescheduled'),
}


class ParticipantKind(enum.StrEnum):
    """Participant types (domain.md rules 8, 9, 13): who speaks, who votes."""

    RESIDENT = 'resident'
    HOUSEHOLD_REP = 'household_rep'
    REPRESENTATIVE = 'representative'
    UNIT = 'unit'
    DEPARTMENT = 'department'
    EXPERT = 'expert'
    OBSERVER = 'observer'


KIND_OF_PARTICIPANT_LABELS = {
    ParticipantKind.RESIDENT: _l('Resident'),
    ParticipantKind.HOUSEHOLD_REP: _l('Household representative'),
    ParticipantKind.REPRESENTATIVE: _l("Residents' representative"),
    ParticipantKind.UNIT: _l('Stakeholder unit'),
    ParticipantKind.DEPARTMENT: _l('Department representative'),
    ParticipantKind.EXPERT: _l('Expert (advises, no vote)'),
    ParticipantKind.OBSERVER: _l('Observer (attends, no vote)'),
}

BADGE_LABELS = {
    **{str(k): v for k, v in KIND_OF_PARTICIPANT_LABELS.items()},
    'chair': _l('Chair'),
    'secretary': _l('Secretary'),
    'staff': _l('Committee'),
}
BADGE_LABELS[ParticipantKind.EXPERT] = _l('Expert')
BADGE_LABELS[ParticipantKind.OBSERVER] = _l('Observer')

EVENT_LABELS = {
    'scheduled': _l('Meeting scheduled'),
    'notice_sent': _l('Notice sent'),
    'materials_sent': _l('Materials sent'),
    'roster_built': _l('Roster built from criteria'),
    'participant_added': _l('Added to the roster'),
    'participant_removed': _l('Taken off the roster'),
    'opened': _l('Session opened; roster frozen'),
    'cancelled': _l('Meeting cancelled'),
    'closed': _l('Session closed'),
    'signed_in_qr': _l('Signed in by QR code'),
    'signed_in_staff': _l('Marked present by staff'),
    'signed_in_online': _l('Signed in by joining online'),
    'message_hidden': _l('Message hidden'),
    'floor_given': _l('Floor given'),
    'turn_ended': _l('Turn ended'),
    'muted': _l('Chat muted'),
    'unmuted': _l('Chat unmuted'),
    'item_started': _l('Agenda item started'),
    'minutes_signed': _l('Minutes signed off'),
    'minutes_corrected': _l('Correction appended to the minutes'),
}

#: Kinds that count toward quorum and vote. Experts advise (rule 9); observers attend (rule 13).
VOTING_KINDS = frozenset({ParticipantKind.RESIDENT, ParticipantKind.HOUSEHOLD_REP, ParticipantKind.REPRESENTATIVE})
#: Kinds that may chat freely; observers speak only while they hold the floor (列席).
CHAT_KINDS = frozenset(set(ParticipantKind) - {ParticipantKind.OBSERVER})


class Meeting(db.Model):
    __tablename__ = 'meetings'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id'), index=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    form: so.Mapped[str] = so.mapped_column(sa.String(16))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    place: so.Mapped[str] = so.mapped_column(sa.String(PLACE_MAX), default='')
    chair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    secretary_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=MeetingStatus.SCHEDULED)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The notice (time, place, agenda) was published to the participants; the notice period runs from here.
    notice_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The materials were sent to every participant; the materials period runs from here.
    materials_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    opened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The rule set in force when the meeting opened (its quorum rule is the one applied).
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    #: The consultation opinion or the reason for the outcome, written by the chair at closing.
    conclusion: so.Mapped[str | None] = so.mapped_column(sa.Text)
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Minutes by the secretary (plain text); ``minutes_rev`` guards against overwriting a newer save.
    minutes: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    minutes_rev: so.Mapped[int] = so.mapped_column(default=0, server_default='0')
    #: Dissenting views for the minutes (domain.md rule 21): ``[{"view": ..., "held_by": ...}]``, in order.
    dissents: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: The chair signed the minutes off: from then on they are locked (``signed_minutes`` keeps the document).
    minutes_signed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    minutes_signed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The last live-room sequence number given out (messages and room events share the sequence).
    last_seq: so.Mapped[int] = so.mapped_column(default=0, server_default='0')
    #: The agenda item under way (an id among ``items``; no foreign key, the two tables point at each other).
    current_item_id: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    #: Secret for the rotating sign-in QR code (never shown; codes are HMACs of it).
    checkin_secret: so.Mapped[str] = so.mapped_column(sa.String(64))

    topic = so.relationship('Topic')
    community = so.relationship('Community')
    rule_set = so.relationship('RuleSet')
    chair = so.relationship('User', foreign_keys=[chair_id])
    secretary = so.relationship('User', foreign_keys=[secretary_id])
    items = so.relationship(
        'AgendaItem',
        order_by='AgendaItem.position',
        foreign_keys='AgendaItem.meeting_id',
        cascade='all, delete-orphan',
        back_populates='meeting',
    )
    materials = so.relationship('Material', order_by='Material.id', cascade='all, delete-orphan')

    __table_args__ = (sa.Index('ix_meetings_community_starts', 'community_id', 'starts_at'),)

    @property
    def current_item(self):
        return next((item for item in self.items if item.id == self.current_item_id), None)

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.OPEN

    @property
    def in_session(self) -> bool:
        """The session is open (its room is live)."""
        return self.status == MeetingStatus.OPEN

    @property
    def ahead_or_in_session(self) -> bool:
        """Scheduled or open: neither closed nor cancelled (its room, sign-in and code are in use)."""
        return self.status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)

    @property
    def held(self) -> bool:
        """The session opened (it is open or closed, not scheduled or cancelled): it has minutes."""
        return self.status in (MeetingStatus.OPEN, MeetingStatus.CLOSED)

    @property
    def minutes_signed(self) -> bool:
        """The chair signed the minutes off; they are archived as signed (corrections are appended)."""
        return self.minutes_signed_at is not None

    @property
    def frozen(self) -> bool:
        """The roster is frozen from opening on (domain.md rule 22: quorum against a fixed roster)."""
        return self.status != MeetingStatus.SCHEDULED

    def __repr__(self):
        return f'<Meeting {self.id} topic={self.topic_id} {self.status}>'


class AgendaItem(db.Model):
    __tablename__ = 'agenda_items'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'), index=True)
    position: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    #: The time box, in minutes.
    minutes: so.Mapped[int]
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The secretary's notes for the minutes: a summary of the discussion under this item.
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default='', server_default='')

    meeting = so.relationship('Meeting', foreign_keys=[meeting_id], back_populates='items')


class Material(db.Model):
    """A document for the participants, sent with the notice (domain.md rule 17: 提前通报)."""

    __tablename__ = 'meeting_materials'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    added_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Participant(db.Model):
    """One person on a meeting's roster, with the capacity they take part in."""

    __tablename__ = 'meeting_participants'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: The household the person represents or lives in (for counting by household).
    household_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('households.id'))
    #: Unit or department name for those kinds; empty otherwise.
    organisation: so.Mapped[str] = so.mapped_column(sa.String(120), default='')
    #: ``criteria``, ``added`` (by staff) or ``request`` (an approved request to join).
    source: so.Mapped[str] = so.mapped_column(sa.String(16))
    added_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The chair muted this participant's chat (with a reason, kept for the record).
    muted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    mute_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The person consented, when joining, to be named in published minutes and results; otherwise the public
    #: record names them by their capacity only (domain.md rule 43, Personal Information Protection Law art 13).
    name_public: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    user = so.relationship('User', foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint('meeting_id', 'user_id'),)

    @property
    def can_vote(self) -> bool:
        return self.kind in VOTING_KINDS


class JoinStatus(enum.StrEnum):
    PENDING = 'pending'
    APPROVED = 'approved'
    REFUSED = 'refused'


class JoinRequest(db.Model):
    """A resident outside the roster's criteria asks to take part; staff approve or refuse with a reason."""

    __tablename__ = 'meeting_join_requests'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=JoinStatus.PENDING)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decision_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    user = so.relationship('User', foreign_keys=[user_id])

    @property
    def is_pending(self) -> bool:
        """Waiting for the committee's decision."""
        return self.status == JoinStatus.PENDING

    @property
    def was_refused(self) -> bool:
        return self.status == JoinStatus.REFUSED

    __table_args__ = (
        sa.Index(
            'uq_meeting_join_requests_one_pending',
            'meeting_id',
            'user_id',
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


class CheckinMethod(enum.StrEnum):
    QR = 'qr'
    STAFF = 'staff'
    ONLINE = 'online'


class Attendance(db.Model):
    """The sign-in sheet (签到表): one row per participant who attended, however they signed in."""

    __tablename__ = 'meeting_attendance'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    method: so.Mapped[str] = so.mapped_column(sa.String(16))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Staff who marked the attendance (method ``staff``).
    marked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))

    user = so.relationship('User', foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint('meeting_id', 'user_id'),)


class LiveMessage(db.Model):
    """A chat message in the live room. Hidden messages stay (the archive keeps them)."""

    __tablename__ = 'meeting_messages'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    seq: so.Mapped[int]
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The sender's own id for the message, so a resend after a reconnect is not stored twice.
    client_id: so.Mapped[str] = so.mapped_column(sa.String(CLIENT_ID_MAX))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('agenda_items.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    hidden_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    hidden_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    author = so.relationship('User', foreign_keys=[author_id])

    __table_args__ = (
        sa.UniqueConstraint('meeting_id', 'seq'),
        sa.UniqueConstraint('meeting_id', 'author_id', 'client_id'),
    )


class TurnStatus(enum.StrEnum):
    WAITING = 'waiting'
    SPEAKING = 'speaking'
    DONE = 'done'
    WITHDRAWN = 'withdrawn'


class SpeakerTurn(db.Model):
    """A raised hand, and the turn it becomes when the chair gives the floor."""

    __tablename__ = 'meeting_turns'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=TurnStatus.WAITING)
    raised_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    floor_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The end of the speaker's time box.
    ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The agenda item under way when the floor was given (for the minutes' list of speakers).
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('agenda_items.id'))

    user = so.relationship('User', foreign_keys=[user_id])

    __table_args__ = (
        sa.Index('ix_meeting_turns_meeting_status', 'meeting_id', 'status', 'raised_at'),
        sa.Index(
            'uq_meeting_turns_one_open',
            'meeting_id',
            'user_id',
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'speaking')"),
            postgresql_where=sa.text("status IN ('waiting', 'speaking')"),
        ),
    )


class MeetingEvent(db.Model):
    """The meeting's record (agenda timeline, floor, moderation, sign-in): append-only."""

    __tablename__ = 'meeting_events'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    subject_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    detail: so.Mapped[str] = so.mapped_column(sa.Text, default='')

    actor = so.relationship('User', foreign_keys=[actor_id])
    subject = so.relationship('User', foreign_keys=[subject_id])

    __table_args__ = (sa.Index('ix_meeting_events_meeting_at', 'meeting_id', 'at', 'id'),)


@sa.event.listens_for(MeetingEvent, 'before_update')
@sa.event.listens_for(MeetingEvent, 'before_delete')
def _record_is_append_only(mapper, connection, target):
    raise ValueError('the meeting record is append-only')


class Presence(db.Model):
    """Who is in the live room now, one row per socket, shared by every server process."""

    __tablename__ = 'meeting_presence'

    sid: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('meetings.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Since when this socket is in the meeting's video call (``video.py``); none: not in the call.
    in_call_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (sa.Index('ix_meeting_presence_meeting', 'meeting_id', 'seen_at'),)
