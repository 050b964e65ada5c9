"""Progress reports on a task, with evidence files. They flush; the caller commits (files follow the transaction).

Evidence is stored by the topics' attachment code (``consult.topics.attachments``): every file is checked
(content, name, type, size) before any is written, so a report with one bad file stores nothing.
"""

from datetime import timedelta

from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.events import ImplementationReported
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.rules.queries import rules_in_force
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.attachments import filetypes
from consult.topics.attachments import storage
from consult.topics.attachments.models import TopicAttachment
from consult.topics.attachments.operations import Limits
from consult.topics.attachments.operations import Upload
from consult.topics.attachments.operations import check_upload

from . import guards as g
from . import permissions as p
from .models import TEXT_MAX
from .models import TaskUpdate
from .models import update_files

#: Evidence files one report may carry.
MAX_FILES = 5


def _role(actor, topic) -> str:
    if p.is_committee(actor, topic):
        return 'committee'
    return 'grid_worker'


def post_update(actor, task, body: str, uploads: list[Upload] = (), limits: Limits | None = None) -> TaskUpdate:
    """Report progress on ``task`` with evidence; the next report falls due an interval later.

    :raises Refusal: the actor may not report on it, no text, or a file refused (then nothing is stored).
    """
    if not p.may_update(actor, task):
        raise Refusal(_('You may not report progress on this task.'), g.USE_OF_RESULTS, code='forbidden')
    topic = task.topic
    body = g.require_text(body, TEXT_MAX, _('Write what was done.'), g.USE_OF_RESULTS)
    uploads = list(uploads or [])
    limits = limits or Limits.from_config()
    if len(uploads) > MAX_FILES:
        raise Refusal(_('At most %(count)s files per report.', count=MAX_FILES), tg.ATTACHMENT_LIMITS, 'too_many')
    checked = [check_upload(upload, limits) for upload in uploads]
    if sum(len(u.data) for u in uploads) > limits.max_total_bytes:
        raise Refusal(
            _('The files of one report may be at most %(size)s.', size=filetypes.human_size(limits.max_total_bytes)),
            tg.ATTACHMENT_LIMITS,
            code='attachment_total',
        )
    try:
        digests = [storage.put(upload.data) for upload in uploads]
    except OSError as exc:
        raise Refusal(
            _('The files could not be stored. Nothing was saved; please try again.'), tg.ATTACHMENT_WHOLE, 'storage'
        ) from exc
    now = utcnow()
    update = TaskUpdate(task_id=task.id, author_id=actor.id, author_role=_role(actor, topic), body=body, at=now)
    db.session.add(update)
    files = [
        TopicAttachment(
            topic_id=topic.id,
            uploaded_by_id=actor.id,
            filename=name or f'evidence{sorted(kind.extensions)[0]}',
            content_type=content_type,
            size=len(upload.data),
            sha256=digest,
        )
        for upload, (kind, content_type, name), digest in zip(uploads, checked, digests, strict=True)
    ]
    db.session.add_all(files)
    db.session.flush()
    if files:
        db.session.execute(update_files.insert(), [{'update_id': update.id, 'attachment_id': f.id} for f in files])
    rules = rules_in_force(topic.community, today())
    interval = rules.number('implementation_report_interval_days') if rules is not None else 30
    task.report_due_at = now + timedelta(days=interval)
    db.session.flush()
    publish(ImplementationReported(update_id=update.id, task_id=task.id, topic_id=topic.id))
    states.log_step(topic, 'implementation_update', actor, reason=task.title)
    record(
        actor,
        'implementation.update',
        community=topic.community,
        topic_id=topic.id,
        task_id=task.id,
        files=[{'id': f.id, 'name': f.filename, 'sha256': f.sha256} for f in files],
    )
    return update
