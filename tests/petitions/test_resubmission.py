"""Starting a petition posted twice starts one petition; the repeat is sent to it (issue 11, item 10)."""

import sqlalchemy as sa

from consult.petitions.models import Petition
from tests.petitions.conftest import households_of
from tests.support import submission_token


def test_the_start_form_posted_twice_starts_one_petition(client, auth, csrf, db, place, make_resident):
    households = households_of(place.a)
    user = make_resident(households[0])
    auth.login(user)
    url = f'/petitions/c/{place.a.code}/start'
    token = submission_token(client.get(url).get_data(as_text=True))
    data = {'title': 'Lift', 'matter': 'Broken.', 'csrf_token': csrf(), 'submission_token': token}
    first = client.post(url, data=data)
    second = client.post(url, data=data, follow_redirects=True)
    (petition,) = db.session.scalars(sa.select(Petition)).all()
    assert first.headers['Location'].endswith(f'/petitions/{petition.id}')
    assert second.request.path == f'/petitions/{petition.id}'
    assert 'This form was already submitted' in second.get_data(as_text=True)
