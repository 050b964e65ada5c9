"""The transparency log's signed head on the public result page, in a real browser on a phone: readable, opened
without horizontal scrolling, and free of serious axe findings."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import audit
from tests.browser.accessibility import report

pytestmark = [pytest.mark.browser, pytest.mark.live]

RESULT_TITLE = '楼道堆物清理与消防通道管理'
PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}


def test_the_result_page_shows_the_signed_head_on_a_phone(new_context, live):
    page = new_context(**PHONE).new_page()
    page.goto('/topics/')
    page.locator('.topic-item').filter(has_text=RESULT_TITLE).locator('a[href^="/results/"]').click()
    head = page.locator('.tree-head')
    expect(head.locator('#tree-head-title')).to_have_text('防篡改记录')
    size = int(head.locator('[data-tree-size]').inner_text())
    assert size > 0
    head.locator('summary').click()
    root = head.locator('[data-root-hash]')
    expect(root).to_be_visible()
    assert len(root.inner_text().strip()) == 64
    width = page.evaluate('() => document.documentElement.scrollWidth')
    assert width <= 390, f'horizontal scroll on a 390 px phone: scrollWidth {width}'
    findings = audit(page)
    assert not findings, report(findings)
    api = page.request.get(head.locator('a[href$="/api/v1/log/head"]').get_attribute('href'))
    assert api.json()['tree_size'] >= size
