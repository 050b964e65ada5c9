"""Issue 16: the meeting record in pages. Every sign-in of a large meeting is on one of its pages, the lists are
searchable and paged by cursor without JavaScript, the whole record streams, and the record and room pages read as
many statements for 10 members and 100 messages as for 1,500 members and 5,000 messages."""

import re

import pytest

from tests.meetings import crowd

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')
NAME = re.compile(r'居民166-\d{5}')


def _walk(client, url, rel=NEXT):
    """Every page of a list from ``url`` following its links; the pages' HTML."""
    pages = []
    while url:
        response = client.get(url.replace('&amp;', '&'))
        assert response.status_code == 200, url
        pages.append(response.get_data(as_text=True))
        found = rel.search(pages[-1].split('class="pagination"')[-1])
        url = found.group(1) if found and 'class="pagination"' in pages[-1] else None
    return pages


@pytest.fixture
def big(db, cast, announced):
    """A closed meeting of 2,000 residents (1,500 signed in) and 5,000 messages."""
    return crowd.held(db, cast, announced, crowd.people(db, '166', 2_000), 5_000, speakers=30)


def test_the_sign_in_sheet_shows_every_one_of_1500_sign_ins_across_its_pages(client, auth, cast, big):
    auth.login(cast.director)
    pages = _walk(client, f'/meetings/{big.id}/record/sheet')
    names = [n for page in pages for n in NAME.findall(page.split('<ol class="sheet">')[1].split('</ol>')[0])]
    assert len(names) == 1_500
    assert len(set(names)) == 1_500
    assert names == sorted(names)
    assert '(1500)' in pages[0]
    assert len(pages) == 30


def test_a_page_of_the_sheet_links_back_to_the_one_before(client, auth, cast, big):
    auth.login(cast.director)
    first = client.get(f'/meetings/{big.id}/record/sheet').get_data(as_text=True)
    second = client.get(NEXT.search(first).group(1).replace('&amp;', '&')).get_data(as_text=True)
    back = client.get(PREV.search(second).group(1).replace('&amp;', '&')).get_data(as_text=True)
    sheet = lambda page: page.split('<ol class="sheet">')[1].split('</ol>')[0]  # noqa: E731
    assert sheet(back) == sheet(first)
    assert not PREV.search(first)


def test_the_sheet_is_searched_by_name(client, auth, cast, big):
    auth.login(cast.director)
    page = client.get(f'/meetings/{big.id}/record/sheet?q=居民166-0001').get_data(as_text=True)
    found = NAME.findall(page.split('<ol class="sheet">')[1])
    # Three in four of the crowd signed in: not the 12th and 16th.
    assert found == [f'居民166-{k:05d}' for k in (10, 11, 13, 14, 15, 17, 18, 19)]
    nothing = client.get(f'/meetings/{big.id}/record/sheet?q=%25').get_data(as_text=True)
    assert 'Nothing matches the search.' in nothing


def test_the_whole_record_streams_with_every_sign_in(client, auth, cast, big):
    auth.login(cast.director)
    response = client.get(f'/meetings/{big.id}/record/full?download=1')
    assert response.status_code == 200
    assert response.is_streamed
    assert 'attachment' in response.headers['Content-Disposition']
    page = response.get_data(as_text=True)
    sheet = page.split('<ol class="sheet">')[1].split('</ol>')[0]
    assert len(set(NAME.findall(sheet))) == 1_500
    assert page.count('<li value=') == 5_000


def test_the_transcript_pages_by_sequence_and_finds_words(client, auth, cast, big):
    auth.login(cast.director)
    page = client.get(f'/meetings/{big.id}/record/transcript?after=4980').get_data(as_text=True)
    assert re.findall(r'<li value="(\d+)">', page) == [str(s) for s in range(4_981, 5_001)]
    assert 'rel="next"' not in page
    assert 'rel="prev"' in page
    found = client.get(f'/meetings/{big.id}/record/transcript?q=第4999条').get_data(as_text=True)
    assert re.findall(r'<li value="(\d+)">', found) == ['4999']


def test_the_timeline_starts_from_a_time_and_a_bad_time_is_explained(client, auth, cast, big):
    auth.login(cast.director)
    bad = client.get(f'/meetings/{big.id}/record/timeline?from=yesterday')
    assert bad.status_code == 200
    assert 'Enter a date and time' in bad.get_data(as_text=True)
    late = client.get(f'/meetings/{big.id}/record/timeline?from=2999-01-01T00:00').get_data(as_text=True)
    assert 'Nothing matches the search.' in late


def test_speakers_are_named_only_with_their_consent(client, auth, cast, big):
    auth.login(cast.director)
    page = client.get(f'/meetings/{big.id}/record/speakers').get_data(as_text=True)
    speakers = page.split('<ol class="speakers">')[1].split('</ol>')[0]
    # seat_crowd: every tenth agrees to be named; the others are given by capacity.
    assert set(NAME.findall(speakers)) == {'居民166-00000', '居民166-00010', '居民166-00020'}
    assert speakers.count('Resident') == 27
    hidden = client.get(f'/meetings/{big.id}/record/speakers?q=居民166-00001').get_data(as_text=True)
    assert 'Nothing matches the search.' in hidden


@pytest.mark.parametrize('query', ['after=99999999999999', 'before=-1', 'after=x', 'q=' + 'x' * 500, 'before=1'])
def test_odd_cursors_and_searches_give_a_page(client, auth, cast, big, query):
    auth.login(cast.director)
    for part in ('sheet', 'transcript', 'timeline', 'speakers'):
        assert client.get(f'/meetings/{big.id}/record/{part}?{query}').status_code == 200


def test_the_record_is_for_the_room_only(client, auth, cast, big):
    auth.login(cast.outsider)
    assert client.get(f'/meetings/{big.id}/record/sheet').status_code == 403
    assert client.get(f'/meetings/{big.id}/record/full').status_code == 403


def test_record_and_room_pages_read_as_many_statements_small_as_large(db, client, auth, cast, announced, count_queries):
    small = crowd.held(db, cast, announced, crowd.people(db, '167', 10), 100)
    large = crowd.held(db, cast, announced, crowd.people(db, '166', 1_500), 5_000)
    auth.login(cast.director)
    paths = (
        '/meetings/{}/record',
        '/meetings/{}/room',
        '/meetings/{}/record/sheet?after={}',
        '/meetings/{}/record/sheet?q=居民&before={}',
        '/meetings/{}/record/transcript?after=50',
        '/meetings/{}/record/timeline?after={}',
        '/meetings/{}/record/speakers',
    )
    counts = {}
    for meeting in (small, large):
        client.get(f'/meetings/{meeting.id}/record')  # warm: the login and the caches
        first = client.get(f'/meetings/{meeting.id}/record/sheet').get_data(as_text=True)
        cursor = re.search(r'after=(\d+)', first)
        cursor = cursor.group(1) if cursor else '1'
        for path in paths:
            with count_queries() as counter:
                assert client.get(path.format(meeting.id, cursor)).status_code == 200
            counts.setdefault(path, []).append(counter.count)
    assert all(small == large for small, large in counts.values()), counts
