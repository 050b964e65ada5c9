"""Large text (issue 12): a toggle kept in a cookie for the device and on the account for every device."""

import re

from consult.main.context import TEXT_SIZE_COOKIE

LARGE = 'class="large-text"'


def _pressed(page: str) -> str:
    return re.search(r'id="large-text-toggle" aria-pressed="(\w+)"', page).group(1)


def test_large_text_is_off_by_default_and_the_toggle_says_so(client):
    page = client.get('/').get_data(as_text=True)
    assert LARGE not in page
    assert _pressed(page) == 'false'


def test_anonymous_choice_is_kept_in_a_cookie_for_this_device(client, csrf):
    response = client.post(
        '/text-size', data={'large': '1', 'csrf_token': csrf()}, headers={'Referer': 'http://localhost/topics/'}
    )
    assert response.status_code == 302
    assert response.headers['Location'].endswith('/topics/')
    cookie = client.get_cookie(TEXT_SIZE_COOKIE)
    assert cookie.value == 'large'
    assert cookie.expires is not None  # it outlives the browser session
    page = client.get('/topics/').get_data(as_text=True)
    assert re.search(r'<html lang="[\w-]+" class="large-text">', page)
    assert _pressed(page) == 'true'
    client.post('/text-size', data={'large': '0', 'csrf_token': csrf()})
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None
    assert LARGE not in client.get('/').get_data(as_text=True)


def test_account_choice_follows_the_person_to_another_device(client, auth, csrf, db, make_user):
    user = make_user()
    auth.login(user)
    client.post('/text-size', data={'large': '1', 'csrf_token': csrf()})
    db.session.refresh(user)
    assert user.large_text is True
    client.delete_cookie(TEXT_SIZE_COOKIE)  # as on a device that never chose
    auth.logout()
    assert LARGE not in client.get('/').get_data(as_text=True)
    auth.login(user)
    assert LARGE in client.get('/').get_data(as_text=True)  # the account's choice
    client.post('/text-size', data={'large': '0', 'csrf_token': csrf()})
    db.session.refresh(user)
    assert user.large_text is False
    assert LARGE not in client.get('/').get_data(as_text=True)


def test_bad_or_forged_text_size_posts_change_nothing(client, csrf):
    assert client.post('/text-size', data={'large': '1'}).status_code in (302, 400)  # no CSRF token
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None
    response = client.post(
        '/text-size', data={'large': 'x' * 500, 'csrf_token': csrf()}, headers={'Referer': 'https://evil.example/'}
    )
    assert response.status_code == 302
    assert response.headers['Location'] == '/'
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None
