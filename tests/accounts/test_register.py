import sqlalchemy as sa

from consult.accounts.models import User
from consult.security import verify_password


def _form(csrf, **overrides):
    data = {
        'identifier': '13912340000',
        'display_name': '小李',
        'real_name': '李四',
        'birth_date': '1990-05-17',
        'password': 'long-enough-1',
        'confirm': 'long-enough-1',
        'csrf_token': csrf('/account/register'),
    }
    data.update(overrides)
    return data


def _users(db):
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_register_with_mobile_logs_in_and_hashes_with_argon2id(client, db, csrf):
    response = client.post('/account/register', data=_form(csrf))
    assert response.status_code == 302
    assert response.headers['Location'].endswith('/residency/claim')
    user = db.session.scalar(sa.select(User).where(User.mobile == '13912340000'))
    assert user.password_hash.startswith('$argon2id$')
    assert verify_password(user.password_hash, 'long-enough-1')
    assert user.real_name == '李四'


def test_register_with_email_normalises_case(client, db, csrf):
    client.post('/account/register', data=_form(csrf, identifier='  Li.Si@Example.ORG '))
    assert db.session.scalar(sa.select(User.email)) == 'li.si@example.org'


def test_register_mobile_with_spaces_and_dashes(client, db, csrf):
    client.post('/account/register', data=_form(csrf, identifier='139-1234 0000'))
    assert db.session.scalar(sa.select(User.mobile)) == '13912340000'


def test_duplicate_identifier_is_refused_and_nothing_saved(client, db, csrf, make_user):
    make_user(mobile='13912340000')
    before = _users(db)
    response = client.post('/account/register', data=_form(csrf))
    assert response.status_code == 200
    assert 'already exists' in response.get_data(as_text=True)
    assert _users(db) == before


def test_bad_inputs_keep_the_form_and_save_nothing(client, db, csrf):
    cases = [
        {'identifier': ''},
        {'identifier': '12345'},
        {'identifier': 'not-an-email@'},
        {'display_name': ''},
        {'display_name': 'x' * 41},
        {'birth_date': 'yesterday'},
        {'birth_date': '2999-01-01'},
        {'password': 'short', 'confirm': 'short'},
        {'confirm': 'different-1'},
        {'real_name': '<b></b>'},
    ]
    for overrides in cases:
        response = client.post('/account/register', data=_form(csrf, **overrides))
        assert response.status_code == 200, overrides
        page = response.get_data(as_text=True)
        assert 'class="error"' in page, overrides
        assert 'value="小李"' in page or overrides.get('display_name') is not None, overrides
    assert _users(db) == 0


def test_markup_in_names_is_stripped(client, db, csrf):
    client.post('/account/register', data=_form(csrf, display_name='<script>alert(1)</script>阿明'))
    user = db.session.scalar(sa.select(User))
    assert user.display_name == '阿明'  # nh3 drops script elements with their content
    page = client.get('/').get_data(as_text=True)
    assert '<script>alert' not in page


def test_register_without_csrf_token_is_refused(client, db, csrf):
    data = _form(csrf)
    del data['csrf_token']
    response = client.post('/account/register', data=data)
    assert response.status_code == 400
    assert _users(db) == 0
