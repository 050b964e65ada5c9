"""The topic's public records in the transparency log: each step of its state machine (a timeline row)."""

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import TopicMoved
from consult.kernel.signals import RecordKind
from consult.transparency.records import rows

from .models import TopicEvent


def _step_id(event: TopicMoved) -> int | None:
    """The timeline row the step just wrote (the newest of its topic and action, in this transaction)."""
    return db.session.execute(
        sa.select(sa.func.max(TopicEvent.id)).where(
            TopicEvent.topic_id == event.subject_id, TopicEvent.action == event.action
        )
    ).scalar_one_or_none()


def _load_steps(ids) -> dict[int, dict]:
    """The step's fields, all fixed once written (the actor is shown by role only, as on the public timeline)."""
    e = TopicEvent
    columns = (e.id, e.topic_id, e.action, e.from_status, e.to_status, e.actor_role, e.at, e.reason, e.rule_set_id)
    return rows(db.session.execute(sa.select(*columns).where(e.id.in_(ids))))


KINDS = [
    RecordKind(
        name='topic_step',
        event=TopicMoved,
        record_id=_step_id,
        topic_id=lambda event: event.subject_id,
        load=_load_steps,
    )
]


def contribute(_sender, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records`` (connected by ``wiring.plug``)."""
    return KINDS
