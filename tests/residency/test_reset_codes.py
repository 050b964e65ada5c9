"""Issue 12: committee staff issue a one-time password reset code to a verified resident of their community.

Only staff and the director of the resident's community issue one (403 otherwise); it is shown once, stored
hashed, audited; the resident uses it once, within 24 hours, and it stops after repeated wrong tries.
"""

import re
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import PasswordReset
from consult.audit.models import AuditEntry
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.support import PASSWORD

NEW = 'brand-new-pass-2'


def _membership_id(db, user):
    from consult.residency.models import Membership

    return db.session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id))


def _issue(app, db, actor, resident):
    c = app.test_client()
    AuthActions(c).login(actor)
    return c.post(
        f'/residency/{_membership_id(db, resident)}/reset-code',
        data={'csrf_token': csrf_token(c, '/residency/review')},
    )


def _code(response) -> str:
    return re.search(r'id="reset-code"[^>]*>(\d{8})<', response.get_data(as_text=True)).group(1)


def _use(c, identifier, code, password=NEW):
    return c.post(
        '/account/reset-code',
        data={
            'identifier': identifier,
            'code': code,
            'password': password,
            'confirm': password,
            'csrf_token': csrf_token(c, '/account/reset-code'),
        },
    )


def _staff(make_user, grant, community, role=Role.COMMITTEE_STAFF):
    person = make_user()
    grant(person, role, community=community)
    return person


def test_staff_of_the_community_issue_a_code_shown_once_stored_hashed_and_audited(
    app, db, place, make_user, make_resident, grant
):
    resident = make_resident(place.households(place.a)[0])
    staff = _staff(make_user, grant, place.a)
    response = _issue(app, db, staff, resident)
    assert response.status_code == 200
    assert response.headers['Cache-Control'] == 'no-store'
    code = _code(response)
    stored = db.session.scalars(sa.select(PasswordReset).where(PasswordReset.user_id == resident.id)).one()
    assert stored.kind == 'code'
    assert stored.issued_by_id == staff.id
    assert code not in stored.secret_hash
    assert stored.expires_at - utcnow() > timedelta(hours=23)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == 'accounts.issue_reset_code')).one()
    assert (entry.actor_id, entry.subject_id, entry.community_id) == (staff.id, resident.id, place.a.id)


def test_the_director_issues_one_too(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    director = _staff(make_user, grant, place.a, Role.COMMITTEE_DIRECTOR)
    assert _issue(app, db, director, resident).status_code == 200


def test_only_staff_of_the_residents_community_issue_a_code(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    others = [
        _staff(make_user, grant, place.b),  # staff of another community
        _staff(make_user, grant, place.a, Role.REPRESENTATIVE),
        make_resident(place.households(place.a)[1]),  # a neighbour
        resident,  # the resident themself
    ]
    for person in others:
        assert _issue(app, db, person, resident).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0


def test_no_code_for_a_pending_claim(app, db, place, make_user, grant):
    from consult.residency import operations

    claimant = make_user()
    operations.claim_residence(claimant, place.households(place.a)[2])
    db.session.commit()
    assert _issue(app, db, _staff(make_user, grant, place.a), claimant).status_code == 403


def test_staff_find_the_resident_by_mobile_number(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    c = app.test_client()
    AuthActions(c).login(_staff(make_user, grant, place.a))
    page = c.get(f'/residency/communities/{place.a.id}/reset-code?identifier={resident.mobile}')
    assert f'/residency/{_membership_id(db, resident)}/reset-code' in page.get_data(as_text=True)
    other = c.get(f'/residency/communities/{place.b.id}/reset-code?identifier={resident.mobile}')
    assert other.status_code == 403


def test_the_code_resets_the_password_once_and_ends_sessions(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    phone = app.test_client()
    AuthActions(phone).login(resident)
    code = _code(_issue(app, db, _staff(make_user, grant, place.a), resident))
    c = app.test_client()
    response = _use(c, resident.mobile, code[:4] + ' ' + code[4:])
    assert response.status_code == 302
    assert 'data-user=' not in phone.get('/').get_data(as_text=True)
    assert AuthActions(app.test_client()).login(resident, password=NEW).status_code == 302
    assert _use(app.test_client(), resident.mobile, code, 'another-pass-3').status_code == 401  # used
    assert AuthActions(app.test_client()).login(resident, password=NEW).status_code == 302


def test_the_code_expires(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    code = _code(_issue(app, db, _staff(make_user, grant, place.a), resident))
    db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _use(app.test_client(), resident.mobile, code).status_code == 401
    assert AuthActions(app.test_client()).login(resident, password=PASSWORD).status_code == 302


def test_wrong_codes_stop_the_code(app, db, place, make_user, make_resident, grant, monkeypatch):
    monkeypatch.setitem(app.config, 'RESET_CODE_ACCOUNT_RATE_LIMIT', '100 per hour')  # the code's own count here
    resident = make_resident(place.households(place.a)[0])
    code = _code(_issue(app, db, _staff(make_user, grant, place.a), resident))
    wrong = f'{(int(code) + 1) % 10**8:08d}'
    for n in range(app.config['PASSWORD_RESET_CODE_MAX_FAILURES']):
        c = app.test_client()
        c.environ_base['REMOTE_ADDR'] = f'203.0.113.{n + 1}'
        response = _use(c, resident.mobile, wrong)
        assert response.status_code == 401
        assert 'code is no longer valid' in response.get_data(as_text=True)
    c = app.test_client()
    c.environ_base['REMOTE_ADDR'] = '198.51.100.7'
    assert _use(c, resident.mobile, code).status_code == 401  # the right code no longer works
    assert AuthActions(app.test_client()).login(resident, password=PASSWORD).status_code == 302


def test_an_unknown_number_gets_the_same_answer(app, db, place, make_user, make_resident, grant):
    resident = make_resident(place.households(place.a)[0])
    _issue(app, db, _staff(make_user, grant, place.a), resident)
    known = _use(app.test_client(), resident.mobile, '00000000')
    unknown = _use(app.test_client(), '13700000001', '00000000')
    assert known.status_code == unknown.status_code == 401
    message = re.compile(r'id="reset-error">([^<]+)<')
    assert message.search(known.get_data(as_text=True)).group(1) == message.search(
        unknown.get_data(as_text=True)
    ).group(1)


def test_code_tries_are_limited_per_address(app, db):
    limit = int(app.config['RESET_CODE_RATE_LIMIT'].split()[0])
    c = app.test_client()
    codes = [_use(c, f'1370000{n:04d}', '12345678').status_code for n in range(limit + 1)]
    assert codes == [401] * limit + [429]


def test_code_tries_are_limited_per_account(app, db, place, make_resident):
    resident = make_resident(place.households(place.a)[0])
    limit = int(app.config['RESET_CODE_ACCOUNT_RATE_LIMIT'].split()[0])
    codes = []
    for n in range(limit + 1):
        c = app.test_client()
        c.environ_base['REMOTE_ADDR'] = f'203.0.113.{n + 1}'
        codes.append(_use(c, resident.mobile, '12345678').status_code)
    assert codes == [401] * limit + [429]
