"""Tell people: a notification row each (in the transaction), then email after the commit.

Operations flush, never commit. Live pushes are the notifying context's own (its payload, its rooms), queued
with ``consult.realtime.emit_after_commit``.
"""

import smtplib
import threading
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db
from consult.kernel.clock import utcnow
from consult.notifications import logger
from consult.notifications.models import Notification

_MAIL_KEY = 'consult_pending_mail'
_DETACHED_KEY = 'consult_pending_detached_mail'

#: The label of each kind, registered by the contexts that notify (``register_kinds``).
KIND_LABELS: dict[str, object] = {}


def register_kinds(labels: dict) -> None:
    """Register the labels of a context's notification kinds (called when the app is built)."""
    KIND_LABELS.update(labels)


def label(kind: str):
    return KIND_LABELS.get(kind, kind)


def notify(user_ids, kind: str, *, topic_id: int | None = None, petition_id: int | None = None) -> None:
    """Write one notification of ``kind`` for each of ``user_ids`` about a topic or a petition."""
    db.session.add_all(
        Notification(user_id=user_id, topic_id=topic_id, petition_id=petition_id, kind=kind)
        for user_id in sorted(set(user_ids))
    )
    db.session.flush()


def mark_read(actor) -> int:
    """Mark all of ``actor``'s unread notifications as read; return how many."""
    return db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount


def queue_mail(user_ids, subject: str, link: str, *, detached: bool = False) -> None:
    """Queue an email to each of ``user_ids`` with an address, sent after the commit (if SMTP is configured).

    :param detached: send it from a background thread after the commit, so the response does not wait for the
        mail server (the "forgot password" answer takes the same time whether an account exists or not).
    """
    if not current_app.config.get('MAIL_SERVER') or not user_ids:
        return
    emails = list(db.session.scalars(sa.select(User.email).where(User.id.in_(user_ids), User.email.is_not(None))))
    key = _DETACHED_KEY if detached else _MAIL_KEY
    db.session.info.setdefault(key, []).extend((address, subject, link) for address in emails)


def mail_user(user, subject: str, body: str) -> None:
    """Receiver of ``consult.kernel.signals.mail_user``: mail ``body`` to ``user``'s email after the commit."""
    queue_mail([user.id], subject, body, detached=True)


@event.listens_for(Session, 'after_commit')
def _send_mail(session):
    if session.in_nested_transaction():  # a SAVEPOINT released: the outer transaction has not committed yet
        return
    detached = session.info.pop(_DETACHED_KEY, [])
    if detached:
        app = current_app._get_current_object()
        threading.Thread(target=_deliver_detached, args=(app, detached), daemon=True).start()
    pending = session.info.pop(_MAIL_KEY, [])
    if not pending:
        return
    try:
        _deliver(pending)
    except Exception:  # mail must never break the request that already committed
        logger.exception('mail failed')


@event.listens_for(Session, 'after_soft_rollback')
def _drop_mail(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_MAIL_KEY, None)
        session.info.pop(_DETACHED_KEY, None)


def _deliver_detached(app, pending) -> None:
    with app.app_context():
        try:
            _deliver(pending)
        except Exception:
            logger.exception('mail failed')


def _deliver(pending) -> None:
    config = current_app.config
    with smtplib.SMTP(config['MAIL_SERVER'], int(config.get('MAIL_PORT') or 25), timeout=10) as smtp:
        for address, subject, link in pending:
            message = EmailMessage()
            message['Subject'] = subject
            message['From'] = config.get('MAIL_DEFAULT_SENDER') or 'consult@localhost'
            message['To'] = address
            message.set_content(link)
            smtp.send_message(message)
