"""The result pages through HTTP: public reading, objecting, preparing and signing off, answering, flagging."""

import pytest
import sqlalchemy as sa

from consult.disclosure.models import Objection
from consult.disclosure.models import Publication
from consult.roles.models import Role
from tests.disclosure.conftest import OBJECTION


def test_anyone_reads_a_published_result_and_the_list_links_it(db, published, client):
    page = client.get(f'/results/{published.id}')
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '同意加装电梯' in html  # the opinion
    assert 'Log in to object' in html
    assert f'/results/{published.id}' in client.get('/topics/').get_data(as_text=True)
    assert f'/results/{published.id}' in client.get(f'/topics/{published.id}').get_data(as_text=True)


def test_a_resident_objects_through_the_page(db, cast, published, client, auth, csrf):
    auth.login(cast.neighbour)
    token = csrf(f'/results/{published.id}')
    page = client.get(f'/results/{published.id}').get_data(as_text=True)
    assert 'File the objection' in page
    response = client.post(
        f'/results/{published.id}/object', data={'csrf_token': token, 'reasons': OBJECTION}, follow_redirects=True
    )
    assert response.status_code == 200
    assert OBJECTION in response.get_data(as_text=True)
    assert 'Your objection is waiting for its answer.' in response.get_data(as_text=True)


@pytest.mark.parametrize('reasons', ['   ', '太短', '长' * 2001])
def test_a_bad_objection_is_answered_with_its_rule_not_a_500(db, cast, published, client, auth, csrf, reasons):
    auth.login(cast.neighbour)
    token = csrf(f'/results/{published.id}')
    response = client.post(f'/results/{published.id}/object', data={'csrf_token': token, 'reasons': reasons})
    assert response.status_code == 200
    assert 'Village Committee Organisation Law art 14' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_a_nul_byte_is_refused_before_the_form(db, cast, published, client, auth, csrf):
    auth.login(cast.neighbour)
    token = csrf(f'/results/{published.id}')
    response = client.post(f'/results/{published.id}/object', data={'csrf_token': token, 'reasons': OBJECTION + '\x00'})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_an_objection_without_the_csrf_token_is_refused(db, cast, published, client, auth):
    auth.login(cast.neighbour)
    response = client.post(f'/results/{published.id}/object', data={'reasons': OBJECTION})
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_staff_prepare_and_the_director_signs_off_through_the_pages(db, cast, ready, client, auth, csrf):
    auth.login(cast.staff)
    token = csrf(f'/results/{ready.id}/publication')
    client.post(f'/results/{ready.id}/publication', data={'csrf_token': token, 'note': '请监督'})
    assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 1
    auth.logout()
    auth.login(cast.director)
    page = client.get(f'/results/{ready.id}/publication').get_data(as_text=True)
    assert 'Sign off and publish the result' in page
    token = csrf(f'/results/{ready.id}/publication')
    response = client.post(f'/results/{ready.id}/publish', data={'csrf_token': token})
    assert response.status_code == 302
    assert response.headers['Location'].endswith(f'/results/{ready.id}')
    db.session.refresh(ready)
    assert ready.status == 'result_published'


def test_the_committee_answers_through_the_page(db, cast, published, client, auth, csrf):
    from consult.disclosure import operations

    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    auth.login(cast.staff)
    assert 'Answer this objection' in client.get(f'/results/{published.id}').get_data(as_text=True)
    token = csrf(f'/results/objection/{objection.id}/answer')
    response = client.post(
        f'/results/objection/{objection.id}/answer',
        data={'csrf_token': token, 'answer': 'not_upheld', 'reasons': '已在协商中充分讨论。'},
        follow_redirects=True,
    )
    assert '已在协商中充分讨论。' in response.get_data(as_text=True)
    fragment = client.get(f'/results/{published.id}/objections').get_data(as_text=True)
    assert '已在协商中充分讨论。' in fragment


def test_the_supervisory_committee_flags_through_the_page(db, cast, published, client, auth, csrf, make_user, grant):
    supervisor = make_user()
    grant(supervisor, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    auth.login(supervisor)
    token = csrf(f'/results/{published.id}/flag')
    response = client.post(
        f'/results/{published.id}/flag',
        data={'csrf_token': token, 'reason': '公示未张贴纸质公告。'},
        follow_redirects=True,
    )
    assert '公示未张贴纸质公告。' in response.get_data(as_text=True)


def test_the_page_reads_in_chinese(db, published, client):
    html = client.get(f'/results/{published.id}', headers={'Accept-Language': 'zh-CN'}).get_data(as_text=True)
    assert '异议' in html
