"""Attaching files to a topic and removing them. They flush; the caller commits (files follow, see storage).

Every file of a request is checked (content, name, type, size, count, total) before any is written, so a
request with one bad file stores nothing; a failed write or a rollback later removes what was written.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from consult.audit.operations import record
from consult.db import db
from consult.kernel.refusals import Refusal
from consult.topics import guards as g
from consult.topics import permissions as p
from consult.topics.attachments import filetypes
from consult.topics.attachments import storage
from consult.topics.attachments.models import TopicAttachment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """A file as the client sent it: its claims (name, Content-Type) and its bytes."""

    filename: str
    content_type: str
    data: bytes


#: What a browser declares when it does not know a file's type: the content decides, not a mismatch.
GENERIC_TYPES = frozenset({'', 'application/octet-stream', 'binary/octet-stream', 'application/unknown'})


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_count: int
    max_total_bytes: int

    @classmethod
    def from_config(cls, config=None) -> 'Limits':
        config = config if config is not None else current_app.config
        return cls(config['ATTACHMENT_MAX_BYTES'], config['ATTACHMENT_MAX_COUNT'], config['ATTACHMENT_MAX_TOTAL_BYTES'])


def read_uploads(files, max_bytes: int) -> list[Upload]:
    """Read the chosen files of a file field, at most ``max_bytes + 1`` bytes each (enough to refuse).

    Empty parts that browsers send when no file was chosen (no file name) are skipped.
    """
    uploads = []
    for part in files or []:
        if not isinstance(part, FileStorage) or not part.filename:
            continue
        uploads.append(Upload(part.filename, part.content_type or '', part.stream.read(max_bytes + 1)))
    return uploads


def check_upload(upload: Upload, limits: Limits) -> tuple[filetypes.FileKind, str, str]:
    """Return the file's kind, the Content-Type to store and its cleaned name.

    :raises Refusal: empty, too large, not an allowed kind, or the name or declared type disagree.
    """
    name = filetypes.clean_filename(upload.filename)
    shown = name or _('(no name)')
    if not upload.data:
        raise Refusal(_('%(name)s: the file is empty.', name=shown), g.ATTACHMENT_LIMITS, code='attachment_empty')
    if len(upload.data) > limits.max_bytes:
        raise Refusal(
            _('%(name)s: a file may be at most %(size)s.', name=shown, size=filetypes.human_size(limits.max_bytes)),
            g.ATTACHMENT_LIMITS,
            code='attachment_too_large',
        )
    sniffed = filetypes.sniff(upload.data)
    if sniffed is None:
        raise Refusal(
            _('%(name)s: this kind of file cannot be attached.', name=shown), g.ATTACHMENT_TYPE, code='attachment_type'
        )
    kind, content_type = sniffed
    declared = filetypes.declared_type(upload.content_type)
    # A browser that does not know the type says so generically (a DOCX on a machine without Office); only
    # a specific type that contradicts the content is a mismatch.
    if filetypes.extension(name) not in kind.extensions or (
        declared not in GENERIC_TYPES and declared not in kind.declared
    ):
        raise Refusal(
            _(
                '%(name)s: the file name or type does not match its content (%(kind)s).',
                name=shown,
                kind=kind.label,
            ),
            g.ATTACHMENT_TYPE,
            code='attachment_mismatch',
        )
    return kind, content_type, name


def attach_files(actor, topic, uploads: list[Upload], limits: Limits | None = None) -> list[TopicAttachment]:
    """Attach ``uploads`` to ``topic``: all of them, or (on a refusal) none.

    :raises Refusal: the actor may not attach now, a file is refused, or the count or total is exceeded.
    """
    if not uploads:
        return []
    if not p.can_attach(actor, topic):
        raise Refusal(
            _('Only the submitter attaches files, and only while the topic can be edited.'),
            g.ATTACHMENT_WHO,
            code='forbidden',
        )
    limits = limits or Limits.from_config()
    checked = [check_upload(upload, limits) for upload in uploads]
    existing = list(topic.attachments) if topic.id is not None else []
    if len(existing) + len(uploads) > limits.max_count:
        raise Refusal(
            _('A topic may have at most %(count)s attachments.', count=limits.max_count),
            g.ATTACHMENT_LIMITS,
            code='attachment_count',
        )
    if sum(a.size for a in existing) + sum(len(u.data) for u in uploads) > limits.max_total_bytes:
        raise Refusal(
            _(
                "A topic's attachments may be at most %(size)s together.",
                size=filetypes.human_size(limits.max_total_bytes),
            ),
            g.ATTACHMENT_LIMITS,
            code='attachment_total',
        )
    try:
        digests = [storage.put(upload.data) for upload in uploads]
    except OSError as exc:
        logger.exception('attachment write failed for topic %s', topic.id)
        raise Refusal(
            _('The files could not be stored. Nothing was saved; please try again.'),
            g.ATTACHMENT_WHOLE,
            code='attachment_storage',
        ) from exc
    rows = [
        TopicAttachment(
            topic=topic,
            uploaded_by_id=actor.id,
            filename=name or f'attachment{sorted(kind.extensions)[0]}',
            content_type=content_type,
            size=len(upload.data),
            sha256=digest,
        )
        for upload, (kind, content_type, name), digest in zip(uploads, checked, digests, strict=True)
    ]
    db.session.add_all(rows)
    db.session.flush()
    record(
        actor,
        'topics.attach',
        community=topic.community,
        topic_id=topic.id,
        attachments=[{'id': row.id, 'name': row.filename, 'sha256': row.sha256} for row in rows],
    )
    logger.info('%s files attached to topic %s by %s', len(rows), topic.id, actor.id)
    return rows


def remove_attachment(actor, attachment: TopicAttachment) -> None:
    """Remove an attachment; its file goes after the commit unless another topic shares it.

    :raises Refusal: the actor may not change the topic's files now.
    """
    topic = attachment.topic
    if not p.can_attach(actor, topic):
        raise Refusal(
            _('Only the submitter removes files, and only while the topic can be edited.'),
            g.ATTACHMENT_WHO,
            code='forbidden',
        )
    details = {'id': attachment.id, 'name': attachment.filename, 'sha256': attachment.sha256}
    topic.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()
    storage.delete_after_commit(details['sha256'])
    record(actor, 'topics.remove_attachment', community=topic.community, topic_id=topic.id, attachment=details)
    logger.info('attachment %s removed from topic %s by %s', details['id'], topic.id, actor.id)
