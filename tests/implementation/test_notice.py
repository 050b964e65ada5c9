"""The printed notice of the implementation result (the second disclosure): shown once the director signed the
implementation off, an A4 page and a one-page PDF whose QR code leads to the public page of the result's use."""

import pytest

from consult.implementation import operations
from tests.disclosure.conftest import prepared  # noqa: F401
from tests.disclosure.conftest import published  # noqa: F401
from tests.disclosure.conftest import ready  # noqa: F401
from tests.disclosure.notice_support import is_a4
from tests.disclosure.notice_support import pdf_text
from tests.disclosure.notice_support import qr_of_page
from tests.disclosure.notice_support import qr_of_pdf
from tests.disclosure.notice_support import read_pdf
from tests.implementation.conftest import set_status

ZH = {'Accept-Language': 'zh-CN'}
TITLE = '议事协商结果落实情况公示'
TEXT = '电梯已安装并通过验收。'


@pytest.fixture
def signed_off(db, cast, published, make_task):  # noqa: F811
    """A published result carried out and signed off by the director: the second disclosure."""
    set_status(db, published, 'implementing')
    operations.mark_done(cast.staff, make_task(published, title='安装电梯'))
    operations.finish(cast.director, published, 'completed', TEXT)
    db.session.commit()
    return published


def test_the_notice_of_the_implementation_result(db, cast, signed_off, client):
    client.get('/account/logout')
    page = client.get(f'/implementation/topic/{signed_off.id}/notice', headers=ZH).get_data(as_text=True)
    assert TITLE in page
    assert signed_off.community.name in page
    assert signed_off.title in page
    assert TEXT in page
    assert '已落实' in page
    assert '安装电梯' in page
    assert '居民评价' in page
    url = f'http://localhost/implementation/topic/{signed_off.id}/public'
    assert qr_of_page(page) == [url]
    public = client.get(f'/implementation/topic/{signed_off.id}/public').get_data(as_text=True)
    assert f'href="/implementation/topic/{signed_off.id}/notice"' in public


def test_the_pdf_of_the_implementation_notice(db, cast, signed_off, client):
    reader = read_pdf(client.get(f'/implementation/topic/{signed_off.id}/notice.pdf', headers=ZH).data)
    assert len(reader.pages) == 1
    assert is_a4(reader.pages[0])
    text = pdf_text(reader).replace(' ', '')
    assert TITLE in text
    assert TEXT in text
    assert qr_of_pdf(reader) == [f'http://localhost/implementation/topic/{signed_off.id}/public']


def test_no_notice_before_the_sign_off(db, cast, published, client):  # noqa: F811
    set_status(db, published, 'implementing')
    assert client.get(f'/implementation/topic/{published.id}/notice').status_code == 404
    assert client.get(f'/implementation/topic/{published.id}/notice.pdf').status_code == 404


@pytest.mark.parametrize('topic_id', ['0', '999999', '99999999999999999999999', 'abc'])
def test_bad_ids_are_404(db, client, topic_id):
    assert client.get(f'/implementation/topic/{topic_id}/notice').status_code == 404
    assert client.get(f'/implementation/topic/{topic_id}/notice.pdf').status_code == 404
