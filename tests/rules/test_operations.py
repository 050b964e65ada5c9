"""Proposing, confirming and declining rule set versions: permissions, every refusal, the audit trail."""

from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from consult.audit.models import AuditEntry
from consult.db import db as database
from consult.kernel.clock import today
from consult.kernel.refusals import Refusal
from consult.roles.models import Role
from consult.rules import operations
from consult.rules import queries
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.rules.validation import choices_from


@pytest.fixture
def people(make_user, grant, place):
    director, party, director_b, staff = make_user(), make_user(), make_user(), make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    grant(party, Role.PARTY_ORG, community=place.a)
    grant(director_b, Role.COMMITTEE_DIRECTOR, community=place.b)
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    return {'director': director, 'party': party, 'director_b': director_b, 'staff': staff}


def changed(**numbers):
    choices = choices_from(default_params())
    choices['numbers'].update(numbers or {'result_publicity_days': 10})
    return choices


def versions(community):
    return [(r.version, r.status) for r in queries.versions_of(community)]


def audit(action):
    return list(database.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def propose(people, place, choices=None, day=None, summary='更长的公示期', actor='director'):
    return operations.propose_rules(people[actor], place.a, choices or changed(), day or today(), summary)


def test_director_proposes_and_the_party_organisation_confirms(db, people, place):
    proposed = propose(people, place)
    assert (proposed.version, proposed.status, proposed.proposed_by_id) == (2, 'proposed', people['director'].id)
    operations.confirm_rules(people['party'], proposed)
    assert proposed.status == RuleSetStatus.CONFIRMED
    assert proposed.decided_by_id == people['party'].id
    assert queries.rules_in_force(place.a, today()).version == 2
    [entry] = audit('rules.propose')
    assert (entry.actor_id, entry.community_id, entry.details['version'], entry.reason) == (
        people['director'].id,
        place.a.id,
        2,
        '更长的公示期',
    )
    [entry] = audit('rules.confirm')
    assert (entry.actor_id, entry.details['version'], entry.details['same_person']) == (people['party'].id, 2, False)


def test_decline_keeps_the_reason_and_the_old_version_in_force(db, people, place):
    proposed = propose(people, place)
    operations.decline_rules(people['party'], proposed, '公示期过长')
    assert (proposed.status, proposed.decision_reason) == ('declined', '公示期过长')
    assert queries.rules_in_force(place.a, today()).version == 1
    [entry] = audit('rules.decline')
    assert (entry.reason, entry.details['version']) == ('公示期过长', 2)


def test_decline_needs_a_reason(db, people, place):
    proposed = propose(people, place)
    with pytest.raises(Refusal) as refused:
        operations.decline_rules(people['party'], proposed, '  ')
    assert refused.value.code == 'reason_required'
    assert proposed.status == 'proposed'


def test_one_person_holding_both_posts_is_allowed_and_recorded(db, people, place, grant):
    grant(people['director'], Role.PARTY_ORG, community=place.a)
    proposed = propose(people, place)
    operations.confirm_rules(people['director'], proposed)
    [entry] = audit('rules.confirm')
    assert entry.details['same_person'] is True


@pytest.mark.parametrize('actor', ['party', 'director_b', 'staff'])
def test_only_the_director_of_the_community_proposes(db, people, place, actor):
    with pytest.raises(Refusal) as refused:
        propose(people, place, actor=actor)
    assert refused.value.code == 'forbidden'
    assert versions(place.a) == [(1, 'confirmed')]


@pytest.mark.parametrize('actor', ['director', 'director_b', 'staff'])
def test_only_the_party_organisation_of_the_community_decides(db, people, place, actor):
    proposed = propose(people, place)
    for decide in (
        lambda: operations.confirm_rules(people[actor], proposed),
        lambda: operations.decline_rules(people[actor], proposed, 'no'),
    ):
        with pytest.raises(Refusal) as refused:
            decide()
        assert refused.value.code == 'forbidden'
    assert proposed.status == 'proposed'


def test_party_organisation_of_another_community_cannot_decide(db, people, place, make_user, grant):
    other = make_user()
    grant(other, Role.PARTY_ORG, community=place.b)
    proposed = propose(people, place)
    with pytest.raises(Refusal):
        operations.confirm_rules(other, proposed)


def test_second_proposal_while_one_is_pending_is_refused(db, people, place):
    propose(people, place)
    with pytest.raises(Refusal) as refused:
        propose(people, place, changed(result_publicity_days=12))
    assert refused.value.code == 'pending'
    assert versions(place.a) == [(2, 'proposed'), (1, 'confirmed')]


def test_a_new_proposal_is_allowed_once_the_pending_one_is_decided(db, people, place):
    operations.decline_rules(people['party'], propose(people, place), '再议')
    assert propose(people, place).version == 3


def test_double_confirmation_cannot_both_pass(db, people, place):
    proposed = propose(people, place)
    operations.confirm_rules(people['party'], proposed)
    # A second request that read the version while it was still proposed.
    set_committed_value(proposed, 'status', RuleSetStatus.PROPOSED)
    with pytest.raises(Refusal) as refused:
        operations.decline_rules(people['party'], proposed, 'late')
    assert refused.value.code == 'already_decided'
    with pytest.raises(Refusal):
        operations.confirm_rules(people['party'], proposed)
    assert len(audit('rules.confirm')) == 1
    assert not audit('rules.decline')


def test_concurrent_version_number_becomes_a_refusal(db, people, place, monkeypatch):
    monkeypatch.setattr(operations, 'next_version', lambda community: 1)
    with pytest.raises(Refusal) as refused:
        propose(people, place)
    assert refused.value.code == 'race'
    db.session.rollback()
    assert versions(place.a) == [(1, 'confirmed')]
    assert not audit('rules.propose')


@pytest.mark.parametrize('summary', ['', '   ', '<b></b>'])
def test_empty_summary_is_refused(db, people, place, summary):
    with pytest.raises(Refusal) as refused:
        propose(people, place, summary=summary)
    assert refused.value.code == 'summary_required'


def test_effective_date_before_today_is_refused(db, people, place):
    with pytest.raises(Refusal) as refused:
        propose(people, place, day=today() - timedelta(days=1))
    assert refused.value.code == 'date_past'


def test_effective_date_before_the_confirmed_version_is_refused(db, people, place):
    later = today() + timedelta(days=30)
    operations.confirm_rules(people['party'], propose(people, place, day=later))
    with pytest.raises(Refusal) as refused:
        propose(people, place, changed(result_publicity_days=12), day=later - timedelta(days=1))
    assert refused.value.code == 'date_before_in_force'
    assert propose(people, place, changed(result_publicity_days=12), day=later).version == 3


def test_unchanged_proposal_is_refused(db, people, place):
    with pytest.raises(Refusal) as refused:
        propose(people, place, choices_from(default_params()))
    assert refused.value.code == 'unchanged'


def test_rules_in_force_switch_on_the_effective_date(db, people, place):
    start = today() + timedelta(days=10)
    operations.confirm_rules(people['party'], propose(people, place, day=start))
    assert queries.rules_in_force(place.a, start - timedelta(days=1)).version == 1
    assert queries.rules_in_force(place.a, start).version == 2
    assert queries.rules_in_force(place.a, date(2023, 9, 24)) is None


def test_confirmed_late_takes_effect_from_the_confirmation_day(db, people, place, monkeypatch):
    proposed = propose(people, place)
    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr(operations, 'today', lambda: tomorrow)
    operations.confirm_rules(people['party'], proposed)
    assert proposed.effective_from == tomorrow
    assert audit('rules.confirm')[0].details['effective_from'] == tomorrow.isoformat()


def test_refused_proposal_saves_nothing(db, people, place):
    choices = changed()
    choices['exclusions'] = ['private_matter']
    with pytest.raises(Refusal):
        propose(people, place, choices)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(RuleSet.id)).where(RuleSet.community_id == place.a.id)) == 1
    assert not audit('rules.propose')
