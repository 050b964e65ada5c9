"""Written proxies: off by default; where the rule set allows them, registered before the opening, at most the cap
per holder, applied at the opening, cast by the holder, and published with the result."""

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.kernel.refusals import Refusal
from consult.roles.models import Role
from consult.votes import operations as vops
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.models import VoteProxy
from consult.votes.proxies import register_proxy
from consult.votes.proxies import withdraw_proxy
from consult.votes.queries import proxy_list


def refused(db, call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


@pytest.fixture
def crowd(db, cast, open_meeting, make_resident):
    """Four more adults of community A on the open meeting's roster (voters), so one holder can hold four."""
    from consult.meetings.models import Participant

    homes = cast.place.households(cast.place.a)
    people = [make_resident(homes[8 + n]) for n in range(4)]
    for person in people:
        db.session.add(
            Participant(
                meeting_id=open_meeting.id,
                user_id=person.id,
                kind='resident',
                household_id=homes[8 + people.index(person)].id,
                organisation='',
                source='staff',
                added_by_id=cast.staff.id,
            )
        )
    db.session.commit()
    return people


@pytest.fixture
def draft(db, make_vote, meeting_rules):
    """A prepared (not yet open) vote of a residents' meeting whose rule set allows written proxies."""
    meeting_rules(proxies=True)
    vote = make_vote(opened=False)
    assert vote.proxies_allowed is True
    return vote


def test_proxies_are_off_by_default(db, cast, make_vote, voters):
    vote = make_vote(opened=False)
    assert vote.proxies_allowed is False
    refusal = refused(
        db, register_proxy, cast.director, vote, voters[0].id, voters[1].id, '2026-12-01 委托书，存居委会'
    )
    assert refusal.code == 'not_allowed'
    assert refusal.rule.code == 'vote_proxies'


def test_a_holder_holds_at_most_the_cap_and_the_fourth_is_refused(db, cast, draft, voters, crowd):
    holder = voters[0]
    principals = [voters[1], voters[2], voters[3], crowd[0]]
    for principal in principals[:3]:
        register_proxy(cast.director, draft, principal.id, holder.id, '书面委托书，已存档')
        db.session.commit()
    refusal = refused(db, register_proxy, cast.director, draft, principals[3].id, holder.id, '书面委托书')
    assert refusal.code == 'cap'
    assert '3' in str(refusal)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteProxy)) == 3


def test_the_cap_is_the_rule_sets(db, cast, draft, voters, meeting_rules):
    meeting_rules(proxies=True, proxy_max_per_holder=1)
    register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    db.session.commit()
    assert refused(db, register_proxy, cast.director, draft, voters[2].id, voters[0].id, '委托书').code == 'cap'


def test_a_proxy_ballot_is_counted_and_the_principal_cannot_vote_himself(db, cast, draft, voters):
    register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    db.session.commit()
    vops.open_vote(cast.director, draft)
    db.session.commit()
    assert refused(db, cast_ballot, voters[1], draft, [1]).code == 'proxy_registered'
    cast_ballot(voters[0], draft, [0])
    cast_ballot(voters[0], draft, [0], principal_id=voters[1].id)
    db.session.commit()
    assert refused(db, cast_ballot, voters[0], draft, [0], principal_id=voters[1].id).code == 'already_voted'
    close_vote(cast.director, draft)
    db.session.commit()
    assert draft.result['tally']['heads'] == [2, 0, 0]
    published = [(e.user_id, e.proxy_holder_id) for e in proxy_list(draft)]
    assert published == [(voters[1].id, voters[0].id)]


def test_the_list_is_published_with_the_result(db, client, auth, cast, draft, voters):
    register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    db.session.commit()
    vops.open_vote(cast.director, draft)
    db.session.commit()
    close_vote(cast.director, draft)
    db.session.commit()
    page = client.get(f'/votes/{draft.id}').get_data(as_text=True)
    assert 'Written proxies' in page
    assert f'{voters[0].display_name} for {voters[1].display_name}' in page


def test_nobody_gives_a_proxy_twice_or_passes_one_on(db, cast, draft, voters):
    register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    db.session.commit()
    assert refused(db, register_proxy, cast.director, draft, voters[1].id, voters[2].id, '委托书').code == 'twice'
    assert refused(db, register_proxy, cast.director, draft, voters[0].id, voters[2].id, '委托书').code == 'chain'
    assert refused(db, register_proxy, cast.director, draft, voters[2].id, voters[1].id, '委托书').code == 'chain'
    assert refused(db, register_proxy, cast.director, draft, voters[2].id, voters[2].id, '委托书').code == 'self'


