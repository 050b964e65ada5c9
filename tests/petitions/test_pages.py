"""Petition pages: public list and detail (counts only), forms, the committee queue, socket events."""

from datetime import timedelta

import sqlalchemy as sa

from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.petitions import operations
from consult.petitions.models import Petition
from consult.petitions.models import PetitionStatus
from consult.roles.models import Role
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.petitions.conftest import households_of


def _met(db, petition, due):
    petition.status = PetitionStatus.THRESHOLD_MET
    petition.met_at = due - timedelta(days=7)
    petition.convene_due_at = due
    db.session.commit()


def test_list_is_public_and_its_queries_do_not_grow(client, db, place, make_resident, petition, count_queries):
    starter = make_resident(households_of(place.a)[0])
    for i in range(3):
        petition(place.a, starter.id, title=f'Petition {i}')
    with count_queries() as few:
        response = client.get(f'/petitions/c/{place.a.code}')
    assert response.status_code == 200
    for i in range(3, 25):
        petition(place.a, starter.id, title=f'Petition {i}')
    with count_queries() as many:
        response = client.get(f'/petitions/c/{place.a.code}')
    assert many.count == few.count
    text = response.get_data(as_text=True)
    assert text.count('class="petition"') == 20
    assert 'rel="next"' in text


def test_detail_shows_counts_against_each_alternative_but_no_signers(client, db, place, residents, make_resident):
    households = households_of(place.a)
    for h in households:
        residents(h, 10)
    starter = make_resident(households[0], display_name='张三签名')
    p = operations.start_petition(starter, place.a, 'Repair the lift', 'Broken.')
    db.session.commit()
    text = client.get(f'/petitions/{p.id}').get_data(as_text=True)
    assert '1 of 33 needed' in text  # 161 adults: 1/5 is 32.2
    assert '1 of 4 needed' in text  # 16 households
    assert '0 of 2 needed' in text  # 4 buildings
    assert 'buildings' in text
    assert 'art 10' in text
    assert '张三签名' not in text


def test_start_form_creates_a_signed_petition(client, auth, csrf, db, place, make_resident):
    households = households_of(place.a)
    user = make_resident(households[0])
    for h in households[1:]:
        make_resident(h)
    auth.login(user)
    response = client.post(
        f'/petitions/c/{place.a.code}/start',
        data={'title': 'Lift', 'matter': 'Broken.', 'csrf_token': csrf()},
    )
    petition = db.session.scalar(sa.select(Petition))
    assert response.status_code == 302
    assert response.headers['Location'].endswith(f'/petitions/{petition.id}')
    assert petition.started_by_id == user.id


def test_oversized_matter_is_a_form_error_and_saves_nothing(client, auth, csrf, db, place, make_resident):
    auth.login(make_resident(households_of(place.a)[0]))
    response = client.post(
        f'/petitions/c/{place.a.code}/start',
        data={'title': 'Lift', 'matter': 'x' * 2001, 'csrf_token': csrf()},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Petition)) == 0


def test_signing_the_deciding_signature_tells_starter_and_signers(
    app, client, auth, db, place, make_resident, socket_client, petition
):
    households = households_of(place.a)
    people = [make_resident(h) for h in households]  # 16 adults: 4 needed
    p = petition(place.a, people[0].id)
    for person in people[:3]:
        operations.sign(person, p)
    db.session.commit()
    auth.login(people[1])
    sio = socket_client()
    sio.get_received()
    signer = app.test_client()  # another device: logging out here would end this socket (its login session)
    AuthActions(signer).login(people[3])
    response = signer.post(f'/petitions/{p.id}/sign', data={'csrf_token': csrf_token(signer, f'/petitions/{p.id}')})
    assert response.status_code == 302
    db.session.refresh(p)
    assert p.status == PetitionStatus.THRESHOLD_MET
    events = [e for e in sio.get_received() if e['name'] == 'petition_changed']
    assert events == [
        {
            'name': 'petition_changed',
            'args': [{'petition_id': p.id, 'status': 'threshold_met', 'title': p.title}],
            'namespace': '/',
        }
    ]


