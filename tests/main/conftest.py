"""Fixtures for the home page tests: the topic cast, meetings and dispatched items (shared with those tests)."""

from tests.dispatch.conftest import make_ticket  # noqa: F401
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
