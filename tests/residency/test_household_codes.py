"""Household codes (一户一码): issuing shows the plaintext once and stores a hash; a valid code verifies a claim."""

import hashlib
import hmac
import re
from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.residency import codes
from consult.residency import operations
from consult.residency import roster
from consult.residency.models import HouseholdCode
from tests.residency.support import memberships_of
from tests.residency.support import roster_csv
from tests.residency.support import row_for

CODE = re.compile(r'<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>')


def _issue_page(client, csrf, community, building, household_id=0):
    path = f'/residency/communities/{community.id}/codes?building={building.id}'
    return client.post(path, data={'household_id': household_id, 'csrf_token': csrf(path)})


def _claim(client, csrf, household, code):
    path = f'/residency/claim?community={household.building.grid.community_id}&building={household.building_id}'
    return client.post(path, data={'household_id': household.id, 'code': code, 'csrf_token': csrf(path)})


def _code_for(db, staff, place, household) -> str:
    [issued] = codes.issue_codes(staff, place.a, [household])
    db.session.commit()
    return issued.code


def _all_codes(db):
    return db.session.scalars(sa.select(HouseholdCode).order_by(HouseholdCode.id)).all()


def test_issuing_for_a_building_shows_each_code_once_and_stores_only_hashes(client, auth, csrf, db, place, staff):
    building = place.households(place.a)[0].building
    auth.login(staff)
    response = _issue_page(client, csrf, place.a, building)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers['Cache-Control'] == 'no-store'
    shown = CODE.findall(page)
    assert len(shown) == len(building.households) == 4
    for household in building.households:
        assert household.label in page
    assert all(not set(code) & set('01OIL') for code in shown)
    rows = _all_codes(db)
    key = client.application.config['SECRET_KEY'].encode()
    assert {row.code_hash for row in rows} == {
        hmac.new(key, code.replace('-', '').encode(), hashlib.sha256).hexdigest() for code in shown
    }
    # Without the key the stored value is not the plain hash, so a leaked table cannot be brute-forced.
    assert not {row.code_hash for row in rows} & {
        hashlib.sha256(code.replace('-', '').encode()).hexdigest() for code in shown
    }
    assert {row.household_id for row in rows} == {h.id for h in building.households}
    for row in rows:
        assert row.created_by_id == staff.id
        assert row.used_at is None
        assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)
    later = client.get(f'/residency/communities/{place.a.id}/codes?building={building.id}').get_data(as_text=True)
    assert not any(code in later for code in shown)
    assert 'Issued on' in later


def test_issuing_for_one_household(client, auth, csrf, db, place, staff):
    household = place.households(place.a)[2]
    auth.login(staff)
    page = _issue_page(client, csrf, place.a, household.building, household.id).get_data(as_text=True)
    assert len(CODE.findall(page)) == 1
    assert [row.household_id for row in _all_codes(db)] == [household.id]


def test_issuing_is_audited(client, auth, csrf, db, place, staff):
    building = place.households(place.a)[0].building
    auth.login(staff)
    _issue_page(client, csrf, place.a, building)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == 'household_code.issue')).all()
    assert (entry.actor_id, entry.community_id, entry.details['count']) == (staff.id, place.a.id, 4)


def test_household_of_another_community_is_refused(db, english, place, staff):
    with pytest.raises(Refusal, match='households of this community'):
        codes.issue_codes(staff, place.a, [place.households(place.b)[0]])


def test_claim_with_a_valid_code_is_verified_and_uses_the_code(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    code = _code_for(db, staff, place, household)
    resident = person()
    auth.login(resident)
    typed = f' {code[:2].lower()} {code[2:].lower()} '  # lower case, spaces and the dash as printed
    response = _claim(client, csrf, household, typed)
    assert response.status_code == 302
    assert 'household code was accepted' in client.get('/residency/').get_data(as_text=True)
    [membership] = memberships_of(db, resident)
    assert (membership.status, membership.method, membership.household_id) == (
        'verified',
        'household_code',
        household.id,
    )
    [row] = _all_codes(db)
    assert row.used_at is not None
    assert row.used_by_membership_id == membership.id
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == 'residency.verify', AuditEntry.subject_id == resident.id)
    )
    assert entry.details['method'] == 'household_code'