def test_both_must_be_voters_and_the_paper_described(db, cast, draft, voters):
    assert refused(db, register_proxy, cast.director, draft, voters[1].id, cast.staff.id, '委托书').code == 'holder'
    assert refused(db, register_proxy, cast.director, draft, cast.outsider.id, voters[0].id, '委托书').code == (
        'principal'
    )
    assert refused(db, register_proxy, cast.director, draft, voters[1].id, voters[0].id, '  ').code == 'no_document'
    assert refused(db, register_proxy, voters[2], draft, voters[1].id, voters[0].id, '委托书').code == 'forbidden'


def test_proxies_are_registered_only_before_the_opening(db, cast, draft, voters):
    vops.open_vote(cast.director, draft)
    db.session.commit()
    assert refused(db, register_proxy, cast.director, draft, voters[1].id, voters[0].id, '委托书').code == (
        'wrong_state'
    )


def test_a_withdrawn_proxy_is_not_applied(db, cast, draft, voters):
    proxy = register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    db.session.commit()
    assert refused(db, withdraw_proxy, cast.director, draft, proxy.id, '').code == 'reason_required'
    withdraw_proxy(cast.director, draft, proxy.id, '本人撤回委托')
    vops.open_vote(cast.director, draft)
    db.session.commit()
    assert proxy_list(draft) == []
    cast_ballot(voters[1], draft, [0])


def test_a_proxy_over_the_cap_at_the_opening_is_dropped_with_a_record(db, cast, draft, voters, meeting_rules):
    register_proxy(cast.director, draft, voters[1].id, voters[0].id, '委托书')
    late = register_proxy(cast.director, draft, voters[2].id, voters[0].id, '委托书')
    db.session.commit()
    meeting_rules(proxies=True, proxy_max_per_holder=1)  # the rule set changed before the opening
    vops.open_vote(cast.director, draft)
    db.session.commit()
    assert db.session.get(VoteProxy, late.id).status == 'dropped'
    assert [e.user_id for e in proxy_list(draft)] == [voters[1].id]
    dropped = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'vote.proxy_drop'))
    assert dropped.details['proxy'] == late.id
    holder_of = dict(
        db.session.execute(sa.select(Elector.user_id, Elector.proxy_holder_id).where(Elector.vote_id == draft.id)).all()
    )
    assert holder_of[voters[2].id] is None


def test_the_proxies_page_is_the_committees(db, client, auth, csrf, cast, draft, voters):
    auth.login(voters[0])
    assert client.get(f'/votes/{draft.id}/proxies').status_code == 404
    auth.logout()
    auth.login(cast.director)
    page = client.get(f'/votes/{draft.id}/proxies')
    assert page.status_code == 200
    token = csrf(f'/votes/{draft.id}/proxies')
    response = client.post(
        f'/votes/{draft.id}/proxies',
        data={'csrf_token': token, 'principal': voters[1].id, 'holder': voters[0].id, 'document': '书面委托书'},
        follow_redirects=True,
    )
    assert 'The written proxy is registered.' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteProxy)) == 1


def test_the_rule_set_switches_proxies_and_roll_call_per_meeting_type():
    from consult.rules.defaults import default_params
    from consult.rules.validation import build_params
    from consult.rules.validation import choices_from

    choices = choices_from(default_params())
    assert choices['voting']['residents_meeting'] == {'roll_call': False, 'proxies': False}
    assert choices['voting']['deliberative_council']['roll_call'] is True
    choices['voting']['residents_meeting'] = {'roll_call': True, 'proxies': True}
    params = build_params(default_params(), choices)
    assert params['meetings']['residents_meeting']['roll_call'] is True
    assert params['meetings']['residents_meeting']['proxies'] is True
    assert 'proxies' not in params['meetings']['representatives_meeting']  # unchanged defaults are not written


def test_committee_role_needed_to_register(db, cast, draft, voters, grant):
    grant(voters[2], Role.REPRESENTATIVE, community=cast.place.a)
    assert refused(db, register_proxy, voters[2], draft, voters[1].id, voters[0].id, '委托书').code == 'forbidden'
