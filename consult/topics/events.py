"""Socket events of topics: a viewer joins ``topic:<id>`` to see the co-sign counter and steps live."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room
from flask_socketio import leave_room

from consult.db import db
from consult.inputs import checked
from consult.inputs import socket_int
from consult.kernel.rooms import topic_room
from consult.realtime import send_error
from consult.topics.models import Topic
from consult.topics.permissions import can_view_topic


def _topic_from(data):
    topic_id = socket_int(data, 'topic_id')
    return db.session.get(Topic, topic_id) if topic_id is not None else None


def on_join_topic(data=None):
    """``join_topic {"topic_id"}``: join the topic's room if the user may view the topic."""
    topic = _topic_from(data)
    if topic is None or not can_view_topic(current_user, topic):
        send_error('not_found', _('No such topic.'))
        return
    join_room(topic_room(topic.id))


def on_leave_topic(data=None):
    topic = _topic_from(data)
    if topic is not None:
        leave_room(topic_room(topic.id))


def register(sio) -> None:
    sio.on_event('join_topic', checked(on_join_topic))
    sio.on_event('leave_topic', checked(on_leave_topic))