def test_overdue_warning_on_the_public_page_and_first_in_the_queue(
    client, auth, db, place, make_resident, make_user, grant, petition
):
    starter = make_resident(households_of(place.a)[0])
    late = petition(place.a, starter.id, title='Late petition')
    soon = petition(place.a, starter.id, title='Soon petition')
    petition(place.a, starter.id, title='Open petition')
    _met(db, late, utcnow() - timedelta(seconds=5))
    _met(db, soon, utcnow() + timedelta(days=3))
    assert 'overdue-warning' in client.get(f'/petitions/{late.id}').get_data(as_text=True)
    assert 'overdue-warning' not in client.get(f'/petitions/{soon.id}').get_data(as_text=True)
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    auth.login(staff)
    text = client.get('/petitions/queue').get_data(as_text=True)
    assert text.index('Late petition') < text.index('Soon petition') < text.index('Open petition')
    assert text.count('is-overdue') == 1


def test_queue_shows_only_the_users_communities(client, auth, db, place, make_resident, make_user, grant, petition):
    petition(place.a, make_resident(households_of(place.a)[0]).id, title='Petition in A')
    staff_b = make_user()
    grant(staff_b, Role.COMMITTEE_STAFF, community=place.b)
    auth.login(staff_b)
    assert 'Petition in A' not in client.get('/petitions/queue').get_data(as_text=True)


def test_recording_the_meeting_through_the_form(
    client, auth, csrf, db, place, make_resident, make_user, grant, petition
):
    p = petition(place.a, make_resident(households_of(place.a)[0]).id)
    _met(db, p, utcnow() + timedelta(days=1))
    director = make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    auth.login(director)
    response = client.post(
        f'/petitions/{p.id}/convened',
        data={'convened_on': today().isoformat(), 'note': 'Held in the hall.', 'csrf_token': csrf()},
    )
    assert response.status_code == 302
    db.session.refresh(p)
    assert p.status == PetitionStatus.CONVENED
    assert 'Held in the hall.' in client.get(f'/petitions/{p.id}').get_data(as_text=True)
    audit = client.get('/audit/').get_data(as_text=True)
    assert "Recorded the residents' meeting for a petition (held" in audit


def test_a_future_meeting_date_is_refused_by_the_form(
    client, auth, csrf, db, place, make_resident, make_user, grant, petition
):
    p = petition(place.a, make_resident(households_of(place.a)[0]).id)
    _met(db, p, utcnow() + timedelta(days=1))
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    auth.login(staff)
    response = client.post(
        f'/petitions/{p.id}/convened',
        data={'convened_on': (today() + timedelta(days=1)).isoformat(), 'note': 'Held.', 'csrf_token': csrf()},
    )
    assert response.status_code == 200
    db.session.refresh(p)
    assert p.status == PetitionStatus.THRESHOLD_MET


def test_audit_log_labels_start_and_threshold(client, auth, db, place, make_resident, make_user, grant):
    starter = make_resident(households_of(place.a)[0])  # the only adult: 1 of 1 meets every alternative
    operations.start_petition(starter, place.a, 'Lift', 'Broken.')
    db.session.commit()
    director = make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    auth.login(director)
    audit = client.get('/audit/').get_data(as_text=True)
    assert "Started a petition for a residents' meeting" in audit
    assert 'Petition met its threshold (rules version 1)' in audit


def test_queue_queries_do_not_grow(client, auth, db, place, make_resident, make_user, grant, petition, count_queries):
    starter = make_resident(households_of(place.a)[0])
    starter_b = make_resident(households_of(place.b)[0])
    director = make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.b)
    for i in range(21):  # more than a page, so both requests paginate alike
        _met(db, petition(place.a, starter.id, title=f'A{i}'), utcnow() + timedelta(days=i))
    auth.login(director)
    db.session.expire_all()  # both requests start from an empty identity map
    with count_queries() as few:
        assert client.get('/petitions/queue').status_code == 200
    for i in range(21, 60):
        p = petition(place.b if i % 2 else place.a, (starter_b if i % 2 else starter).id, title=f'P{i}')
        if i % 3:
            _met(db, p, utcnow() - timedelta(hours=i))
    db.session.expire_all()
    with count_queries() as many:
        text = client.get('/petitions/queue').get_data(as_text=True)
    assert many.count == few.count
    assert text.count('<tr class="petition') == 20
