"""The public result page in a real browser, in Chinese, on a phone: a resident reads the result, objects, the
committee answers, and the answer appears on the resident's page live (no reload).

The demo data has a result published in its objection window (consult/demo.py).
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

RESULT_TITLE = '楼道堆物清理与消防通道管理'
PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}


def _open_result(page):
    page.goto('/topics/')
    item = page.locator('.topic-item').filter(has_text=RESULT_TITLE)
    item.locator('a[href^="/results/"]').click()
    expect(page.locator('main h1')).to_have_text(RESULT_TITLE)


def test_a_resident_objects_and_sees_the_answer_live(new_context, live, zh):
    resident = new_context(**PHONE).new_page()
    resident.goto('/topics/')
    # Anyone reads it: first without logging in.
    _open_result(resident)
    zh.has_text(resident.locator('#summary-title'), '协商结果', 'result heading')
    zh.has_text(resident.locator('#objections-title'), '异议及答复', 'objections heading')
    width = resident.evaluate('() => document.documentElement.scrollWidth')
    assert width <= 390, f'horizontal scroll on a 390 px phone: scrollWidth {width}'

    log_in(resident, DEMO_RESIDENT, live.demo_password)
    _open_result(resident)
    reasons = f'清理期限太短，请延长一周 {secrets.token_hex(3)}'
    resident.fill('#reasons', reasons)
    resident.locator('#object button[type=submit]').click()
    mine = resident.locator('#objections .objection').filter(has_text=reasons)
    expect(mine).to_have_count(1)
    expect(resident.locator('#live-status')).to_have_attribute('data-state', 'connected')
    navigations = resident.evaluate('() => performance.getEntriesByType("navigation").length')

    staff = new_context().new_page()
    log_in(staff, DEMO_STAFF, live.demo_password)
    _open_result(staff)
    staff.locator('#objections .objection').filter(has_text=reasons).locator('a.button').click()
    staff.check('input[name=answer][value=not_upheld]')
    answer = f'期限已经居民协商确定，可申请网格员协助 {secrets.token_hex(3)}'
    staff.fill('#reasons', answer)
    staff.once('dialog', lambda dialog: dialog.accept())  # publishing the answer asks first (data-confirm)
    staff.locator('main form button[type=submit]').click()
    expect(staff.locator('#objections')).to_contain_text(answer)

    # The resident's page was not reloaded: the answer arrives over the socket.
    expect(mine.locator('[data-answer]')).to_contain_text(answer)
    assert resident.evaluate('() => performance.getEntriesByType("navigation").length') == navigations
    zh.has_text(mine.locator('[data-answer] strong'), '异议不成立', 'answer label')
    zh.assert_all()
