"""Fixtures for the kernel's tests: the topic cast (they drive the topic machine) and the race tests' engine."""

from tests.petitions.test_concurrency import engine  # noqa: F401 - real PostgreSQL connections, rows deleted after
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import cosign_rule  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
