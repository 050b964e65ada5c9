def test_home_page_renders(client):
    response = client.get('/', headers={'Accept-Language': ''})
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.get_data(as_text=True)


def test_register_login_claim_verify(client, auth, csrf, place, make_user, grant):
    from consult.roles.models import Role

    response = client.post(
        '/account/register',
        data={
            'identifier': '13912345678',
            'display_name': '小王',
            'real_name': '王五',
            'birth_date': '1990-02-03',
            'password': 'secret-pass-1',
            'confirm': 'secret-pass-1',
            'csrf_token': csrf('/account/register'),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    household = place.households(place.a)[0]
    building = household.building
    path = f'/residency/claim?community={place.a.id}&building={building.id}'
    response = client.post(path, data={'household_id': household.id, 'csrf_token': csrf(path)})
    assert response.status_code == 302
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    auth.logout()
    auth.login(staff)
    page = client.get('/residency/review').get_data(as_text=True)
    assert '王五' in page, page[page.find('<main') :]
    assert '139****5678' in page
