"""Fixtures for comment tests: the topics cast plus an expert, a controllable clock, topics in consultation."""

from datetime import timedelta

import pytest

from consult.comments import operations
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from tests.topics import conftest as topic_fixtures
from tests.topics.conftest import end_publicity

#: The topics cast, its topic factory and its English request context, shared with the topics tests.
cast = topic_fixtures.cast
make_topic = topic_fixtures.make_topic
english = topic_fixtures.english

#: Every module that reads the time for comment periods (guards, operations, the page).
CLOCK_MODULES = (
    'consult.topics.guards',
    'consult.comments.guards',
    'consult.comments.operations',
    'consult.comments.routes',
    'consult.comments.states',
)


class Clock:
    """A clock tests set to exact instants; unset, it follows real time."""

    def __init__(self):
        self.at = None

    def __call__(self):
        return self.at or utcnow()

    def set(self, at):
        self.at = at
        return at


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    for module in CLOCK_MODULES:
        monkeypatch.setattr(f'{module}.utcnow', clock)
    return clock


@pytest.fixture
def expert(cast, make_user, grant):
    user = make_user()
    grant(user, Role.EXPERT, community=cast.place.a)
    return user


@pytest.fixture
def announced(db, make_topic):
    """An announced topic whose publicity period ended a second ago."""
    topic = make_topic('announced')
    end_publicity(topic)
    db.session.commit()
    return topic


@pytest.fixture
def consulting(db, cast, announced):
    """A topic IN_CONSULTATION with a 14-day comment period open."""
    operations.open_period(cast.staff, announced, 14)
    db.session.commit()
    return announced


def post(actor, topic, body='同意加装电梯', stance='for', parent=None):
    return operations.post_comment(actor, topic, body, stance, parent.id if parent is not None else None)


def later(period, **delta):
    return period.opened_at + timedelta(**delta)
