import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.kernel.refusals import Refusal
from consult.roles import operations
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.roles.permissions import community_ids_for
from consult.roles.permissions import has_role


@pytest.fixture
def director(make_user, grant, place):
    user = make_user()
    grant(user, Role.COMMITTEE_DIRECTOR, community=place.a)
    return user


@pytest.fixture
def admin(make_user, grant):
    user = make_user()
    grant(user, Role.ADMIN)
    return user


def test_director_grants_staff_in_own_community_with_audit(db, place, director, make_user):
    target = make_user()
    grant = operations.grant_role(director, target, Role.COMMITTEE_STAFF, '新招聘社工', community=place.a)
    db.session.commit()
    assert has_role(target, Role.COMMITTEE_STAFF, place.a)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'role.grant'))
    assert (entry.actor_id, entry.subject_id, entry.reason) == (director.id, target.id, '新招聘社工')
    assert entry.details['role'] == 'committee_staff'
    assert entry.details['grant_id'] == grant.id


@pytest.mark.parametrize('role', [Role.COMMITTEE_DIRECTOR, Role.PARTY_ORG, Role.ADMIN, Role.NPC_DEPUTY])
def test_director_cannot_grant_higher_roles(db, place, director, make_user, role):
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(director, make_user(), role, 'x', community=place.a)
    assert excinfo.value.code == 'forbidden'


def test_director_cannot_grant_in_another_community(db, place, director, make_user):
    with pytest.raises(Refusal):
        operations.grant_role(director, make_user(), Role.COMMITTEE_STAFF, 'x', community=place.b)


def test_reason_is_required(db, place, director, make_user):
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(director, make_user(), Role.EXPERT, '  ', community=place.a)
    assert excinfo.value.rule.code == 'reason_required'
    assert str(excinfo.value.rule.source) in str(excinfo.value)


def test_duplicate_grant_is_refused(db, place, director, make_user):
    target = make_user()
    operations.grant_role(director, target, Role.EXPERT, 'x', community=place.a)
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(director, target, Role.EXPERT, 'x', community=place.a)
    assert excinfo.value.code == 'duplicate'


def test_committee_member_cannot_join_supervisory_committee(db, place, director, make_user):
    target = make_user()
    operations.grant_role(director, target, Role.COMMITTEE_STAFF, 'x', community=place.a)
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(director, target, Role.SUPERVISORY_COMMITTEE, 'x', community=place.a)
    assert excinfo.value.rule.code == 'supervisory_independence'


def test_supervisor_cannot_join_committee(db, place, admin, make_user):
    target = make_user()
    operations.grant_role(admin, target, Role.SUPERVISORY_COMMITTEE, 'x', community=place.a)
    with pytest.raises(Refusal):
        operations.grant_role(admin, target, Role.COMMITTEE_DIRECTOR, 'x', community=place.a)


def test_representative_must_be_a_verified_resident(db, place, director, make_user, make_resident):
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(director, make_user(), Role.REPRESENTATIVE, 'x', community=place.a)
    assert excinfo.value.rule.code == 'representative_is_resident'
    outsider = make_resident(place.households(place.b)[0])
    with pytest.raises(Refusal):
        operations.grant_role(director, outsider, Role.REPRESENTATIVE, 'x', community=place.a)
    resident = make_resident(place.households(place.a)[0])
    operations.grant_role(director, resident, Role.REPRESENTATIVE, '选举产生', community=place.a)


def test_joint_party_committee_covers_its_central_communities(db, place, admin, make_user):
    target = make_user()
    operations.grant_role(admin, target, Role.JOINT_PARTY_COMMITTEE, 'x', central_community=place.central)
    assert community_ids_for(target, Role.JOINT_PARTY_COMMITTEE) == {place.a.id, place.b.id}


def test_department_serves_its_assigned_communities(db, place, admin, make_user):
    target = make_user()
    operations.grant_role(admin, target, Role.DEPARTMENT, 'x', department=place.department)
    assert community_ids_for(target, Role.DEPARTMENT) == {place.a.id}


