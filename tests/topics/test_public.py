"""The public topic list, search and Atom feed: no login, no drafts, no private matters."""

import xml.etree.ElementTree as ET

import pytest

from consult.topics.models import Topic

ATOM = '{http://www.w3.org/2005/Atom}'


@pytest.fixture
def make_topic(db, make_user):
    author = make_user()

    def make(community, title='议题', *, body='内容', status='announced', public=True, categories=(), cosigns=0):
        topic = Topic(
            community_id=community.id,
            title=title,
            body=body,
            body_html=f'<p>{body}</p>',
            status=status,
            public=public,
            source_channel='online',
            submitted_by_id=author.id,
            cosign_count=cosigns,
        )
        topic.categories = list(categories)
        db.session.add(topic)
        db.session.commit()
        return topic

    return make


def _titles(client, **args):
    page = client.get('/topics/', query_string=args).get_data(as_text=True)
    return page


def test_anonymous_sees_public_topics_but_not_drafts_or_private_matters(client, place, make_topic):
    make_topic(place.a, '加装电梯')
    make_topic(place.a, '草稿议题', status='draft')
    make_topic(place.a, '某居民低保', public=False)
    page = _titles(client)
    assert '加装电梯' in page
    assert '草稿议题' not in page
    assert '某居民低保' not in page


def test_filters_by_status_community_and_category(client, place, make_topic):
    make_topic(place.a, '甲社区停车', categories=['public_affairs'])
    make_topic(place.b, '乙社区绿化', status='submitted', categories=['urgent_problem'])
    assert '乙社区绿化' not in _titles(client, community=place.a.code)
    assert '甲社区停车' not in _titles(client, status='submitted')
    assert '乙社区绿化' in _titles(client, status='submitted')
    page = _titles(client, category='public_affairs')
    assert '甲社区停车' in page
    assert '乙社区绿化' not in page


def test_search_matches_title_and_body_and_escapes_wildcards(client, place, make_topic):
    make_topic(place.a, '小区停车难', body='晚上车位不够')
    make_topic(place.a, '百分比100%达标', body='')
    make_topic(place.a, '路灯维修', body='')
    assert '小区停车难' in _titles(client, q='车位')
    assert '路灯维修' not in _titles(client, q='车位')
    page = _titles(client, q='%')
    assert '百分比100%达标' in page
    assert '路灯维修' not in page


def test_search_with_several_words_needs_every_word_in_title_or_body(client, place, make_topic):
    make_topic(place.a, '垃圾分类投放点调整', body='投放点搬到2幢旁')
    make_topic(place.a, '垃圾清运时间', body='每天早上清运')
    make_topic(place.a, 'Park lights', body='The LIGHTS are out')
    page = _titles(client, q='垃圾 投放')
    assert '垃圾分类投放点调整' in page
    assert '垃圾清运时间' not in page
    assert '垃圾清运时间' in _titles(client, q='垃圾\u3000清运')  # a full-width space separates words too
    assert '垃圾分类投放点调整' not in _titles(client, q='垃圾\u3000清运')
    assert 'Park lights' in _titles(client, q='park  lights')  # case does not matter, on either database
    nothing = _titles(client, q='垃圾 电梯')
    assert '垃圾分类投放点调整' not in nothing
    assert '垃圾清运时间' not in nothing


def test_search_words_are_escaped_each(client, place, make_topic):
    make_topic(place.a, '达标率100%', body='a_b')
    make_topic(place.a, '达标率1000', body='axb')
    page = _titles(client, q='100% a_b')
    assert '达标率100%' in page
    assert '达标率1000' not in page


def test_feed_searches_like_the_list(client, place, make_topic):
    make_topic(place.a, '垃圾分类投放点调整')
    make_topic(place.a, '垃圾清运时间')
    root = ET.fromstring(client.get('/topics/feed.atom', query_string={'q': '垃圾 投放'}).data)
    assert [e.findtext(f'{ATOM}title') for e in root.findall(f'{ATOM}entry')] == ['垃圾分类投放点调整']


def test_bad_filter_values_are_ignored(client, place, make_topic):
    make_topic(place.a, '加装电梯')
    for args in (
        {'status': 'bogus'},
        {'status': 'draft'},
        {'page': '-3'},
        {'page': 'x'},
        {'q': 'x' * 5000},
        {'community': 'nowhere'},
        {'category': '<script>'},
    ):
        response = client.get('/topics/', query_string=args)
        assert response.status_code == 200, args
        assert '<script>' not in response.get_data(as_text=True).split('<main')[1]


def test_pagination_keeps_the_filters(client, place, make_topic):
    for n in range(23):
        make_topic(place.a, f'议题{n:02d}', categories=['public_affairs'])
    page = _titles(client, category='public_affairs')
    assert 'category=public_affairs' in page.split('rel="next"')[0].rsplit('href=', 1)[1]
    second = _titles(client, category='public_affairs', page=2)
    assert second.count('class="topic-item"') == 3


def test_query_count_does_not_grow_with_rows_or_page_size(client, place, make_topic, count_queries):
    def statements(**args):
        with count_queries() as counter:
            response = client.get('/topics/', query_string={'q': '议题', **args})
            assert response.status_code == 200
        return counter.count, response.get_data(as_text=True).count('class="topic-item"')

    for n in range(2):
        make_topic(place.a, f'议题{n}', categories=['public_affairs', 'urgent_problem'])
    few, shown = statements()
    assert shown == 2
    for n in range(40):
        make_topic(place.b if n % 2 else place.a, f'议题{n}b', categories=['public_affairs'])
    assert statements() == (few, 20)
    assert statements(per_page=5) == (few, 5)
    assert statements(per_page=100) == (few, 42)
    assert statements(per_page=100000)[1] == 42


def test_atom_feed_is_valid_escaped_and_public_only(client, place, make_topic):
    make_topic(place.a, '标题<带>&符号', body='正文')
    make_topic(place.a, '私事', public=False)
    response = client.get('/topics/feed.atom')
    assert response.status_code == 200
    assert response.headers['Content-Type'].startswith('application/atom+xml')
    root = ET.fromstring(response.data)
    titles = [e.findtext(f'{ATOM}title') for e in root.findall(f'{ATOM}entry')]
    assert titles == ['标题<带>&符号']
    assert root.find(f'{ATOM}entry/{ATOM}content').text == '<p>正文</p>'


def test_feed_follows_the_filters(client, place, make_topic):
    make_topic(place.a, '甲的议题')
    make_topic(place.b, '乙的议题')
    root = ET.fromstring(client.get('/topics/feed.atom', query_string={'community': place.b.code}).data)
    assert [e.findtext(f'{ATOM}title') for e in root.findall(f'{ATOM}entry')] == ['乙的议题']


def test_list_page_links_its_feed(client, place):
    page = _titles(client, community=place.a.code)
    assert 'type="application/atom+xml"' in page
    assert f'feed.atom?community={place.a.code}' in page
