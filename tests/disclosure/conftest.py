"""Fixtures for disclosure: results ready to be published, published ones, objections."""

from datetime import timedelta

import pytest

from consult.disclosure import operations
from consult.disclosure.models import Publication
from consult.kernel.clock import utcnow
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.outcomes.conftest import adults  # noqa: F401
from tests.outcomes.conftest import deciding_vote
from tests.topics.conftest import CONFIRM  # noqa: F401
from tests.topics.conftest import LEGALITY  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
from tests.votes.conftest import make_vote  # noqa: F401
from tests.votes.conftest import voters  # noqa: F401

OBJECTION = '分摊方案对一楼住户不公平，应重新协商。'


@pytest.fixture
def ready(db, make_topic):  # noqa: F811
    """A topic whose legality check passed (LEGALITY_REVIEWED), typed in by staff for the resident."""
    return make_topic('legality_reviewed')


@pytest.fixture
def prepared(db, cast, ready):  # noqa: F811
    """``ready`` with its publication prepared by staff (awaiting the director's sign-off)."""
    operations.prepare_publication(cast.staff, ready, '请居民监督。')
    db.session.commit()
    return ready


@pytest.fixture
def published(db, cast, prepared):  # noqa: F811
    """A result published by the director (RESULT_PUBLISHED, adopted), its window open."""
    operations.publish_result(cast.director, prepared)
    db.session.commit()
    return prepared


@pytest.fixture
def failed_vote(db, cast, adults, make_topic):  # noqa: F811
    """A topic whose deciding vote failed (CLOSED_NOT_ADOPTED)."""
    topic = make_topic('pending_vote')
    deciding_vote(db, cast, topic, [(user, 1) for user in adults])
    db.session.refresh(topic)
    assert topic.status == 'closed_not_adopted'
    return topic


def end_window(topic, seconds_ago: int = 0) -> Publication:
    """Move the publication's periods back so both ended ``seconds_ago`` seconds ago (0: exactly now)."""
    from consult.db import db
    from consult.disclosure.queries import current_publication

    publication = current_publication(topic.id)
    moment = utcnow() - timedelta(seconds=seconds_ago)
    publication.publicity_ends_at = moment
    publication.objection_ends_at = moment - timedelta(days=2)
    db.session.commit()
    return publication
