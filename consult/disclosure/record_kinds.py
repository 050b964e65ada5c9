"""Disclosure's public records in the transparency log: each published result, objection and answer."""

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import ObjectionAnswered
from consult.kernel.events import ObjectionFiled
from consult.kernel.events import TopicMoved
from consult.kernel.signals import RecordKind
from consult.transparency.records import rows

from .models import Objection
from .models import Publication


def _publication_id(event: TopicMoved) -> int | None:
    """The publication the ``publish`` step signed off (the topic's newest published round)."""
    if event.action != 'publish':
        return None
    return db.session.execute(
        sa.select(Publication.id)
        .where(Publication.topic_id == event.subject_id, Publication.published_at.is_not(None))
        .order_by(Publication.round.desc())
        .limit(1)
    ).scalar_one_or_none()


def _load_publications(ids) -> dict[int, dict]:
    """Fields fixed at the sign-off. The moment of publication is the leaf's own ``at`` (the log's clock, which no
    one can set back); the periods follow from it and the rule set. The window's close and a supersession come
    later and are left out."""
    p = Publication
    columns = (p.id, p.topic_id, p.round, p.note, p.adopted, p.reply_days, p.rule_set_id)
    return rows(db.session.execute(sa.select(*columns).where(p.id.in_(ids), p.published_at.is_not(None))))


def _load_objections(ids) -> dict[int, dict]:
    """The objection as filed (its author is never public)."""
    o = Objection
    columns = (o.id, o.topic_id, o.publication_id, o.reasons, o.filed_at, o.answer_due_at)
    return rows(db.session.execute(sa.select(*columns).where(o.id.in_(ids))))


def _load_answers(ids) -> dict[int, dict]:
    o = Objection
    columns = (o.id, o.topic_id, o.answer, o.answer_reasons, o.answered_at)
    return rows(db.session.execute(sa.select(*columns).where(o.id.in_(ids), o.answered_at.is_not(None))))


KINDS = [
    RecordKind('published_result', TopicMoved, _publication_id, lambda e: e.subject_id, _load_publications),
    RecordKind('objection', ObjectionFiled, lambda e: e.objection_id, lambda e: e.topic_id, _load_objections),
    RecordKind('objection_answer', ObjectionAnswered, lambda e: e.objection_id, lambda e: e.topic_id, _load_answers),
]


def contribute(_sender, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records`` (connected by ``wiring.plug``)."""
    return KINDS
