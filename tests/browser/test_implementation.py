"""The public implementation page on a phone and on paper: readable without logging in, no serious axe-core
violation, no sideways scrolling, and a clean A4 print without the site's chrome or the rating form."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import audit
from tests.browser.accessibility import report

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
A4_POINTS = (595, 842)


def _public_page(page, title: str) -> None:
    page.goto('/topics/')
    page.locator('.topic-item h2 a').filter(has_text=title).click()
    page.locator('#implementation a', has_text='公开页面').click()
    expect(page.locator('h1')).to_have_text(title)


def test_a_resident_reads_the_implementation_on_a_phone(new_context, live):
    page = new_context(**PHONE).new_page()
    _public_page(page, '7幢楼道照明改造')
    expect(page.locator('.im-task.overdue')).to_have_count(1)
    expect(page.get_by_text('已超期')).to_be_visible()
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 390
    findings = audit(page)
    assert not findings, report(findings)


def test_the_rated_result_prints_on_a4_without_the_sites_chrome(new_context, live):
    page = new_context(**PHONE).new_page()
    _public_page(page, '小区东门增设非机动车停放区')
    expect(page.locator('.im-distribution')).to_be_visible()
    findings = audit(page)
    assert not findings, report(findings)
    page.emulate_media(media='print')
    for chrome in ('.site-header', 'nav', '.site-footer', 'button', 'form'):
        visible = page.locator(chrome).evaluate_all('els => els.filter((el) => el.checkVisibility()).length')
        assert visible == 0, chrome
    expect(page.locator('.print-heading')).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    sizes = {tuple(round(float(n)) for n in box.split()[2:]) for box in re.findall(rb'/MediaBox \[([^\]]+)\]', pdf)}
    assert sizes == {A4_POINTS}
