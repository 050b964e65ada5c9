"""The topic fixtures (``cast``, ``make_topic``) for the kernel's tests, which drive the topic machine."""

from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import cosign_rule  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
