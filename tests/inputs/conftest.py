"""Fixtures for the bad-input tests: the topic and meeting fixtures, shared with their own tests."""

from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.meetings.conftest import sockets  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
