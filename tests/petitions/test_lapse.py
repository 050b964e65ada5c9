"""The lapse rule: an open petition not met within ``petition_lapse_days`` of its start rule set lapses."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from consult.audit.models import AuditEntry
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.petitions import operations
from consult.petitions import sweeps
from consult.petitions.models import PetitionStatus
from consult.rules.defaults import NUMBERS
from consult.rules.defaults import default_params
from consult.rules.display import number_rows
from consult.rules.validation import build_params
from consult.rules.validation import choices_from
from tests.petitions.conftest import households_of


def _count(db, model, **where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def started(db, place, make_resident, residents, english):
    """An open petition started (and signed) by a resident among 160 others; a neighbour who has not signed."""
    for household in households_of(place.a):
        residents(household, 10)
    starter = make_resident(households_of(place.a)[0])
    neighbour = make_resident(households_of(place.a)[5])
    p = operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    db.session.commit()
    return p, starter, neighbour


def test_the_default_is_90_days_from_the_start(started):
    p, _starter, _neighbour = started
    assert NUMBERS['petition_lapse_days'].value == 90
    assert p.lapses_at == p.created_at + timedelta(days=90)


def test_signing_at_the_lapse_second_is_accepted(db, started):
    p, _starter, neighbour = started
    operations.sign(neighbour, p, now=p.lapses_at)
    db.session.commit()
    assert p.status == PetitionStatus.OPEN


def test_signing_one_second_later_is_refused_naming_the_rule(db, started):
    p, _starter, neighbour = started
    with pytest.raises(Refusal) as refusal:
        operations.sign(neighbour, p, now=p.lapses_at + timedelta(seconds=1))
    assert refusal.value.code == 'lapsed'
    assert refusal.value.rule is operations.PETITION_LAPSE
    assert 'lapse' in str(refusal.value).lower()


def test_a_stored_lapse_refuses_signing_with_the_rule(db, started):
    p, _starter, neighbour = started
    sweeps.lapse_due(p.lapses_at + timedelta(seconds=1))
    db.session.commit()
    with pytest.raises(Refusal) as refusal:
        operations.sign(neighbour, p)
    assert refusal.value.code == 'lapsed'


def test_lapse_due_at_the_second_and_one_later_once(db, started):
    p, starter, _neighbour = started
    assert not p.lapse_due(p.lapses_at)
    assert sweeps.lapse_due(p.lapses_at) == []
    assert p.status == PetitionStatus.OPEN
    later = p.lapses_at + timedelta(seconds=1)
    assert p.lapse_due(later)
    assert sweeps.lapse_due(later) == [p]
    db.session.commit()
    assert (p.status, p.lapsed_at) == (PetitionStatus.LAPSED, later)
    assert sweeps.lapse_due(later + timedelta(days=1)) == []  # idempotent
    assert _count(db, AuditEntry, action='petition.lapse') == 1
    assert _count(db, Notification, petition_id=p.id, kind='petition_lapsed', user_id=starter.id) == 1


def test_a_met_petition_never_lapses(db, started):
    p, _starter, _neighbour = started
    p.status = PetitionStatus.THRESHOLD_MET
    db.session.commit()
    assert sweeps.lapse_due(p.lapses_at + timedelta(days=400)) == []
    assert p.status == PetitionStatus.THRESHOLD_MET


def test_the_threshold_is_not_marked_after_the_lapse_second(db, started):
    p, _starter, _neighbour = started
    assert operations.check_threshold(p, p.lapses_at + timedelta(seconds=1)) is False
    assert p.status == PetitionStatus.OPEN


def test_the_start_rule_sets_own_period_counts(db, place, started):
    p, _starter, _neighbour = started
    p.rule_set.params = {**p.rule_set.params, 'numbers': {**p.rule_set.params['numbers'], 'petition_lapse_days': 10}}
    flag_modified(p.rule_set, 'params')
    db.session.commit()
    assert p.lapses_at == p.created_at + timedelta(days=10)


def test_a_rule_set_stored_before_the_key_reads_the_default(db, started):
    p, _starter, _neighbour = started
    numbers = dict(p.rule_set.params['numbers'])
    numbers.pop('petition_lapse_days', None)
    p.rule_set.params = {**p.rule_set.params, 'numbers': numbers}
    flag_modified(p.rule_set, 'params')
    db.session.commit()
    assert p.rule_set.number('petition_lapse_days') == 90
    assert p.lapses_at == p.created_at + timedelta(days=90)
    row = next(r for r in number_rows(p.rule_set.params) if r.key == 'petition_lapse_days')
    assert (row.value, row.source) == (90, NUMBERS['petition_lapse_days'].source)
    assert choices_from(p.rule_set.params)['numbers']['petition_lapse_days'] == 90


@pytest.mark.parametrize(
    ('value', 'accepted'), [(0, False), (-1, False), (1, True), (365, True), (366, False), ('x', False)]
)
def test_the_lapse_period_is_a_positive_whole_number(english, value, accepted):
    choices = choices_from(default_params())
    choices['numbers']['petition_lapse_days'] = value
    if accepted:
        assert build_params(default_params(), choices)['numbers']['petition_lapse_days'] == value
    else:
        with pytest.raises(Refusal) as refusal:
            build_params(default_params(), choices)
        assert refusal.value.code == 'number_bounds'


def test_the_cli_lapses_every_due_petition_in_one_go(db, app, place, make_resident, petition, english):
    starter = make_resident(households_of(place.a)[0])
    old = [petition(place.a, starter.id, title=f'Old {i}') for i in range(3)]
    fresh = petition(place.a, starter.id, title='Fresh')
    for p in old:
        p.created_at = utcnow() - timedelta(days=90, seconds=1)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=['petitions', 'lapse'])
    assert result.exit_code == 0, result.output
    assert '3 petition(s) lapsed.' in result.output
    db.session.expire_all()
    assert [p.status for p in old] == [PetitionStatus.LAPSED] * 3
    assert fresh.status == PetitionStatus.OPEN
    assert _count(db, AuditEntry, action='petition.lapse') == 3
    again = runner.invoke(args=['petitions', 'lapse'])
    assert '0 petition(s) lapsed.' in again.output
    assert _count(db, AuditEntry, action='petition.lapse') == 3


def test_reading_or_listing_stores_a_due_lapse(db, client, place, make_resident, petition, english):
    starter = make_resident(households_of(place.a)[0])
    p = petition(place.a, starter.id)
    p.created_at = utcnow() - timedelta(days=91)
    db.session.commit()
    text = client.get(f'/petitions/c/{place.a.code}').get_data(as_text=True)
    assert 'petition-status-lapsed' in text
    db.session.expire_all()
    assert p.status == PetitionStatus.LAPSED
    detail = client.get(f'/petitions/{p.id}').get_data(as_text=True)
    assert 'Lapsed: the threshold was not met by' in detail
    assert 'Sign this petition' not in detail


def test_the_sign_button_on_a_due_petition_is_refused_with_the_rule(
    db, client, auth, csrf, place, make_resident, petition, english
):
    starter = make_resident(households_of(place.a)[0])
    neighbour = make_resident(households_of(place.a)[5])
    p = petition(place.a, starter.id)
    p.created_at = utcnow() - timedelta(days=91)
    db.session.commit()
    auth.login(neighbour)
    response = client.post(f'/petitions/{p.id}/sign', data={'csrf_token': csrf()}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert 'lapsed' in text
    assert 'Rule:' in text
    assert _count(db, AuditEntry, action='petition.lapse') == 1
