"""Fixtures for vote tests: a meeting in session on community A's topic, votes prepared in it."""

import pytest
import sqlalchemy as sa

from consult.meetings.models import Participant
from consult.votes import operations as vops
from consult.votes.models import Vote
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.meetings.conftest import sockets  # noqa: F401
from tests.topics.conftest import CONFIRM  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
from tests.votes.onsite_support import meeting_rules  # noqa: F401 - on-site, proxy and weight tests
from tests.votes.onsite_support import on_site  # noqa: F401
from tests.votes.onsite_support import second  # noqa: F401


@pytest.fixture
def voters(db, cast, open_meeting):  # noqa: F811
    """The voting members of the open meeting's frozen roster (the adults of community A)."""
    ids = set(db.session.scalars(sa.select(Participant.user_id).where(Participant.meeting_id == open_meeting.id)))
    return [u for u in (cast.resident, cast.neighbour, cast.neighbour2, cast.representative) if u.id in ids]


@pytest.fixture
def make_vote(db, cast, open_meeting):  # noqa: F811
    """Factory: a vote prepared in the open meeting (opened unless ``opened=False``), committed."""

    def make(kind='motion', opened=True, **data) -> Vote:
        data = {'title': '是否同意加装电梯', 'kind': kind, 'options': ['甲', '乙', '丙'], 'max_choices': 2, **data}
        vote = vops.create_vote(cast.director, open_meeting.topic, data, meeting=open_meeting)
        db.session.commit()
        if opened:
            vops.open_vote(cast.director, vote)
            db.session.commit()
        return vote

    return make


@pytest.fixture
def approval_rule(db, place):
    """``approval_rule(condition)``: community A's rules in force (version 2) approve a residents' meeting's vote by
    ``condition`` alone."""
    from datetime import date

    from consult.rules.defaults import default_params
    from consult.rules.engine import Threshold
    from consult.rules.models import RuleSet
    from consult.rules.models import RuleSetStatus

    def publish(condition):
        params = default_params()
        params['meetings']['residents_meeting']['approval'] = Threshold.all_of(condition).to_list()
        rules = RuleSet(
            community_id=place.a.id,
            version=2,
            effective_from=date(2024, 1, 1),
            status=RuleSetStatus.CONFIRMED,
            params=params,
        )
        db.session.add(rules)
        db.session.commit()
        return rules

    return publish
