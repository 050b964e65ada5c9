import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.residency.models import Membership
from consult.residency.models import RosterEntry
from consult.residency.models import RosterImport
from consult.roles.models import Role


def _claim(client, csrf, household):
    path = f'/residency/claim?community={household.building.grid.community_id}&building={household.building_id}'
    return client.post(path, data={'household_id': household.id, 'csrf_token': csrf(path)})


def _claimed(client, auth, csrf, db, user, household):
    """Log ``user`` in, claim ``household`` through the form, log out; return the new claim."""
    auth.login(user)
    _claim(client, csrf, household)
    [membership] = _memberships(db, user)
    auth.logout()
    return membership


def _memberships(db, user):
    return db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)).all()


def test_claim_is_pending_until_staff_decide(client, auth, csrf, db, place, make_user):
    user = make_user()
    auth.login(user)
    assert _claim(client, csrf, place.households(place.a)[0]).status_code == 302
    [membership] = _memberships(db, user)
    assert membership.status == 'pending'
    page = client.get('/residency/').get_data(as_text=True)
    assert 'Waiting for review' in page


def test_second_pending_claim_is_refused(client, auth, csrf, db, place, make_user):
    user = make_user()
    auth.login(user)
    _claim(client, csrf, place.households(place.a)[0])
    response = _claim(client, csrf, place.households(place.a)[1])
    assert response.status_code == 200
    assert 'already have a claim' in response.get_data(as_text=True)
    assert len(_memberships(db, user)) == 1


def test_claim_with_household_of_another_building_is_refused(client, auth, csrf, db, place, make_user):
    user = make_user()
    auth.login(user)
    households = place.households(place.a)
    other = next(h for h in households if h.building_id != households[0].building_id)
    path = f'/residency/claim?community={place.a.id}&building={households[0].building_id}'
    response = client.post(path, data={'household_id': other.id, 'csrf_token': csrf(path)})
    assert response.status_code == 200
    assert _memberships(db, user) == []


def test_staff_approve_and_the_resident_sees_it(client, auth, csrf, db, place, make_user, grant):
    resident = make_user()
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    membership = _claimed(client, auth, csrf, db, resident, place.households(place.a)[0])
    auth.login(staff)
    response = client.post(f'/residency/{membership.id}/approve', data={'csrf_token': csrf('/residency/review')})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.status == 'verified'
    assert membership.decided_by_id == staff.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'residency.verify'))
    assert entry.actor_id == staff.id
    assert entry.subject_id == resident.id
    auth.logout()
    auth.login(resident)
    assert 'id="verified-status"' in client.get('/residency/').get_data(as_text=True)


def test_reject_needs_a_reason_and_the_resident_sees_it(client, auth, csrf, db, place, make_user, grant):
    resident = make_user()
    staff = make_user()
    grant(staff, Role.COMMITTEE_DIRECTOR, community=place.a)
    membership = _claimed(client, auth, csrf, db, resident, place.households(place.a)[0])
    auth.login(staff)
    path = f'/residency/{membership.id}/reject'
    assert client.post(path, data={'reason': '   ', 'csrf_token': csrf(path)}).status_code == 200
    db.session.refresh(membership)
    assert membership.status == 'pending'
    client.post(path, data={'reason': '该户登记人口中无此人', 'csrf_token': csrf(path)})
    db.session.refresh(membership)
    assert membership.status == 'rejected'
    auth.logout()
    auth.login(resident)
    assert '该户登记人口中无此人' in client.get('/residency/').get_data(as_text=True)


def test_deciding_twice_is_refused(client, auth, csrf, db, place, make_user, grant):
    resident = make_user()
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    membership = _claimed(client, auth, csrf, db, resident, place.households(place.a)[0])
    auth.login(staff)
    token = csrf('/residency/review')
    client.post(f'/residency/{membership.id}/approve', data={'csrf_token': token})
    client.post(f'/residency/{membership.id}/reject', data={'reason': 'late', 'csrf_token': token})
    db.session.refresh(membership)
    assert membership.status == 'verified'
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action.like('residency.%'))) == 1


def test_staff_of_another_community_cannot_decide(client, auth, csrf, db, place, make_user, grant):
    resident = make_user()
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.b)
    membership = _claimed(client, auth, csrf, db, resident, place.households(place.a)[0])
    auth.login(staff)
    token = csrf('/residency/review')
    assert client.post(f'/residency/{membership.id}/approve', data={'csrf_token': token}).status_code == 403
    assert client.get(f'/residency/{membership.id}/reject').status_code == 403
    assert '测试' not in client.get('/residency/review').get_data(as_text=True).split('<main')[1]