def test_code_typed_without_dash_in_full_width_is_accepted(db, place, staff, person):
    household = place.households(place.a)[1]
    code = _code_for(db, staff, place, household).replace('-', '')
    full_width = ''.join(chr(ord(c) + 0xFEE0) for c in code)
    membership = codes.claim_with_code(person(), household, full_width)
    assert membership.method == 'household_code'


def _refused_claim(client, auth, csrf, db, person, household, code, message):
    resident = person()
    auth.login(resident)
    response = _claim(client, csrf, household, code)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert memberships_of(db, resident) == []
    return resident


def test_used_code_is_refused(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    code = _code_for(db, staff, place, household)
    codes.claim_with_code(person(), household, code)
    db.session.commit()
    _refused_claim(client, auth, csrf, db, person, household, code, 'This code has already been used.')


def test_expired_code_is_refused(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    code = _code_for(db, staff, place, household)
    db.session.execute(sa.update(HouseholdCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    _refused_claim(client, auth, csrf, db, person, household, code, 'This code has expired')
    [row] = _all_codes(db)
    assert row.used_at is None


def test_code_of_another_household_is_refused(client, auth, csrf, db, place, staff, person):
    households = place.households(place.a)
    code = _code_for(db, staff, place, households[1])
    _refused_claim(client, auth, csrf, db, person, households[2], code, 'does not belong to the household you chose')
    [row] = _all_codes(db)
    assert row.used_at is None


@pytest.mark.parametrize(
    ('code', 'message'),
    [
        ('hello!!', 'A household code has 8 letters and digits'),
        ('ABCD-EFG', 'A household code has 8 letters and digits'),
        ('0O1I-L000', 'A household code has 8 letters and digits'),
        ('ABCD-EFGH', 'does not belong to the household you chose'),
    ],
    ids=['garbage', 'too-short', 'ambiguous-letters', 'unknown'],
)
def test_garbage_or_unknown_code_is_refused(client, auth, csrf, db, place, staff, person, code, message):
    household = place.households(place.a)[1]
    _code_for(db, staff, place, household)
    _refused_claim(client, auth, csrf, db, person, household, code, message)


def test_new_code_replaces_the_older_unused_one(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    old = _code_for(db, staff, place, household)
    new = _code_for(db, staff, place, household)
    _refused_claim(client, auth, csrf, db, person, household, old, 'replaced by a newer one')
    assert codes.claim_with_code(person(), household, new).status == 'verified'


def test_two_uses_of_one_code_cannot_both_succeed(db, english, place, staff, person):
    """The conditional UPDATE refuses when another claim used the code after it was read."""
    household = place.households(place.a)[1]
    _code_for(db, staff, place, household)
    [row] = _all_codes(db)
    first = operations.claim_residence(person(), household)
    second = operations.claim_residence(person(), household)
    codes._use(row, first, utcnow())
    with pytest.raises(Refusal, match='already been used'):
        codes._use(row, second, utcnow())
    db.session.refresh(row)
    assert row.used_by_membership_id == first.id


def test_roster_match_leaves_the_code_unused(db, place, staff, person):
    household = place.households(place.a)[1]
    roster.import_roster(staff, place.a, 'r.csv', roster_csv(row_for(household, '钱七', '1960-06-06')), max_bytes=10**6)
    code = _code_for(db, staff, place, household)
    membership = codes.claim_with_code(person(real_name='钱七', birth_date=date(1960, 6, 6)), household, code)
    assert (membership.status, membership.method) == ('verified', 'roster')
    [row] = _all_codes(db)
    assert row.used_at is None


def test_code_attempts_are_rate_limited_per_user(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    auth.login(person())
    statuses = [_claim(client, csrf, household, 'ABCD-EFGH').status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_claims_without_a_code_are_not_rate_limited(client, auth, csrf, db, place, person):
    household = place.households(place.a)[1]
    auth.login(person())
    statuses = {_claim(client, csrf, household, '').status_code for _ in range(12)}
    assert 429 not in statuses
