"""Telling people about a published result: everyone who took part, co-signed or objected; an objector of the
answer; the committee and the supervisory committee of overdue answers and of irregularity flags.

One statement finds the recipients, one batch inserts the notifications, one reads the email addresses.
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.comments.models import Comment
from consult.db import db
from consult.kernel.rooms import user_room
from consult.meetings.models import Meeting
from consult.meetings.models import Participant
from consult.notifications.operations import notify
from consult.notifications.operations import queue_mail
from consult.realtime import TopicChanged
from consult.realtime import emit_after_commit
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics.models import CoSign
from consult.topics.models import Topic

from .models import Objection

#: The notification kinds of this context (registered by ``wiring``).
KIND_LABELS = {
    'result_published': _l('The result of a consultation you took part in is published: you may object'),
    'objection_answered': _l('Your objection has been answered'),
    'objection_overdue': _l('An objection is overdue for its answer'),
    'irregularity_flagged': _l('The supervisory committee flagged an irregularity on a published result'),
}


def _link(topic_id: int) -> str:
    try:
        return url_for('disclosure.result', topic_id=topic_id, _external=True)
    except RuntimeError:  # a system step outside a request (the CLI)
        return f'/results/{topic_id}'


def participants(topic_id: int) -> set[int]:
    """Everyone who took part: roster members of its meetings, comment authors, co-signers, objectors."""
    union = sa.union(
        sa.select(Participant.user_id)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .where(Meeting.topic_id == topic_id),
        sa.select(Comment.author_id).where(Comment.topic_id == topic_id),
        sa.select(CoSign.user_id).where(CoSign.topic_id == topic_id, CoSign.withdrawn_at.is_(None)),
        sa.select(Objection.author_id).where(Objection.topic_id == topic_id),
    )
    return set(db.session.scalars(sa.select(union.subquery().c[0])))


def _tell(user_ids: set[int], kind: str, topic) -> None:
    if not user_ids:
        return
    notify(user_ids, kind, topic_id=topic.id)
    payload = TopicChanged(topic_id=topic.id, status=str(topic.status), action=kind)
    for user_id in sorted(user_ids):
        emit_after_commit(payload, user_room(user_id))
    queue_mail(user_ids, f'[Consult] {topic.title}: {KIND_LABELS[kind]}', _link(topic.id))


def on_topic_moved(event) -> None:
    """``TopicMoved`` listener: on ``publish``, tell everyone who took part (the topic's own recipients, the
    submitter, the originator and co-signers, are told of the step by topics and are left out here)."""
    if event.action != 'publish':
        return
    topic = db.session.get(Topic, event.subject_id)
    told = {topic.submitted_by_id, topic.originator_id, event.actor_id}
    cosigners = set(
        db.session.scalars(sa.select(CoSign.user_id).where(CoSign.topic_id == topic.id, CoSign.withdrawn_at.is_(None)))
    )
    _tell(participants(topic.id) - told - cosigners, 'result_published', topic)


def objection_answered(topic, objection) -> None:
    _tell({objection.author_id}, 'objection_answered', topic)


def _officials(community_id: int, *roles: Role) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(RoleGrant.user_id).where(
                RoleGrant.community_id == community_id,
                RoleGrant.role.in_([str(role) for role in roles]),
                RoleGrant.revoked_at.is_(None),
            )
        )
    )


def objection_overdue(topic) -> None:
    """Tell the committee and the supervisory committee that an objection's answer is overdue."""
    roles = (Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR, Role.SUPERVISORY_COMMITTEE)
    _tell(_officials(topic.community_id, *roles), 'objection_overdue', topic)


def irregularity_flagged(topic) -> None:
    _tell(_officials(topic.community_id, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR), 'irregularity_flagged', topic)
