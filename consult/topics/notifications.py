"""Telling the submitter, the originator and co-signers about each step: in-app, live, and by email if set up.

Listens to the topic's domain events (connected by ``consult.topics.wiring``), so every step of the state
machine is told the same way, whichever context took it.
"""

import sqlalchemy as sa
from flask import current_app
from flask import url_for

from consult.db import db
from consult.kernel.events import TopicMoved
from consult.kernel.events import TopicNoted
from consult.kernel.rooms import topic_room
from consult.kernel.rooms import user_room
from consult.notifications.operations import notify
from consult.notifications.operations import queue_mail
from consult.realtime import TopicChanged
from consult.realtime import emit_after_commit
from consult.topics.models import CoSign
from consult.topics.models import Topic

#: Timeline entries without a state change that people are told about (the department's reply).
NOTIFIED_NOTES = frozenset({'dispatch_closed'})


def recipients(topic) -> set[int]:
    """Submitter, originator and active co-signers."""
    ids = {topic.submitted_by_id}
    if topic.originator_id:
        ids.add(topic.originator_id)
    ids.update(
        db.session.scalars(sa.select(CoSign.user_id).where(CoSign.topic_id == topic.id, CoSign.withdrawn_at.is_(None)))
    )
    return ids


def notify_step(topic, action: str, actor_id: int | None) -> None:
    """Write a notification for each recipient (not the actor) and queue the live events and emails."""
    payload = TopicChanged(topic_id=topic.id, status=str(topic.status), action=action)
    emit_after_commit(payload, topic_room(topic.id))
    user_ids = recipients(topic) - {actor_id}
    notify(user_ids, action, topic_id=topic.id)
    for user_id in sorted(user_ids):
        emit_after_commit(payload, user_room(user_id))
    if user_ids and current_app.config.get('MAIL_SERVER'):  # the CLI and the demo have no request to build a link
        from consult.topics.states import ACTION_LABELS

        subject = f'[Consult] {topic.title}: {ACTION_LABELS.get(action, action)}'
        queue_mail(user_ids, subject, _link(topic))


def _link(topic) -> str:
    try:
        return url_for('topics.detail', topic_id=topic.id, _external=True)
    except RuntimeError:  # a system step outside a request (the vote closer, the CLI); SERVER_NAME may be unset
        return f'/topics/{topic.id}'


def on_topic_moved(event: TopicMoved) -> None:
    notify_step(db.session.get(Topic, event.subject_id), event.action, event.actor_id)


def on_topic_noted(event: TopicNoted) -> None:
    if event.action in NOTIFIED_NOTES:
        notify_step(db.session.get(Topic, event.topic_id), event.action, event.actor_id)