def test_moving_ends_the_old_membership_and_keeps_history(db, place, make_resident, make_user):
    from consult.residency import operations

    user = make_resident(place.households(place.a)[0])
    new = operations.claim_residence(user, place.households(place.b)[0])
    operations.verify(new, None, 'staff')
    db.session.commit()
    old, current = _memberships(db, user)
    assert old.status == 'ended'
    assert old.end_reason == 'moved'
    assert old.ended_at is not None
    assert current.status == 'verified'
    assert current.community_id == place.b.id


def test_claim_matching_the_roster_verifies_itself(db, place, make_user):
    from consult.residency import operations

    household = place.households(place.a)[0]
    staff = make_user()
    batch = RosterImport(
        community_id=place.a.id, imported_by_id=staff.id, filename='r.csv', encoding='utf-8', row_count=1
    )
    db.session.add(batch)
    db.session.flush()
    user = make_user(real_name='周八')
    db.session.add(
        RosterEntry(
            import_id=batch.id,
            community_id=place.a.id,
            household_id=household.id,
            real_name='周八',
            birth_date=user.birth_date,
        )
    )
    membership = operations.claim_residence(user, household)
    assert membership.status == 'verified'
    assert membership.method == 'roster'


def test_withdraw_own_pending_claim_only(client, auth, csrf, db, place, make_user):
    owner = make_user()
    intruder = make_user()
    membership = _claimed(client, auth, csrf, db, owner, place.households(place.a)[0])
    auth.login(intruder)
    assert client.post(f'/residency/{membership.id}/withdraw', data={'csrf_token': csrf()}).status_code == 403
    auth.logout()
    auth.login(owner)
    client.post(f'/residency/{membership.id}/withdraw', data={'csrf_token': csrf()})
    db.session.refresh(membership)
    assert membership.status == 'withdrawn'


def test_review_queue_query_count_does_not_grow_with_claims(client, auth, db, place, make_user, grant, count_queries):
    from consult.residency import operations

    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    auth.login(staff)

    def queries_for_page():
        with count_queries() as counter:
            assert client.get('/residency/review').status_code == 200
        return counter.count

    for household in place.households(place.a)[:2]:
        operations.claim_residence(make_user(), household)
    db.session.commit()
    few = queries_for_page()
    for household in place.households(place.a)[2:14]:
        operations.claim_residence(make_user(), household)
    db.session.commit()
    assert queries_for_page() == few


def test_staff_see_masked_mobile_and_residents_never_see_private_data(
    client, auth, csrf, db, place, make_user, make_resident, grant
):
    from datetime import date

    private = make_resident(place.households(place.a)[0], mobile='13911112222', birth_date=date(1977, 7, 7))
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    neighbour = make_resident(place.households(place.a)[1])
    auth.login(neighbour)
    for path in ('/', '/residency/', f'/communities/{place.a.code}', '/communities/'):
        page = client.get(path).get_data(as_text=True)
        assert '13911112222' not in page
        assert '1977-07-07' not in page
        assert private.real_name not in page
    auth.logout()
    auth.login(staff)
    from consult.residency import operations

    operations.claim_residence(private, place.households(place.a)[2])
    db.session.commit()
    page = client.get('/residency/review').get_data(as_text=True)
    assert '139****2222' in page
    assert '13911112222' not in page


def test_a_concurrent_second_pending_claim_is_refused_cleanly(db, place, make_user):
    """Two requests both pass the 'no pending claim' check; the database's partial unique index decides."""
    import pytest

    from consult.kernel.refusals import Refusal
    from consult.residency import operations

    user = make_user()
    first = place.households(place.a)[0]
    db.session.add(
        Membership(
            user_id=user.id,
            household_id=first.id,
            community_id=place.a.id,
            grid_id=first.building.grid_id,
            status='pending',
        )
    )
    db.session.flush()
    original = operations.pending_claim
    operations.pending_claim = lambda u: None  # as if the other request had not committed yet
    try:
        with pytest.raises(Refusal) as excinfo:
            operations.claim_residence(user, place.households(place.a)[1])
    finally:
        operations.pending_claim = original
    assert excinfo.value.code == 'duplicate'
    assert len(_memberships(db, user)) == 1
