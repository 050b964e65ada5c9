"""Household weights: imported by the committee from a CSV (all or nothing), fixed into a vote's electorate when it
opens, shared among a household's voters, and carried by their ballots."""

import io

import pytest
import sqlalchemy as sa

from consult.communities.models import Household
from consult.kernel.refusals import Refusal
from consult.residency.roster import RosterRejected
from consult.residency.weights import import_weights
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.onsite import mark_voted
from consult.votes.onsite_entries import confirm_entry
from consult.votes.onsite_entries import enter_person

MAX = 100_000


def weigh(db, actor, community, text: str) -> int:
    count = import_weights(actor, community, 'weights.csv', text.encode('utf-8'), max_bytes=MAX)
    db.session.commit()
    return count


def key(household) -> str:
    return f'{household.building.grid.name},{household.building.name},{household.number}'


@pytest.fixture
def weighted_rules(approval_rule):
    """Community A's rules count the residents' meeting's approval by weight (else votes carry no weights)."""
    from consult.rules.engine import Condition

    approval_rule(Condition('yes', '>', 1, 2, 'attending', by='weight'))


@pytest.fixture
def housemate(db, cast, make_resident):
    """A second adult in the resident's household (on the meeting's roster: made before the meeting)."""
    return make_resident(cast.place.households(cast.place.a)[0])


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(db, cast):
    homes = cast.place.households(cast.place.a)
    text = '\n'.join(
        [
            '网格,楼栋,户号,权重',
            f'{key(homes[0])},90',
            f'{key(homes[1])},0',
            '不存在,1栋,101,80',
            f'{key(homes[2])},八十',
            f'{key(homes[0])},95',
        ]
    )
    with pytest.raises(RosterRejected) as refused:
        weigh(db, cast.staff, cast.place.a, text)
    db.session.rollback()
    assert [problem.row for problem in refused.value.problems] == [3, 4, 5, 6]
    assert '2' in ' '.join(refused.value.problems[-1].reasons)  # the household is already on row 2
    assert db.session.scalar(sa.select(sa.func.count()).where(Household.weight.is_not(None))) == 0


def test_a_household_of_another_community_is_refused(db, cast):
    other = cast.place.households(cast.place.b)[0]
    with pytest.raises(RosterRejected) as refused:
        weigh(db, cast.staff, cast.place.a, f'户ID,权重\n{other.id},80\n')
    db.session.rollback()
    assert refused.value.problems[0].row == 2


def test_a_header_without_a_weight_is_refused(db, cast):
    with pytest.raises(RosterRejected) as refused:
        weigh(db, cast.staff, cast.place.a, '户ID,面积\n1,80\n')
    db.session.rollback()
    assert refused.value.problems[0].row == 1


def test_weights_are_fixed_into_the_electorate_and_shared_in_a_household(
    db, cast, housemate, make_vote, voters, weighted_rules
):
    homes = cast.place.households(cast.place.a)
    assert weigh(db, cast.staff, cast.place.a, f'户ID,权重\n{homes[0].id},91\n{homes[1].id},60\n') == 2
    vote = make_vote()
    weights = dict(
        db.session.execute(sa.select(Elector.user_id, Elector.weight).where(Elector.vote_id == vote.id)).all()
    )
    assert sorted([weights[cast.resident.id], weights[housemate.id]]) == [45, 46]  # 91 shared by two
    assert weights[cast.neighbour.id] == 60
    assert weights[cast.neighbour2.id] == 1  # no weight imported
    cast_ballot(cast.neighbour, vote, [0])
    cast_ballot(cast.neighbour2, vote, [1])
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.result['tally']['weights'] == [60, 1, 0]
    assert vote.result['tally']['heads'] == [1, 1, 0]


def test_a_weighted_secret_vote_takes_no_count_by_heads_on_site(db, cast, make_vote, voters, on_site, weighted_rules):
    homes = cast.place.households(cast.place.a)
    weigh(db, cast.staff, cast.place.a, f'户ID,权重\n{homes[0].id},91\n')
    vote = make_vote()
    on_site(voters[0])
    with pytest.raises(Refusal) as refused:
        mark_voted(cast.director, vote, voters[0].id, 'paper')
    db.session.rollback()
    assert refused.value.code == 'weighted'


def test_a_roll_call_ballot_on_site_carries_the_voters_weight(
    db,
    cast,
    make_vote,
    voters,
    on_site,
    second,
    meeting_rules,
):
    homes = cast.place.households(cast.place.a)
    weigh(db, cast.staff, cast.place.a, f'户ID,权重\n{homes[1].id},75\n')
    meeting_rules(
        roll_call=True,
        approval=[[{'counted': 'yes', 'op': '>', 'num': 1, 'den': 2, 'base': 'attending', 'by': 'weight'}]],
    )
    vote = make_vote()
    on_site(cast.neighbour)
    entry = enter_person(cast.director, vote, cast.neighbour.id, [0], 'hand')
    confirm_entry(second, vote, entry.id)
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.result['tally']['weights'][0] == 75


def test_the_committee_imports_weights_on_a_page(db, client, auth, csrf, cast):
    homes = cast.place.households(cast.place.a)
    path = f'/residency/communities/{cast.place.a.id}/weights'
    auth.login(cast.resident)
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(cast.staff)
    token = csrf(path)
    bad = {'csrf_token': token, 'weights': (io.BytesIO('户ID,权重\n999999,80\n'.encode()), 'w.csv')}
    page = client.post(path, data=bad, content_type='multipart/form-data').get_data(as_text=True)
    assert 'nothing was imported' in page
    good = {'csrf_token': token, 'weights': (io.BytesIO(f'户ID,权重\n{homes[3].id},88\n'.encode()), 'w.csv')}
    page = client.post(path, data=good, content_type='multipart/form-data', follow_redirects=True)
    assert 'Weights imported for 1 households.' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Household, homes[3].id).weight == 88


def test_weights_are_not_fixed_where_the_rules_do_not_count_by_weight(db, cast, make_vote):
    """A ballot carries no weight the count does not use: a weight one household alone has cannot single it out."""
    homes = cast.place.households(cast.place.a)
    weigh(db, cast.staff, cast.place.a, f'户ID,权重\n{homes[0].id},91\n')
    vote = make_vote()
    assert set(db.session.scalars(sa.select(Elector.weight).where(Elector.vote_id == vote.id))) == {1}
