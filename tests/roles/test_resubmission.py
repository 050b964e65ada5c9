"""A role grant posted twice grants once (issue 11, item 10): grants have no unique index to fall back on."""

import sqlalchemy as sa

from consult.roles.models import RoleGrant
from tests.roles.test_grants import director  # noqa: F401 - fixture
from tests.support import submission_token


def test_a_grant_posted_twice_grants_once(client, auth, csrf, db, place, director, make_user):  # noqa: F811
    target = make_user(mobile='13955557777')
    auth.login(director)
    data = {
        'identifier': '13955557777',
        'role': 'expert',
        'community_id': place.a.id,
        'central_community_id': 0,
        'department_id': 0,
        'reason': '规划咨询',
        'csrf_token': csrf('/roles/grant'),
        'submission_token': submission_token(client.get('/roles/grant').get_data(as_text=True)),
    }
    first = client.post('/roles/grant', data=data)
    second = client.post('/roles/grant', data=data)
    assert first.headers['Location'] == second.headers['Location'] == '/roles/'
    grants = db.session.scalars(sa.select(RoleGrant).where(RoleGrant.user_id == target.id)).all()
    assert len(grants) == 1
    assert 'This form was already submitted' in client.get('/roles/').get_data(as_text=True)
