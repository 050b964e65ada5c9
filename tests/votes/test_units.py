"""Counting by household: a rule that counts votes by household applies to an electorate of one voter per
household (一户一票); for any other electorate the vote does not open, rather than fail at its close."""

from datetime import timedelta

import pytest

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.rules.engine import Condition
from consult.votes import operations as vops
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote


@pytest.fixture
def by_household(approval_rule):
    approval_rule(Condition('yes', '>', 1, 2, 'eligible', by='household'))


def _standalone(cast, topic, mode):
    now = utcnow()
    data = {'title': '户表决', 'kind': 'motion', 'rule_kind': 'residents_meeting', 'electorate_mode': mode}
    vote = vops.create_vote(cast.staff, topic, {**data, 'opens_at': now, 'closes_at': now + timedelta(days=1)})
    vops.open_vote(None, vote)
    return vote


def test_one_voter_per_household_is_counted_by_household(db, cast, by_household, open_meeting, voters):
    vote = _standalone(cast, open_meeting.topic, 'households')
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    approval = vote.result['decision']['approvals'][0]['outcome']['results'][0][0]
    assert approval['condition']['by'] == 'household'
    assert vote.adopted is True


def test_a_household_rule_does_not_open_over_several_voters_per_household(
    db, cast, place, make_resident, by_household, open_meeting
):
    make_resident(place.households(place.a)[0])  # a second adult in the resident's home
    with pytest.raises(Refusal) as refused:
        _standalone(cast, open_meeting.topic, 'adults')
    db.session.rollback()
    assert refused.value.code == 'rule_not_applicable'
