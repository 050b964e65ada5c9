"""Issue 12: a missing step explains itself (why, and how to get it); a role that cannot propose is not offered
the button; the 403 and 429 pages say why and what to do."""

from consult.residency import operations as residency
from consult.topics.models import SourceChannel


def _zh(client, url):
    return client.get(url, headers={'Accept-Language': ''}).get_data(as_text=True)


def test_an_unverified_person_is_told_why_there_is_no_cosign_button(client, db, auth, make_user, make_topic, cast):
    topic = make_topic('submitted', submitter=cast.resident, channel=SourceChannel.ONLINE)
    auth.login(make_user())
    page = _zh(client, f'/topics/{topic.id}')
    assert f'action="/topics/{topic.id}/cosign"' not in page
    assert f'联署仅限{topic.community.name}已核验的居民' in page
    assert 'href="/residency/claim"' in page


def test_a_pending_claim_says_it_is_pending(client, db, auth, make_user, make_topic, cast):
    topic = make_topic('submitted', submitter=cast.resident, channel=SourceChannel.ONLINE)
    user = make_user()
    residency.claim_residence(user, cast.place.households(cast.place.a)[2])
    db.session.commit()
    auth.login(user)
    assert '您的居住申报正在等待居委会审核' in _zh(client, f'/topics/{topic.id}')
    mine = _zh(client, '/residency/')
    assert 'id="pending-status"' in mine
    assert '正在等待居委会审核' in mine


def test_a_verified_resident_gets_no_explanation(client, db, auth, cast, make_topic):
    topic = make_topic('submitted', submitter=cast.neighbour, channel=SourceChannel.ONLINE)
    auth.login(cast.resident)
    page = _zh(client, f'/topics/{topic.id}')
    assert 'why-not' not in page


def test_only_who_may_propose_is_offered_the_button(client, db, auth, make_user, cast):
    auth.login(make_user())
    page = _zh(client, '/topics/mine')
    assert 'href="/topics/new"' not in page
    assert '申报居住地' in page
    assert client.get('/topics/new').status_code == 403
    auth.logout()
    auth.login(cast.resident)
    assert 'href="/topics/new"' in _zh(client, '/topics/mine')


def test_the_403_page_says_what_to_do(client, db, auth, make_user):
    auth.login(make_user())
    response = client.get('/topics/new', headers={'Accept-Language': ''})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert '居民：请查看您的居住申报' in page
    assert 'href="/residency/"' in page


def test_the_429_page_says_how_long_to_wait(client, auth, app):
    limit = int(app.config['LOGIN_RATE_LIMIT'].split()[0])
    for n in range(limit):
        auth.login(f'1390000{n:04d}', password='x-password')
    response = auth.login('13900009999', password='x-password')
    assert response.status_code == 429
    wait = int(response.headers['Retry-After'])
    assert 1 <= wait <= 61
    page = response.get_data(as_text=True)
    assert 'Please wait' in page
    assert ' second' in page or ' minute' in page
