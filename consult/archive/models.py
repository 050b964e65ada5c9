"""The archive's rows: a topic's archive file, the waivers of missing bundle items, appraisals and the
destruction register (销毁清册). Nothing here is ever deleted, and no row of another context is ever deleted
because of it: a destroyed record keeps its rows, and only its content is withheld."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow

#: A waiver's, an appraisal's or a destruction's reason: at least / at most characters.
REASON_MIN = 5
REASON_MAX = 2000
#: The members of an appraisal group, at most.
MAX_MEMBERS = 20


class ArchiveFile(db.Model):
    """A topic's archived record: when the director approved filing it, and from which state."""

    __tablename__ = 'archive_files'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), unique=True)
    #: The state the topic was archived from (``feedback_given``, or ``withdrawn``/``rejected``/``merged``).
    from_status: so.Mapped[str] = so.mapped_column(sa.String(32))
    archived_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    archived_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The rule set in force when it was filed: its retention periods are the record's.
    rule_set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('rule_sets.id'))

    def __repr__(self):
        return f'<ArchiveFile {self.id} topic={self.topic_id}>'


class Waiver(db.Model):
    """Staff's recorded reason why a required bundle item is missing (domain.md rule 34: "or a recorded waiver")."""

    __tablename__ = 'archive_waivers'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    #: The bundle item's key (``consult.kernel.signals.BundleItem.key``).
    item_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint('topic_id', 'item_key'),)

    def __repr__(self):
        return f'<Waiver {self.id} topic={self.topic_id} {self.item_key}>'


class Appraisal(db.Model):
    """An appraisal (鉴定) of a fixed-term item past its term: the group's members and its conclusion.

    ``members`` is a list of ``{"user_id": n, "role": "<role>"}``, at least one a residents' representative.
    """

    __tablename__ = 'archive_appraisals'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    item_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    members: so.Mapped[list] = so.mapped_column(sa.JSON)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    topic = so.relationship('Topic')

    __table_args__ = (sa.UniqueConstraint('topic_id', 'item_key'),)

    def __repr__(self):
        return f'<Appraisal {self.id} topic={self.topic_id} {self.item_key}>'


class Destruction(db.Model):
    """An entry of the destruction register (销毁清册), kept permanently and never destroyable itself.

    The director carries out an appraisal's conclusion; the item's content is withheld from then on.
    """

    __tablename__ = 'archive_destructions'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    appraisal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('archive_appraisals.id'), unique=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('topics.id', ondelete='CASCADE'), index=True)
    item_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: The retention period it was kept for, in years, and the day that term ended.
    retention_years: so.Mapped[int] = so.mapped_column()
    term_ended_on: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    appraisal = so.relationship('Appraisal')

    def __repr__(self):
        return f'<Destruction {self.id} topic={self.topic_id} {self.item_key}>'
