"""Implementation's public records in the transparency log: progress reports, the department's reply and the
implementation result (the second disclosure)."""

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import ImplementationReported
from consult.kernel.events import TopicMoved
from consult.kernel.signals import RecordKind
from consult.topics.attachments.models import TopicAttachment as A
from consult.topics.models import TopicStatus
from consult.topics.states import GOV_REPLY_STEPS
from consult.transparency.records import rows

from .models import Feedback
from .models import GovReply
from .models import Task
from .models import TaskUpdate
from .models import update_files


def _load_updates(ids) -> dict[int, dict]:
    """The report (by the author's capacity, as shown) with its evidence files' digests."""
    u = TaskUpdate
    query = sa.select(u.id, u.task_id, Task.topic_id, u.author_role, u.body, u.at).join(Task, Task.id == u.task_id)
    out = rows(db.session.execute(query.where(u.id.in_(ids))))
    for record in out.values():
        record['files'] = []
    files = sa.select(update_files.c.update_id, A.sha256).join(A, A.id == update_files.c.attachment_id)
    for update_id, sha256 in db.session.execute(
        files.where(update_files.c.update_id.in_(ids)).order_by(update_files.c.update_id, A.id)
    ):
        if update_id in out:
            out[update_id]['files'].append(sha256)
    return out


def _reply_id(event: TopicMoved) -> int | None:
    if event.action not in set(GOV_REPLY_STEPS.values()):
        return None
    return db.session.execute(sa.select(GovReply.id).where(GovReply.topic_id == event.subject_id)).scalar_one_or_none()


def _load_replies(ids) -> dict[int, dict]:
    r = GovReply
    columns = (r.id, r.topic_id, r.department_id, r.decision, r.reasons, r.due_at, r.replied_at)
    return rows(db.session.execute(sa.select(*columns).where(r.id.in_(ids))))


def _feedback_id(event: TopicMoved) -> int | None:
    """The implementation result, published by the step into FEEDBACK_GIVEN."""
    if event.target != TopicStatus.FEEDBACK_GIVEN or event.source == event.target:
        return None
    return db.session.execute(sa.select(Feedback.id).where(Feedback.topic_id == event.subject_id)).scalar_one_or_none()


def _load_feedback(ids) -> dict[int, dict]:
    """The result as published; not the end of its rating period, which follows from the rule set (and which the
    demo moves into the past to show an ended period)."""
    f = Feedback
    columns = (f.id, f.topic_id, f.kind, f.text, f.at)
    return rows(db.session.execute(sa.select(*columns).where(f.id.in_(ids))))


KINDS = [
    RecordKind(
        'implementation_update', ImplementationReported, lambda e: e.update_id, lambda e: e.topic_id, _load_updates
    ),
    RecordKind('gov_reply', TopicMoved, _reply_id, lambda e: e.subject_id, _load_replies),
    RecordKind('implementation_result', TopicMoved, _feedback_id, lambda e: e.subject_id, _load_feedback),
]


def contribute(_sender, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records`` (connected by ``wiring.plug``)."""
    return KINDS
