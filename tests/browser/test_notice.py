"""The printed notice (公示) in Chromium: printed on A4 from the result page's link, it is one page, and the QR
code in the printed layout decodes to the result page's address. No login: a passer-by prints it.

The demo data has a result published in its objection window (consult/demo.py).
"""

import io
import unicodedata

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.accessibility import audit
from tests.disclosure.notice_support import decode_qr
from tests.disclosure.notice_support import is_a4
from tests.disclosure.notice_support import read_pdf

pytestmark = [pytest.mark.browser, pytest.mark.live]

RESULT_TITLE = '楼道堆物清理与消防通道管理'
#: A demo result carried out and signed off by the director: its implementation result is published.
DONE_TITLE = '小区东门增设非机动车停放区'
#: An A4 sheet at 96 CSS px per inch (210 x 297 mm).
A4_PX = {'width': 794, 'height': 1123}


def test_the_notice_prints_on_one_a4_page_with_a_readable_qr_code(new_context, live, zh):
    page = new_context(viewport=A4_PX).new_page()
    page.goto('/topics/')
    page.locator('.topic-item').filter(has_text=RESULT_TITLE).locator('a[href^="/results/"]').click()
    expect(page.locator('main h1')).to_have_text(RESULT_TITLE)
    result_url = page.url
    page.locator('.notice-links a[href$="/notice"]').click()
    zh.has_text(page.locator('main h1'), '议事协商结果公示', 'notice heading')
    assert audit(page) == []

    _prints_on_one_page(page, '议事协商结果公示', result_url)
    zh.assert_all()


def _prints_on_one_page(page, title: str, url: str) -> None:
    page.emulate_media(media='print')
    reader = read_pdf(page.pdf(format='A4', print_background=True))
    assert len(reader.pages) == 1, f'the notice prints on {len(reader.pages)} pages'
    assert is_a4(reader.pages[0])
    # Chromium's PDF maps some ideographs to their Kangxi radicals (示 to ⽰): NFKC folds them back.
    assert title in unicodedata.normalize('NFKC', reader.pages[0].extract_text())
    # The printed layout (print media, an A4 sheet's width), photographed: the QR code reads back to the page.
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    assert decode_qr(shot) == [url]


def test_the_implementation_notice_prints_on_one_a4_page(new_context, live, zh):
    page = new_context(viewport=A4_PX).new_page()
    page.goto('/topics/')
    href = page.locator('.topic-item').filter(has_text=DONE_TITLE).locator('a[href^="/results/"]').get_attribute('href')
    topic_id = href.rstrip('/').rsplit('/', 1)[-1]
    page.goto(f'/implementation/topic/{topic_id}/public')
    public_url = page.url
    page.locator('.notice-links a[href$="/notice"]').click()
    zh.has_text(page.locator('main h1'), '议事协商结果落实情况公示', 'implementation notice heading')
    assert audit(page) == []
    _prints_on_one_page(page, '议事协商结果落实情况公示', public_url)
    zh.assert_all()
