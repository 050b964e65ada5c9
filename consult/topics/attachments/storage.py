"""Attachment files on disk, content-addressed: ``<ATTACHMENT_DIR>/<first 2 hex digits>/<sha256>``.

A file is written to a temporary name in its folder, then renamed, so a reader never sees half a file.
Files follow the database transaction: one this transaction created is deleted again if it rolls back,
and one whose last row it deleted is deleted after it commits (session hooks below, like
``consult.realtime.emit_after_commit``). The same content uploaded twice shares one file.

Known limit: two transactions that write the same new content at the same moment share the file; if the
creator rolls back just as the other commits, the check below usually, not always, keeps the file.
"""

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.db import db

logger = logging.getLogger(__name__)
_CREATED_KEY = 'attachment_files_created'
_DELETE_KEY = 'attachment_files_to_delete'
_SHA256 = re.compile(r'[0-9a-f]{64}')


def root() -> Path:
    configured = current_app.config.get('ATTACHMENT_DIR')
    return Path(configured) if configured else Path(current_app.instance_path) / 'uploads'


def path_for(sha256: str) -> Path:
    if not _SHA256.fullmatch(sha256):
        raise ValueError('not a sha256 hex digest')
    return root() / sha256[:2] / sha256


def put(data: bytes) -> str:
    """Store ``data`` (if not already stored) and return its sha256; it is removed again on rollback.

    :raises OSError: the file could not be written (nothing is left behind).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    target = path_for(sha256)
    if target.exists():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix='.part-')
    try:
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    db.session.info.setdefault(_CREATED_KEY, []).append(sha256)
    return sha256


def delete_after_commit(sha256: str) -> None:
    """Delete the file once the current transaction commits, if no row refers to it any more."""
    db.session.info.setdefault(_DELETE_KEY, []).append(sha256)


def _referenced(session, sha256: str) -> bool:
    from consult.topics.attachments.models import TopicAttachment

    return session.scalar(sa.select(sa.func.count()).where(TopicAttachment.sha256 == sha256)) > 0


def _unlink(sha256: str) -> None:
    try:
        path_for(sha256).unlink(missing_ok=True)
    except OSError:
        logger.exception('could not delete attachment file %s', sha256)


@event.listens_for(Session, 'before_commit')
def _check_deletions(session):
    """Keep only deletions of files no row refers to (another topic may share the content)."""
    pending = session.info.get(_DELETE_KEY)
    if pending:
        session.flush()
        session.info[_DELETE_KEY] = [sha for sha in dict.fromkeys(pending) if not _referenced(session, sha)]


@event.listens_for(Session, 'after_commit')
def _after_commit(session):
    session.info.pop(_CREATED_KEY, None)
    for sha256 in session.info.pop(_DELETE_KEY, []):
        _unlink(sha256)


@event.listens_for(Session, 'after_soft_rollback')
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is not None:
        return
    session.info.pop(_DELETE_KEY, None)
    for sha256 in dict.fromkeys(session.info.pop(_CREATED_KEY, [])):
        try:
            # Another transaction may have committed a row for the same content meanwhile.
            if session.is_active and _referenced(session, sha256):
                continue
        except sa.exc.SQLAlchemyError:
            logger.warning('could not check attachment %s before deleting it', sha256)
        _unlink(sha256)
