"""The votes' public records in the transparency log: each vote's result, once closed and counted."""

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import VoteClosed
from consult.kernel.signals import RecordKind
from consult.transparency.records import rows

from .models import Vote


def _load_results(ids) -> dict[int, dict]:
    """The count and its bases, set once at the close."""
    v = Vote
    columns = (
        v.id,
        v.topic_id,
        v.meeting_id,
        v.title,
        v.question,
        v.kind,
        v.secret,
        v.decides,
        v.closed_at,
        v.electorate_size,
        v.result,
        v.seed,
        v.quorum_met,
        v.adopted,
        v.rule_set_id,
    )
    return rows(db.session.execute(sa.select(*columns).where(v.id.in_(ids), v.closed_at.is_not(None))))


KINDS = [RecordKind('vote_result', VoteClosed, lambda e: e.vote_id, lambda e: e.topic_id, _load_results)]


def contribute(_sender, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records`` (connected by ``wiring.plug``)."""
    return KINDS
