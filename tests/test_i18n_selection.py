import pytest

from consult.i18n import map_language_tag
from consult.i18n import negotiate


@pytest.mark.parametrize(
    ('header', 'expected'),
    [
        ('zh-TW', 'zh_Hant'),
        ('zh-HK,zh;q=0.9', 'zh_Hant'),
        ('zh-MO', 'zh_Hant'),
        ('zh-Hant', 'zh_Hant'),
        ('zh-CN,zh;q=0.9,en;q=0.8', 'zh_Hans'),
        ('zh', 'zh_Hans'),
        ('zh-SG', 'zh_Hans'),
        ('zh-Hans-CN', 'zh_Hans'),
        ('en-US,en;q=0.9', 'en'),
        ('fr-FR,en;q=0.5', 'en'),
        ('en;q=0.4,zh-TW;q=0.8', 'zh_Hant'),
        ('de', None),
        ('', None),
        (None, None),
        ('zh-TW;q=0, en', 'en'),
        ('garbage;;;q=x,,', None),
    ],
)
def test_negotiate(header, expected):
    assert negotiate(header) == expected


def test_map_rejects_nonsense():
    assert map_language_tag('*') is None
    assert map_language_tag('x-klingon') is None


def test_default_is_simplified_chinese(client):
    assert 'lang="zh-Hans"' in client.get('/', headers={'Accept-Language': ''}).get_data(as_text=True)


def test_browser_language_is_followed(client):
    assert 'lang="zh-Hant"' in client.get('/', headers={'Accept-Language': 'zh-TW'}).get_data(as_text=True)
    assert 'lang="en"' in client.get('/', headers={'Accept-Language': 'en-GB'}).get_data(as_text=True)


def test_user_choice_wins_over_browser_and_is_remembered_on_the_account(client, auth, csrf, db, make_user):
    client.post('/language', data={'locale': 'zh_Hant', 'csrf_token': csrf()})
    assert 'lang="zh-Hant"' in client.get('/', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    user = make_user()
    auth.login(user)
    client.post('/language', data={'locale': 'en', 'csrf_token': csrf()})
    db.session.refresh(user)
    assert user.locale == 'en'
    auth.logout()
    client.post('/language', data={'locale': '', 'csrf_token': csrf()})
    auth.login(user)
    assert 'lang="en"' in client.get('/').get_data(as_text=True)


def test_unknown_language_choice_falls_back(client, csrf):
    client.post('/language', data={'locale': 'xx', 'csrf_token': csrf()})
    assert 'lang="zh-Hans"' in client.get('/', headers={'Accept-Language': ''}).get_data(as_text=True)


def test_language_switch_redirect_stays_on_site(client, csrf):
    response = client.post(
        '/language', data={'locale': 'en', 'csrf_token': csrf()}, headers={'Referer': 'https://evil.example/'}
    )
    assert response.headers['Location'] == '/'


def test_wtforms_messages_follow_the_script(client, csrf):
    data = {'identifier': '', 'password': '', 'csrf_token': csrf('/account/login')}
    hant = client.post('/account/login', data=data, headers={'Accept-Language': 'zh-TW'}).get_data(as_text=True)
    assert '此欄位是必需的。' in hant
    assert '该字段是必填字段。' not in hant
    hans = client.post('/account/login', data=data, headers={'Accept-Language': 'zh-CN'}).get_data(as_text=True)
    assert '该字段是必填字段。' in hans


def test_login_required_message_is_translated(client):
    response = client.get('/residency/', headers={'Accept-Language': 'zh-CN'}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'Please log in' not in page
    assert '请先登录' in page
