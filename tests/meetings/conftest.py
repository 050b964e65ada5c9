"""Fixtures for meeting tests: an announced topic, a meeting ready to open, sockets per user."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from consult.extensions import socketio
from consult.kernel.clock import utcnow
from consult.meetings import operations as ops
from consult.meetings import roster
from consult.meetings.models import Meeting
from consult.topics.models import Topic
from tests.conftest import AuthActions
from tests.topics.conftest import CONFIRM  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401

LONG_AGO = timedelta(days=30)


def schedule_data(cast, **overrides):  # noqa: F811 - fixtures shared with the topic tests
    data = {
        'title': '电梯方案议事会',
        'kind': 'residents_meeting',
        'form': 'online',
        'starts_at': utcnow() + timedelta(days=12),
        'place': '',
        'chair_id': cast.director.id,
        'secretary_id': cast.staff.id,
        'agenda': '方案介绍 | 10\n讨论 | 30',
    }
    data.update(overrides)
    return data


@pytest.fixture
def announced(db, make_topic):  # noqa: F811 - fixtures shared with the topic tests
    """An announced topic whose publicity period is over."""
    topic = make_topic('announced')
    db.session.execute(sa.update(Topic).where(Topic.id == topic.id).values(publicity_ends_at=utcnow() - LONG_AGO))
    db.session.commit()
    db.session.refresh(topic)
    return topic


@pytest.fixture
def make_meeting(db, cast, announced):  # noqa: F811 - fixtures shared with the topic tests
    """Factory: a meeting on ``announced`` with the adults' roster, notice and materials sent long ago."""

    def make(ready=True, **overrides):
        meeting = ops.schedule(cast.staff, announced, schedule_data(cast, **overrides))
        roster.build_from_criteria(cast.staff, meeting, 'adults', False)
        if ready:
            ops.add_material(cast.staff, meeting, '方案', '三个方案')
            ops.send_notice(cast.staff, meeting, now=utcnow() - LONG_AGO)
            ops.send_materials(cast.staff, meeting, now=utcnow() - LONG_AGO)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def open_meeting(db, cast, make_meeting):  # noqa: F811 - fixtures shared with the topic tests
    meeting = make_meeting()
    ops.open_meeting(cast.director, meeting)
    db.session.commit()
    return meeting


class _FreshG:
    """A Socket.IO test client whose every event starts with an empty ``g``, as in production.

    The tests keep an app context pushed, and Flask-SocketIO reuses it for each event, so without this
    Flask-Login's cached user would leak from one client's event to another's.
    """

    def __init__(self, client):
        self._client = client

    def emit(self, *args, **kwargs):
        g.__dict__.clear()
        return self._client.emit(*args, **kwargs)

    def disconnect(self, *args, **kwargs):
        g.__dict__.clear()
        return self._client.disconnect(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def sockets(app, db):
    """Factory: ``sockets(user)`` is a connected Socket.IO test client logged in as ``user``."""
    made = []

    def make(user):
        flask_client = app.test_client()
        AuthActions(flask_client).login(user)
        page = flask_client.get('/', headers={'Accept-Language': 'en'}).get_data(as_text=True)
        token = _META.search(page).group(1)
        sio = socketio.test_client(app, flask_test_client=flask_client, auth={'csrf_token': token})
        assert sio.is_connected()
        sio.get_received()
        made.append(sio)
        return _FreshG(sio)

    yield make
    for sio in made:
        if sio.is_connected():
            sio.disconnect()


def events(sio, name):
    return [e['args'][0] for e in sio.get_received() if e['name'] == name]


def reload(db, meeting) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)
