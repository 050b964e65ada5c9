"""Telling the submitter, the originator and co-signers about each step: in-app, live, and by email if set up."""

import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask import url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db
from consult.realtime import TopicChanged
from consult.realtime import emit_after_commit
from consult.realtime import user_room
from consult.topics import logger
from consult.topics.models import CoSign
from consult.topics.models import Notification

_MAIL_KEY = 'consult_pending_topic_mail'


def topic_room(topic_id: int) -> str:
    return f'topic:{topic_id}'


def recipients(topic) -> set[int]:
    """Submitter, originator and active co-signers."""
    ids = {topic.submitted_by_id}
    if topic.originator_id:
        ids.add(topic.originator_id)
    ids.update(
        db.session.scalars(sa.select(CoSign.user_id).where(CoSign.topic_id == topic.id, CoSign.withdrawn_at.is_(None)))
    )
    return ids


def notify_step(topic, action: str, actor) -> None:
    """Write a notification for each recipient (not the actor) and queue the live events and emails."""
    payload = TopicChanged(topic_id=topic.id, status=str(topic.status), action=action)
    emit_after_commit(payload, topic_room(topic.id))
    user_ids = recipients(topic) - ({actor.id} if actor is not None else set())
    for user_id in sorted(user_ids):
        db.session.add(Notification(user_id=user_id, topic_id=topic.id, kind=action))
        emit_after_commit(payload, user_room(user_id))
    db.session.flush()
    if current_app.config.get('MAIL_SERVER') and user_ids:
        from consult.topics.states import ACTION_LABELS

        subject = f'[Consult] {topic.title}: {ACTION_LABELS.get(action, action)}'
        queue_mail(user_ids, subject, url_for('topics.detail', topic_id=topic.id, _external=True))


def queue_mail(user_ids, subject: str, link: str) -> None:
    """Queue an email to each of ``user_ids`` with an address, sent after the commit (if SMTP is configured).

    Also used by :mod:`consult.petitions.notifications`.
    """
    if not current_app.config.get('MAIL_SERVER') or not user_ids:
        return
    emails = list(db.session.scalars(sa.select(User.email).where(User.id.in_(user_ids), User.email.is_not(None))))
    db.session.info.setdefault(_MAIL_KEY, []).extend((address, subject, link) for address in emails)


@event.listens_for(Session, 'after_commit')
def _send_mail(session):
    pending = session.info.pop(_MAIL_KEY, [])
    if not pending:
        return
    try:
        _deliver(pending)
    except Exception:  # mail must never break the request that already committed
        logger.exception('topic mail failed')


@event.listens_for(Session, 'after_soft_rollback')
def _drop_mail(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_MAIL_KEY, None)


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
