"""Fixtures for the opinion and legality tests: topics of community A with their opinion formed, deciding votes."""

from datetime import timedelta

import pytest

from consult.kernel.clock import utcnow
from consult.outcomes import operations as outcomes
from consult.outcomes.queries import current_opinion
from consult.votes import operations as vops
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.meetings.conftest import sockets  # noqa: F401
from tests.topics.conftest import CONFIRM  # noqa: F401
from tests.topics.conftest import LEGALITY  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
from tests.votes.conftest import make_vote  # noqa: F401
from tests.votes.conftest import voters  # noqa: F401

#: Topics are typed in by staff at the counter for ``resident``: staff submitted it, the resident is its
#: originator. Both are parties to the matter; the director records the opinion and the check.
OPINION = '同意在3号楼加装电梯，费用按楼层分摊。'


@pytest.fixture
def formed(db, cast, make_topic):  # noqa: F811
    """A topic whose opinion was formed by a comment period and recorded by the director (consensus yes)."""
    topic = make_topic('opinion_formed')
    outcomes.record_opinion(cast.director, topic, True, OPINION, ['一楼住户反对分摊费用'])
    db.session.commit()
    return topic


@pytest.fixture
def adults(cast):  # noqa: F811
    """Community A's verified adults: the electorate of a standalone vote of all adults."""
    return [cast.resident, cast.neighbour, cast.neighbour2, cast.representative]


def deciding_vote(db, people, topic, ballots):
    """A standalone deciding motion on ``topic`` (PENDING_VOTE), opened, ``ballots`` cast (user -> option), closed."""
    now = utcnow()
    data = {
        'title': '是否同意筹资加装电梯',
        'kind': 'motion',
        'rule_kind': 'residents_meeting',
        'electorate_mode': 'adults',
        'opens_at': now,
        'closes_at': now + timedelta(days=3),
    }
    vote = vops.create_vote(people.director, topic, data)
    db.session.commit()
    vops.open_vote(None, vote)
    db.session.commit()
    for user, option in ballots:
        cast_ballot(user, vote, [option])
    db.session.commit()
    close_vote(people.director, vote)
    db.session.commit()
    return vote


def opinion_of(topic):
    return current_opinion(topic.id)