def test_deputy_constituency_spans_communities(db, place, admin, make_user):
    deputy = make_user()
    operations.grant_role(admin, deputy, Role.NPC_DEPUTY, 'x', community=place.a)
    operations.grant_role(admin, deputy, Role.NPC_DEPUTY, 'x', community=place.c)
    assert community_ids_for(deputy, Role.NPC_DEPUTY) == {place.a.id, place.c.id}


def test_scope_is_required(db, place, admin, make_user):
    with pytest.raises(Refusal) as excinfo:
        operations.grant_role(admin, make_user(), Role.DEPARTMENT, 'x')
    assert excinfo.value.code == 'scope_required'


def test_revoke_keeps_history_and_audits(db, place, director, make_user):
    target = make_user()
    grant = operations.grant_role(director, target, Role.GRID_WORKER, 'x', community=place.a)
    operations.revoke_role(director, grant, '调岗')
    db.session.commit()
    assert not has_role(target, Role.GRID_WORKER, place.a)
    row = db.session.get(RoleGrant, grant.id)
    assert row.revoked_at is not None
    assert row.revoke_reason == '调岗'
    assert db.session.scalar(sa.select(AuditEntry.reason).where(AuditEntry.action == 'role.revoke')) == '调岗'
    with pytest.raises(Refusal) as excinfo:
        operations.revoke_role(director, row, 'again')
    assert excinfo.value.code == 'wrong_state'


def test_admin_cannot_revoke_own_admin_role(db, admin):
    own = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == admin.id))
    with pytest.raises(Refusal) as excinfo:
        operations.revoke_role(admin, own, 'oops')
    assert excinfo.value.code == 'self_revoke'


def test_grant_through_the_form(client, auth, csrf, db, place, director, make_user):
    target = make_user(mobile='13955556666')
    auth.login(director)
    response = client.post(
        '/roles/grant',
        data={
            'identifier': '13955556666',
            'role': 'expert',
            'community_id': place.a.id,
            'central_community_id': 0,
            'department_id': 0,
            'reason': '规划咨询',
            'csrf_token': csrf('/roles/grant'),
        },
    )
    assert response.status_code == 302
    assert has_role(target, Role.EXPERT, place.a)
    page = client.get('/roles/').get_data(as_text=True)
    assert '规划咨询' in page


def test_grant_form_unknown_person(client, auth, csrf, db, place, director):
    auth.login(director)
    response = client.post(
        '/roles/grant',
        data={
            'identifier': '13900009999',
            'role': 'expert',
            'community_id': place.a.id,
            'reason': 'x',
            'csrf_token': csrf('/roles/grant'),
        },
    )
    assert response.status_code == 200
    assert 'No account' in response.get_data(as_text=True)


def test_revoke_through_the_form_needs_a_reason(client, auth, csrf, db, place, director, make_user, grant):
    row = grant(make_user(), Role.EXPERT, community=place.a)
    auth.login(director)
    client.post(f'/roles/{row.id}/revoke', data={'reason': '', 'csrf_token': csrf('/roles/')})
    db.session.refresh(row)
    assert row.revoked_at is None
    client.post(f'/roles/{row.id}/revoke', data={'reason': '任期结束', 'csrf_token': csrf('/roles/')})
    db.session.refresh(row)
    assert row.revoked_at is not None


def test_audit_log_shows_who_when_why(client, auth, db, place, director, make_user):
    operations.grant_role(director, make_user(display_name='被授权人'), Role.EXPERT, '特聘专家', community=place.a)
    db.session.commit()
    auth.login(director)
    page = client.get('/audit/').get_data(as_text=True)
    assert '特聘专家' in page
    assert '被授权人' in page
    assert director.display_name in page


def test_audit_log_is_scoped_to_the_viewers_communities(client, auth, db, place, admin, make_user, grant):
    other_director = make_user()
    grant(other_director, Role.COMMITTEE_DIRECTOR, community=place.b)
    operations.grant_role(admin, make_user(), Role.EXPERT, '甲社区专家', community=place.a)
    db.session.commit()
    auth.login(other_director)
    assert '甲社区专家' not in client.get('/audit/').get_data(as_text=True)
