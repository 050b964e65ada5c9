"""A topic form posted twice makes one topic; the repeat is sent to it with a message (issue 11, item 10)."""

import sqlalchemy as sa

from consult.submissions import Submission
from consult.topics.models import Topic
from tests.support import submission_token
from tests.topics.test_routes import _form

ALREADY = 'This form was already submitted'


def _topics(db):
    return db.session.scalars(sa.select(Topic).where(Topic.title == '小区停车难')).all()


def test_the_same_form_posted_twice_makes_one_topic(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    token = submission_token(client.get('/topics/new').get_data(as_text=True))
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit', submission_token=token)
    first = client.post('/topics/new', data=data)
    second = client.post('/topics/new', data=data)
    (topic,) = _topics(db)
    assert first.status_code == second.status_code == 302
    assert first.headers['Location'] == second.headers['Location'] == f'/topics/{topic.id}'
    page = client.get(second.headers['Location']).get_data(as_text=True)
    assert ALREADY in page
    row = db.session.scalar(sa.select(Submission).where(Submission.token == token))
    assert (row.kind, row.object_id, row.user_id) == ('topic', topic.id, cast.resident.id)


def test_each_render_has_its_own_token(db, client, auth, cast):
    auth.login(cast.resident)
    first = submission_token(client.get('/topics/new').get_data(as_text=True))
    second = submission_token(client.get('/topics/new').get_data(as_text=True))
    assert first != second
    assert len(first) == 32


def test_a_refused_post_keeps_its_token_for_the_corrected_post(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    token = submission_token(client.get('/topics/new').get_data(as_text=True))
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit', submission_token=token)
    del data['declared_not_excluded']
    refused = client.post('/topics/new', data=data)
    assert refused.status_code == 200
    assert submission_token(refused.get_data(as_text=True)) == token  # the re-rendered form keeps it
    data['declared_not_excluded'] = 'y'
    assert client.post('/topics/new', data=data).status_code == 302
    assert len(_topics(db)) == 1


def test_another_persons_token_creates_nothing(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    token = submission_token(client.get('/topics/new').get_data(as_text=True))
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit', submission_token=token)
    client.post('/topics/new', data=data)
    auth.logout()
    auth.login(cast.neighbour)
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit', submission_token=token)
    response = client.post('/topics/new', data=data)
    assert response.status_code == 200
    assert 'This form was already used' in response.get_data(as_text=True)
    assert len(_topics(db)) == 1
    fresh = submission_token(response.get_data(as_text=True))
    assert fresh != token
    assert client.post('/topics/new', data={**data, 'submission_token': fresh}).status_code == 302
    assert len(_topics(db)) == 2


def test_a_malformed_token_is_ignored_not_an_error(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit', submission_token='<x>' * 40)
    assert client.post('/topics/new', data=data).status_code == 302
    assert len(_topics(db)) == 1
