"""Fixtures for deputies: the cast's deputy of A, topics in their states, meetings, sent suggestions."""

import pytest

from consult.deputies import operations
from tests.disclosure.conftest import prepared  # noqa: F401
from tests.disclosure.conftest import published  # noqa: F401
from tests.disclosure.conftest import ready  # noqa: F401
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.topics.conftest import CONFIRM  # noqa: F401
from tests.topics.conftest import LEGALITY  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401

NOTE = '会议按议程进行，居民发言充分，建议公开分摊明细。'


@pytest.fixture
def send(db, cast):  # noqa: F811
    """Factory: a suggestion of the cast's deputy about A, to the department (default) or the committee."""

    def make(committee=False, complex_=False, **overrides):
        data = {
            'title': '加快老旧小区改造',
            'body': '建议市住建局在三个月内公布改造计划。',
            'complex': complex_,
            'department': None if committee else cast.place.department,
            **overrides,
        }
        suggestion = operations.send_suggestion(cast.deputy, cast.place.a, data)
        db.session.commit()
        return suggestion

    return make
