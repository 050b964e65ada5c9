"""Topics, their timeline and co-signs.

``Topic.status`` is changed only by :mod:`consult.topics.states`.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class TopicStatus(enum.StrEnum):
    """The states of domain.md (b); implemented up to LEGALITY_REVIEWED and CLOSED_NOT_ADOPTED (the result ready to
    be published: its publication is the next step)."""

    DRAFT = 'draft'
    SUBMITTED = 'submitted'
    REJECTED = 'rejected'
    REDIRECTED = 'redirected'
    MERGED = 'merged'
    SCREENING = 'screening'
    ESCALATED = 'escalated'
    ANNOUNCED = 'announced'
    IN_CONSULTATION = 'in_consultation'
    OPINION_FORMED = 'opinion_formed'
    DEFERRED = 'deferred'
    LEGALITY_REVIEWED = 'legality_reviewed'
    RETURNED = 'returned'
    PENDING_VOTE = 'pending_vote'
    CLOSED_NOT_ADOPTED = 'closed_not_adopted'
    RESULT_PUBLISHED = 'result_published'
    REPORTED_TO_GOV = 'reported_to_gov'
    IMPLEMENTING = 'implementing'
    FEEDBACK_GIVEN = 'feedback_given'
    ARCHIVED = 'archived'
    WITHDRAWN = 'withdrawn'


#: A topic whose result was published, and every state after it (domain.md (b)).
PUBLISHED_STATUSES = frozenset(
    {
        TopicStatus.RESULT_PUBLISHED,
        TopicStatus.REPORTED_TO_GOV,
        TopicStatus.IMPLEMENTING,
        TopicStatus.FEEDBACK_GIVEN,
        TopicStatus.ARCHIVED,
    }
)
STATUS_LABELS = {
    TopicStatus.DRAFT: _l('Draft'),
    TopicStatus.SUBMITTED: _l('Submitted, awaiting admissibility review'),
    TopicStatus.REJECTED: _l('Not accepted'),
    TopicStatus.REDIRECTED: _l('Redirected to a department'),
    TopicStatus.MERGED: _l('Merged'),
    TopicStatus.SCREENING: _l('Topic selection, awaiting Party organisation approval'),
    TopicStatus.ESCALATED: _l('Escalated to the joint Party committee'),
    TopicStatus.ANNOUNCED: _l('Topic announced'),
    TopicStatus.IN_CONSULTATION: _l('In consultation'),
    TopicStatus.OPINION_FORMED: _l('Consultation opinion formed, awaiting the legality check'),
    TopicStatus.DEFERRED: _l('Deferred'),
    TopicStatus.LEGALITY_REVIEWED: _l('Legality check passed, result to be published'),
    TopicStatus.RETURNED: _l('Failed the legality check, returned to be consulted again'),
    TopicStatus.PENDING_VOTE: _l("Awaiting the vote of the residents' meeting"),
    TopicStatus.CLOSED_NOT_ADOPTED: _l('Not adopted by the vote, result to be published'),
    TopicStatus.RESULT_PUBLISHED: _l('Result disclosure'),
    TopicStatus.REPORTED_TO_GOV: _l('Reported to the entrusting department'),
    TopicStatus.IMPLEMENTING: _l('Implementation'),
    TopicStatus.FEEDBACK_GIVEN: _l('Feedback given'),
    TopicStatus.ARCHIVED: _l('Archived'),
    TopicStatus.WITHDRAWN: _l('Withdrawn'),
}


class SourceChannel(enum.StrEnum):
    """How the matter reached the committee (domain.md rule 14)."""

    ONLINE = 'online'
    COUNTER = 'counter'
    HOTLINE = 'hotline'
    GRID_PATROL = 'grid_patrol'
    ONSITE_COLLECTION = 'onsite_collection'
    DEPARTMENT = 'department'
    DEPUTY_LIAISON = 'deputy_liaison'


CHANNEL_LABELS = {
    SourceChannel.ONLINE: _l('Online, by the resident'),
    SourceChannel.COUNTER: _l("At the committee's counter"),
    SourceChannel.HOTLINE: _l('12345 hotline'),
    SourceChannel.GRID_PATROL: _l("Grid worker's patrol"),
    SourceChannel.ONSITE_COLLECTION: _l('On-site topic collection'),
    SourceChannel.DEPARTMENT: _l('Entrusted by a city department'),
    SourceChannel.DEPUTY_LIAISON: _l('NPC deputy liaison station'),
}


class ConsultationForm(enum.StrEnum):
    """Art 12: on-site, online or video conference; mixed forms are allowed (domain.md rule 18)."""

    ONSITE = 'onsite'
    ONLINE = 'online'
    VIDEO = 'video'
    HYBRID = 'hybrid'


FORM_LABELS = {
    ConsultationForm.ONSITE: _l('On-site consultation'),
    ConsultationForm.ONLINE: _l('Online consultation'),
    ConsultationForm.VIDEO: _l('Video-conference consultation'),
    ConsultationForm.HYBRID: _l('Mixed (on-site with online or video)'),
}


class AreaKind(enum.StrEnum):
    COMMUNITY = 'community'
    GRIDS = 'grids'
    BUILDINGS = 'buildings'


AREA_LABELS = {
    AreaKind.COMMUNITY: _l('The whole community'),
    AreaKind.GRIDS: _l('Chosen grids'),
    AreaKind.BUILDINGS: _l('Chosen buildings'),
}


topic_grids = sa.Table(
    'topic_grids',
    db.metadata,
    sa.Column('topic_id', sa.ForeignKey('topics.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('grid_id', sa.ForeignKey('grids.id'), primary_key=True),
)

topic_buildings = sa.Table(
    'topic_buildings',
    db.metadata,
    sa.Column('topic_id', sa.ForeignKey('topics.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('building_id', sa.ForeignKey('buildings.id'), primary_key=True),
)


class Topic(db.Model):
    __tablename__ = 'topics'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'))
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: Markdown source, as written.
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: ``body`` rendered by markdown-it (no raw HTML) and cleaned by nh3; safe to output.
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The submitter declared the matter is none of the excluded types (domain.md rule 6).
    declared_not_excluded: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: Set by staff: the exclusion (``consult.rules.defaults.EXCLUSIONS``) the matter falls under.
    exclusion_code: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: Private matters (personal information) never appear publicly.
    public: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    area_kind: so.Mapped[str] = so.mapped_column(sa.String(16), default=AreaKind.COMMUNITY)
    source_channel: so.Mapped[str] = so.mapped_column(sa.String(24))
    #: Who typed it in (a resident, grid worker, staff, department or deputy account).
    submitted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    #: The resident on whose behalf it was submitted; the submitter when they submit for themselves.
    originator_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    entrusting_department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('departments.id'))
    status: so.Mapped[str] = so.mapped_column(sa.String(24), default=TopicStatus.DRAFT)
    #: Rule set version in force at submission (each step's version is on its TopicEvent).
    submitted_rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: When the topic entered the admissibility review queue (staff channels at once, residents at the threshold).
    queued_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    review_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    announced_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    publicity_ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('topics.id'))
    #: Set on escalation: the central community whose joint Party committee confirms the topic.
    escalated_to_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('central_communities.id'))
    consultation_form: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    form_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    participant_scope: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The last refusal reason (rejection), shown with the redirect.
    decision_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Active co-signs, counted from the table by the co-sign operations once they hold the row lock.
    cosign_count: so.Mapped[int] = so.mapped_column(default=0, server_default='0')

    community = so.relationship('Community')
    submitted_by = so.relationship('User', foreign_keys=[submitted_by_id])
    originator = so.relationship('User', foreign_keys=[originator_id])
    entrusting_department = so.relationship('Department')
    merged_into = so.relationship('Topic', remote_side=[id])
    #: Category codes from the rule set in force (national categories and the work-item list).
    category_links = so.relationship('TopicCategory', cascade='all, delete-orphan', order_by='TopicCategory.code')
    grids = so.relationship('Grid', secondary=topic_grids, order_by='Grid.name')
    buildings = so.relationship('Building', secondary=topic_buildings, order_by='Building.name')

    __table_args__ = (
        sa.Index('ix_topics_status_created', 'status', 'created_at'),
        sa.Index('ix_topics_community_status', 'community_id', 'status', 'created_at'),
        sa.Index('ix_topics_public_status_announced', 'public', 'status', 'announced_at'),
        sa.Index('ix_topics_review_queue', 'community_id', 'status', 'queued_at'),
        # The public list: newest first among public topics, walked in index order and stopped at the page.
        sa.Index('ix_topics_public_created', 'public', 'created_at', 'id'),
    )

    @property
    def categories(self) -> list[str]:
        return [link.code for link in self.category_links]

    @categories.setter
    def categories(self, codes) -> None:
        wanted = list(dict.fromkeys(codes))
        kept = {link.code: link for link in self.category_links if link.code in wanted}
        self.category_links = [kept.get(code) or TopicCategory(code=code) for code in wanted]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[TopicStatus(self.status)])

    @property
    def result_published(self) -> bool:
        """Its result was published (the public result page exists), or it went further."""
        return self.status in PUBLISHED_STATUSES

    @property
    def turned_down(self) -> bool:
        """Not accepted, not confirmed, or withdrawn: the topic page shows the reason."""
        return self.status in (TopicStatus.REJECTED, TopicStatus.WITHDRAWN)

    @property
    def is_redirected(self) -> bool:
        """Redirected to a city department (a whistle signed off): the page shows the ticket."""
        return self.status == TopicStatus.REDIRECTED

    @property
    def is_merged(self) -> bool:
        return self.status == TopicStatus.MERGED

    @property
    def in_publicity(self) -> bool:
        """Announced and not yet in consultation: the page shows the announcement."""
        return self.status == TopicStatus.ANNOUNCED

    @property
    def collects_cosigns(self) -> bool:
        """Submitted: residents co-sign it until it enters the review queue (the page shows the count)."""
        return self.status == TopicStatus.SUBMITTED

    def __repr__(self):
        return f'<Topic {self.id} {self.status} community={self.community_id}>'


class TopicCategory(db.Model):
    """One row per (topic, category) so the public list can filter by category with an index."""

    __tablename__ = 'topic_categories'

    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)

    __table_args__ = (sa.Index('ix_topic_categories_code', 'code', 'topic_id'),)


class TopicEvent(db.Model):
    """The topic's timeline: append-only, one row per step."""

    __tablename__ = 'topic_events'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    #: None for the system (e.g. the co-sign threshold reached).
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    #: The role the actor acted in (a code of ``ROLE_LABELS``, or ``resident``/``submitter``/``system``).
    actor_role: so.Mapped[str] = so.mapped_column(sa.String(32))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    from_status: so.Mapped[str] = so.mapped_column(sa.String(24))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(24))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    #: The rule set version in force when the step happened.
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))

    actor = so.relationship('User')
    rule_set = so.relationship('RuleSet')

    __table_args__ = (sa.Index('ix_topic_events_topic_at', 'topic_id', 'at', 'id'),)

    def __repr__(self):
        return f'<TopicEvent {self.id} {self.action} {self.from_status}->{self.to_status}>'


@sa.event.listens_for(TopicEvent, 'before_update')
@sa.event.listens_for(TopicEvent, 'before_delete')
def _timeline_is_append_only(mapper, connection, target):
    raise ValueError('the topic timeline is append-only')


class CoSign(db.Model):
    __tablename__ = 'cosigns'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user = so.relationship('User')

    __table_args__ = (
        sa.Index('ix_cosigns_topic_active', 'topic_id', 'withdrawn_at'),
        # At most one active co-sign per user and topic, even under concurrent requests.
        sa.Index(
            'uq_cosigns_one_active',
            'topic_id',
            'user_id',
            unique=True,
            sqlite_where=sa.text('withdrawn_at IS NULL'),
            postgresql_where=sa.text('withdrawn_at IS NULL'),
        ),
    )

    def __repr__(self):
        return f'<CoSign {self.id} topic={self.topic_id} user={self.user_id}>'
