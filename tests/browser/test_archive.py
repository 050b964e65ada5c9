"""The archive page on a phone and on paper: a visitor reads an archived topic's checklist with its retention
without logging in, with no serious axe-core violation, no sideways scrolling, and a clean print."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import audit
from tests.browser.accessibility import report

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
TITLE = '北门增设快递柜'


def _archive_page(page) -> None:
    page.goto('/topics/')
    page.locator('.topic-item h2 a').filter(has_text=TITLE).click()
    page.locator('#archive a').first.click()
    expect(page.locator('h1')).to_have_text('档案')


def test_a_visitor_reads_the_archive_on_a_phone_and_prints_it(new_context, live):
    page = new_context(**PHONE).new_page()
    _archive_page(page)
    expect(page.locator('.archive-checklist tbody tr').first).to_be_visible()
    expect(page.get_by_text('永久').first).to_be_visible()
    expect(page.locator('a', has_text='下载完整档案（ZIP）')).to_be_visible()
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 390
    findings = audit(page)
    assert not findings, report(findings)
    page.emulate_media(media='print')
    for chrome in ('.site-header', '.site-footer', 'button', 'form'):
        visible = page.locator(chrome).evaluate_all('els => els.filter((el) => el.checkVisibility()).length')
        assert visible == 0, chrome
    expect(page.locator('.archive-checklist')).to_be_visible()


def test_the_destruction_register_reads_on_a_phone(new_context, live):
    page = new_context(**PHONE).new_page()
    page.goto('/archive/register')
    expect(page.locator('h1')).to_have_text('销毁清册')
    expect(page.get_by_text('尚无销毁记录。')).to_be_visible()
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 390
    findings = audit(page)
    assert not findings, report(findings)


def test_staff_see_the_waiver_form_for_a_missing_item(new_context, live):
    from tests.browser.conftest import log_in

    page = new_context(**PHONE).new_page()
    log_in(page, '13800000004', live.demo_password)  # 社区工作者
    page.goto('/topics/')
    page.locator('.topic-item h2 a').filter(has_text='小区东门增设非机动车停放区').click()
    page.locator('#archive a').first.click()
    missing = page.locator('#item-feedback')
    expect(missing.get_by_text('缺失')).to_be_visible()  # the residents' rating period still runs
    expect(missing.locator('textarea')).to_be_visible()
    expect(missing.get_by_role('button', name='登记免交理由')).to_be_visible()
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 390
    findings = audit(page)
    assert not findings, report(findings)
