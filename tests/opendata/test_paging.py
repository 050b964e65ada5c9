"""Keyset pages with opaque cursors: stable while rows are added, bounded, and refused clearly when malformed."""

import pytest

from .conftest import as_json
from .conftest import make_topic


@pytest.fixture
def many_topics(db, place, make_user):
    user = make_user()
    topics = [make_topic(db, place.a, user, title=f'议题{n}') for n in range(12)]
    db.session.commit()
    return user, topics


def _walk(client, url, between=None):
    seen, pages = [], 0
    while url:
        body = as_json(client.get(url))
        seen += [row['id'] for row in body['data']]
        url = body['next']
        pages += 1
        if between and url:
            between(pages)
    return seen, pages


def test_pages_follow_the_next_link_to_every_row_once(client, many_topics):
    _user, topics = many_topics
    seen, pages = _walk(client, '/api/v1/topics?limit=5')
    assert seen == sorted(t.id for t in topics)
    assert pages == 3


def test_rows_inserted_while_paging_come_at_the_end_without_duplicates_or_holes(db, client, place, many_topics):
    user, topics = many_topics
    added = []

    def insert(pages):
        added.append(make_topic(db, place.a, user, title=f'新议题{pages}'))
        db.session.commit()

    seen, _pages = _walk(client, '/api/v1/topics?limit=4', between=insert)
    expected = sorted([t.id for t in topics] + [t.id for t in added])
    assert seen == expected
    assert len(seen) == len(set(seen))


def test_the_next_link_keeps_the_filters_and_the_link_header_matches(client, place, many_topics):
    response = client.get(f'/api/v1/topics?community={place.a.id}&limit=5')
    body = as_json(response)
    assert f'community={place.a.id}' in body['next']
    assert response.headers['Link'] == f'<{body["next"]}>; rel="next"'
    assert as_json(client.get(f'/api/v1/topics?community={place.b.id}'))['data'] == []


def test_the_last_page_has_no_next(client, many_topics):
    body = as_json(client.get('/api/v1/topics?limit=200'))
    assert body['next'] is None
    assert len(body['data']) == 12


@pytest.mark.parametrize(
    'query',
    [
        'cursor=not-a-cursor',
        'cursor=YzE6LTE',  # c1:-1
        'cursor=YzE6OTk5OTk5OTk5OTk5',  # c1:999999999999, beyond any id
        'cursor=' + 'A' * 65,
        'cursor=%F0%9F%98%80',
        'limit=100000',
        'limit=201',
        'limit=0',
        'limit=-5',
        'limit=abc',
        'limit=1.5',
        'limit=99999999999999999999999',
        'community=-1',
        'community=0',
        'community=abc',
        'community=99999999999',
        'status=draft',
        'status=nonsense',
        'limit=%00',
        'cursor=%00',
        'community=1%00',
    ],
)
def test_a_malformed_parameter_is_a_json_400(client, many_topics, query):
    response = client.get(f'/api/v1/topics?{query}')
    assert response.status_code == 400
    assert response.mimetype == 'application/json'
    assert as_json(response)['error']['code'] == 400


def test_the_error_names_the_parameter_in_the_users_language(client, many_topics):
    english = as_json(client.get('/api/v1/topics?limit=500', headers={'Accept-Language': 'en'}))['error']
    assert english['parameter'] == 'limit'
    assert 'page size' in english['message']
    chinese = as_json(client.get('/api/v1/topics?limit=500', headers={'Accept-Language': 'zh-CN'}))['error']
    assert '每页' in chinese['message']
    cursor = as_json(client.get('/api/v1/topics?cursor=xyz', headers={'Accept-Language': 'zh-CN'}))['error']
    assert cursor['parameter'] == 'cursor'
    assert '游标' in cursor['message']


def test_unknown_paths_and_ids_are_json_404(client, many_topics):
    for url in ('/api/v1/nothing-here', '/api/v1/topics/999999', '/api/v1/topics/0', '/api/v1/topics/99999999999'):
        response = client.get(url)
        assert response.status_code == 404, url
        assert as_json(response)['error']['code'] == 404


def test_etag_and_if_none_match_give_304(client, many_topics):
    first = client.get('/api/v1/topics?limit=5')
    etag = first.headers['ETag']
    assert first.headers['Cache-Control'] == 'public, max-age=60'
    again = client.get('/api/v1/topics?limit=5', headers={'If-None-Match': etag})
    assert again.status_code == 304
    assert again.get_data() == b''
    other = client.get('/api/v1/topics?limit=6', headers={'If-None-Match': etag})
    assert other.status_code == 200


def test_the_etag_changes_when_the_data_does(db, client, many_topics):
    _user, topics = many_topics
    etag = client.get('/api/v1/topics').headers['ETag']
    topics[0].title = '改过的标题'
    db.session.commit()
    response = client.get('/api/v1/topics', headers={'If-None-Match': etag})
    assert response.status_code == 200
    assert response.headers['ETag'] != etag


LISTS = ('topics', 'results', 'communities', 'rule-sets', 'meetings', 'votes', 'minutes', 'opinions', 'legality-checks')


@pytest.mark.parametrize('name', LISTS)
def test_statement_count_does_not_depend_on_page_size(app, client, seeded, count_queries, name, db, make_user):
    from .test_volume import add_volume

    add_volume(db, seeded, make_user, 6)
    client.get(f'/api/v1/{name}?limit=1')  # warm (the locale, the rate limiter)
    counts = []
    for limit in (1, 3, 7):
        with count_queries() as counter:
            response = client.get(f'/api/v1/{name}?limit={limit}')
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] == counts[2], counts


def test_the_api_is_rate_limited_per_address_with_a_json_429(app, client, many_topics):
    app.config['API_RATE_LIMIT'] = '3 per minute'
    try:
        for _ in range(3):
            assert client.get('/api/v1/topics').status_code == 200
        response = client.get('/api/v1/communities', headers={'Accept-Language': 'zh-CN'})
        assert response.status_code == 429
        assert int(response.headers['Retry-After']) >= 1
        assert as_json(response)['error']['code'] == 429
        assert '请' in as_json(response)['error']['message']
    finally:
        app.config['API_RATE_LIMIT'] = '600 per minute'


def test_the_next_link_carries_only_the_lists_own_filters(db, client, seeded, make_user):
    from consult.topics.models import TopicEvent

    for n in range(3):
        db.session.add(
            TopicEvent(topic_id=seeded.topic.id, actor_role='staff', action=f'step{n}', from_status='a', to_status='b')
        )
    db.session.commit()
    for extra in ('topic_id=5', '_scheme=javascript', '_external=1', '_method=POST', '_anchor=x', 'endpoint=x'):
        response = client.get(f'/api/v1/topics/{seeded.topic.id}/timeline?limit=1&{extra}')
        assert response.status_code == 200, extra
        next_url = as_json(response)['next']
        assert next_url.startswith(f'/api/v1/topics/{seeded.topic.id}/timeline?'), next_url
        assert extra.split('=')[0] not in next_url.split('?')[1]
