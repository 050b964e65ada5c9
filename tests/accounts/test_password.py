from tests.support import PASSWORD


def _change(client, csrf, current, new, confirm=None):
    return client.post(
        '/account/password',
        data={
            'current': current,
            'password': new,
            'confirm': confirm or new,
            'csrf_token': csrf('/account/password'),
        },
    )


def test_change_password(client, auth, csrf, make_user):
    user = make_user()
    auth.login(user)
    assert _change(client, csrf, PASSWORD, 'brand-new-pass-2').status_code == 302
    auth.logout()
    assert auth.login(user, password=PASSWORD).status_code == 401
    assert auth.login(user, password='brand-new-pass-2').status_code == 302


def test_wrong_current_password_is_refused(client, auth, csrf, make_user, db):
    user = make_user()
    old_hash = user.password_hash
    auth.login(user)
    response = _change(client, csrf, 'not-it-at-all', 'brand-new-pass-2')
    assert response.status_code == 200
    assert 'current password is wrong' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_password_change_logs_out_other_sessions(app, client, auth, csrf, make_user):
    user = make_user()
    other = app.test_client()
    other.post('/account/login', data={'identifier': user.mobile, 'password': PASSWORD, 'csrf_token': _token(other)})
    assert 'data-user=' in other.get('/').get_data(as_text=True)
    auth.login(user)
    _change(client, csrf, PASSWORD, 'brand-new-pass-2')
    assert 'data-user=' not in other.get('/').get_data(as_text=True)
    assert 'data-user=' in client.get('/').get_data(as_text=True)


def test_password_page_needs_login(client):
    response = client.get('/account/password')
    assert response.status_code == 302
    assert '/account/login' in response.headers['Location']


def _token(c):
    import re

    return re.search(r'name="csrf-token" content="([^"]+)"', c.get('/').get_data(as_text=True)).group(1)
