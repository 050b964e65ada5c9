"""The printed notice (公示) of a published result: an A4 page and a one-page PDF made by the server, with the
community, the result, the periods, how to object and a QR code leading to the result page; no personal data."""

import pytest

from tests.disclosure.notice_support import is_a4
from tests.disclosure.notice_support import pdf_text
from tests.disclosure.notice_support import qr_of_page
from tests.disclosure.notice_support import qr_of_pdf
from tests.disclosure.notice_support import read_pdf
from tests.disclosure.test_public import BIRTH_FORMS
from tests.disclosure.test_public import MARKERS
from tests.disclosure.test_public import _held_meeting
from tests.disclosure.test_public import _mark

TITLE = '议事协商结果公示'
#: The notice in the default language (the test client asks for English unless told).
ZH = {'Accept-Language': 'zh-CN'}


def test_the_notice_page_says_what_the_noticeboard_needs(db, cast, published, client):
    client.get('/account/logout')
    response = client.get(f'/results/{published.id}/notice', headers=ZH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert TITLE in page
    assert published.community.name in page
    assert published.title in page
    assert '<p class="notice-verdict">通过</p>' in page  # the result
    assert '公示期' in page
    assert '异议' in page
    assert f'{published.community.name}居民委员会' in page  # the issuer
    url = f'http://localhost/results/{published.id}'
    assert qr_of_page(page) == [url]  # read from the page's own image
    assert f'href="/results/{published.id}/notice.pdf"' in page


def test_the_result_page_links_to_its_notice(db, cast, published, client):
    page = client.get(f'/results/{published.id}').get_data(as_text=True)
    assert f'href="/results/{published.id}/notice"' in page
    assert f'href="/results/{published.id}/notice.pdf"' in page


def test_the_pdf_is_one_a4_page_with_its_chinese_text_and_qr_code(db, cast, published, client):
    client.get('/account/logout')
    response = client.get(f'/results/{published.id}/notice.pdf', headers=ZH)
    assert response.status_code == 200
    assert response.mimetype == 'application/pdf'
    reader = read_pdf(response.data)
    assert len(reader.pages) == 1
    assert is_a4(reader.pages[0])
    text = pdf_text(reader)
    assert TITLE in text.replace(' ', '')
    assert published.title in text.replace(' ', '')
    assert published.community.name in text
    assert qr_of_pdf(reader) == [f'http://localhost/results/{published.id}']


def test_without_the_pdf_libraries_the_pdf_is_a_clear_503_and_the_page_still_prints(
    db, cast, published, client, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, 'weasyprint', None)  # as if WeasyPrint could not load Pango
    client.get('/account/logout')
    response = client.get(f'/results/{published.id}/notice.pdf', headers={'Accept-Language': 'en'})
    assert response.status_code == 503
    assert 'print the notice page instead' in response.get_data(as_text=True)
    assert client.get(f'/results/{published.id}/notice').status_code == 200


def test_the_notice_follows_the_readers_language(db, cast, published, client):
    client.get('/account/logout')
    page = client.get(f'/results/{published.id}/notice', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert 'lang="en"' in page
    assert 'Public notice of the consultation result' in page


def test_no_personal_field_reaches_the_notice(db, cast, open_meeting, client):
    people = [cast.resident, cast.neighbour, cast.neighbour2, cast.representative, cast.director, cast.staff]
    for n, user in enumerate(people):
        _mark(db, user, n)
    for n, household in enumerate(cast.place.households(cast.place.a)):
        household.number = f'MARKERADDRESS{n}'
    db.session.commit()
    topic = _held_meeting(db, cast, open_meeting)
    client.get('/account/logout')
    page = client.get(f'/results/{topic.id}/notice', headers=ZH).get_data(as_text=True)
    text = pdf_text(read_pdf(client.get(f'/results/{topic.id}/notice.pdf', headers=ZH).data))
    assert '同意加装电梯' in page
    assert '同意加装电梯' in text
    for where, content in {'page': page, 'pdf': text}.items():
        for marker in MARKERS.values():
            assert marker[:12] not in content, (where, marker)
        for form in BIRTH_FORMS:
            assert form not in content, (where, form)
        assert 'MARKERADDRESS' not in content, where
        assert 'MARKERHIDDENNAME' not in content, where


def test_an_unpublished_result_has_no_notice(db, cast, prepared, client):
    assert client.get(f'/results/{prepared.id}/notice', headers=ZH).status_code == 404
    assert client.get(f'/results/{prepared.id}/notice.pdf', headers=ZH).status_code == 404


@pytest.mark.parametrize('topic_id', ['0', '999999', '99999999999999999999999', '-1', 'abc', '1.5', '%E4%B8%80'])
@pytest.mark.parametrize('suffix', ['/notice', '/notice.pdf'])
def test_bad_ids_are_404(db, client, topic_id, suffix):
    assert client.get(f'/results/{topic_id}{suffix}').status_code == 404


def test_the_notice_reads_a_fixed_number_of_statements(db, cast, published, make_resident, count_queries, client):
    from consult.disclosure import operations

    homes = cast.place.households(cast.place.a)
    operations.file_objection(cast.neighbour, published, '清理期限太短，请延长。')
    db.session.commit()
    with count_queries() as small:
        assert client.get(f'/results/{published.id}/notice', headers=ZH).status_code == 200
    for n in range(5):
        operations.file_objection(make_resident(homes[n % len(homes)]), published, f'清理期限太短，请延长{n}。')
    db.session.commit()
    with count_queries() as large:
        assert client.get(f'/results/{published.id}/notice', headers=ZH).status_code == 200
    assert large.count == small.count
