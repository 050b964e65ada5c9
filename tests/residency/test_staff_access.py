"""Who reaches the roster and household-code pages: committee staff and directors of the community only."""

import io

import pytest
import sqlalchemy as sa

from consult.residency.models import HouseholdCode
from consult.residency.models import RosterImport
from consult.roles.models import Role
from tests.residency.support import roster_csv
from tests.residency.support import row_for

ROUTES = [
    ('GET', '/residency/communities/{id}/roster'),
    ('POST', '/residency/communities/{id}/roster'),
    ('GET', '/residency/communities/{id}/codes'),
    ('GET', '/residency/communities/{id}/codes?building={building}'),
    ('POST', '/residency/communities/{id}/codes?building={building}'),
]
ROUTE_IDS = [f'{method} {path.split("{id}/")[1]}' for method, path in ROUTES]


@pytest.fixture
def outsider(request, person, make_resident, grant, place):
    """The people who must be refused: a verified resident of A, and committee staff or director of B."""
    kind = request.param
    if kind == 'resident':
        return make_resident(place.households(place.a)[0], locale='en')
    user = person()
    grant(user, Role.COMMITTEE_STAFF if kind == 'staff_b' else Role.COMMITTEE_DIRECTOR, community=place.b)
    return user


def _request(client, csrf, place, method, path):
    household = place.households(place.a)[0]
    url = path.format(id=place.a.id, building=household.building_id)
    if method == 'GET':
        return client.get(url)
    data = {
        'csrf_token': csrf(),
        'household_id': 0,
        'roster': (io.BytesIO(roster_csv(row_for(household, '张三', '1985-03-04'))), 'r.csv'),
    }
    return client.post(url, data=data, content_type='multipart/form-data')


@pytest.mark.parametrize('outsider', ['resident', 'staff_b', 'director_b'], indirect=True)
@pytest.mark.parametrize(('method', 'path'), ROUTES, ids=ROUTE_IDS)
def test_outsiders_get_403_and_nothing_is_written(client, auth, csrf, db, place, outsider, method, path):
    auth.login(outsider)
    assert _request(client, csrf, place, method, path).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(RosterImport.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(HouseholdCode.id))) == 0


@pytest.mark.parametrize(('method', 'path'), ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_sent_to_log_in(client, csrf, place, method, path):
    response = _request(client, csrf, place, method, path)
    assert response.status_code == 302
    assert '/account/login' in response.headers['Location']


@pytest.mark.parametrize('role', [Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR])
@pytest.mark.parametrize(('method', 'path'), ROUTES, ids=ROUTE_IDS)
def test_committee_of_the_community_is_let_in(client, auth, csrf, db, place, person, grant, role, method, path):
    user = person()
    grant(user, role, community=place.a)
    auth.login(user)
    assert _request(client, csrf, place, method, path).status_code in (200, 302)


def test_unknown_community_is_404(client, auth, place, staff):
    auth.login(staff)
    assert client.get('/residency/communities/999999/roster').status_code == 404
    assert client.get('/residency/communities/999999/codes').status_code == 404


def test_building_of_another_community_is_ignored(client, auth, csrf, db, place, staff):
    foreign = place.households(place.b)[0].building
    auth.login(staff)
    path = f'/residency/communities/{place.a.id}/codes?building={foreign.id}'
    response = client.post(path, data={'household_id': 0, 'csrf_token': csrf(path)})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(HouseholdCode.id))) == 0


def test_review_page_links_to_the_staff_tools(client, auth, place, staff):
    auth.login(staff)
    page = client.get('/residency/review').get_data(as_text=True)
    assert f'/residency/communities/{place.a.id}/roster' in page
    assert f'/residency/communities/{place.a.id}/codes' in page
    assert f'/residency/communities/{place.b.id}/' not in page
