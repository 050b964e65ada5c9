"""A residence claim posted twice makes one claim and answers the repeat kindly (issue 11, item 10)."""

from consult.residency import codes
from tests.residency.support import memberships_of
from tests.support import submission_token


def test_a_claim_with_a_code_posted_twice_is_one_claim_not_a_used_code(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[1]
    [issued] = codes.issue_codes(staff, place.a, [household])
    db.session.commit()
    resident = person()
    auth.login(resident)
    path = f'/residency/claim?community={place.a.id}&building={household.building_id}'
    data = {
        'household_id': household.id,
        'code': issued.code,
        'csrf_token': csrf(path),
        'submission_token': submission_token(client.get(path).get_data(as_text=True)),
    }
    assert client.post(path, data=data).status_code == 302
    second = client.post(path, data=data, follow_redirects=True)
    text = second.get_data(as_text=True)
    assert second.request.path == '/residency/'
    assert 'This form was already submitted' in text
    assert 'This code has already been used.' not in text
    [membership] = memberships_of(db, resident)
    assert membership.status == 'verified'
