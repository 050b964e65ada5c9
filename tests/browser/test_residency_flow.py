"""The foundation's Done-when, end to end in a real browser and in Chinese.

A new resident registers and claims a residence; committee staff, in a second browser, approve it; the
resident's open "my residence" page turns verified by itself, through the ``residency_decided`` push over
the page's own websocket (``data-live-reload``), with no reload by the test.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

REAL_NAME = '赵小芳'


def test_register_claim_and_get_verified_live(new_context, live, zh):
    resident = new_context().new_page()
    mobile = f'139{secrets.randbelow(10**8):08d}'

    # Home page, anonymous: Simplified Chinese for a zh-CN browser.
    resident.goto('/')
    expect(resident.locator('html')).to_have_attribute('lang', 'zh-Hans')
    zh.has_text(resident.locator('header nav a[href="/account/login"]'), '登录', 'nav link "Log in"')
    zh.has_text(resident.locator('header nav a[href="/account/register"]'), '注册', 'nav link "Register"')

    # Register.
    resident.locator('header nav a[href="/account/register"]').click()
    expect(resident).to_have_url(f'{live.url}/account/register')
    zh.has_text(resident.locator('main h1'), '注册', 'register page heading')
    resident.fill('#identifier', mobile)
    resident.fill('#display_name', '小芳')
    resident.fill('#real_name', REAL_NAME)
    resident.fill('#birth_date', '1990-02-03')
    resident.fill('#password', 'a-long-secret-9')
    resident.fill('#confirm', 'a-long-secret-9')
    resident.locator('main form button[type=submit]').click()

    # Claim a residence, step by step: community, building, household.
    expect(resident).to_have_url(f'{live.url}/residency/claim')
    resident.select_option('#community', label='东湖社区')
    resident.locator('form:has(#community) button[type=submit]').click()
    resident.select_option('#building', label='第2网格 · 6幢')
    resident.locator('form:has(#building) button[type=submit]').click()
    resident.select_option('#household_id', label='301')
    submit = resident.locator('form:has(#household_id) button[type=submit]')
    zh.has_text(submit, '提交申报', 'claim button "Submit claim"')
    submit.click()

    # Pending, with the page's live connection up (so the push cannot be missed).
    expect(resident).to_have_url(f'{live.url}/residency/')
    pending = resident.locator('tr.membership-pending')
    expect(pending).to_have_count(1)
    zh.has_text(pending.locator('td').nth(2), '待审核', 'status "Waiting for review"')
    status = resident.locator('#live-status')
    expect(status).to_have_attribute('data-state', 'connected')
    zh.has_text(status, '实时连接已建立', 'footer "Live updates connected"')
    expect(resident.locator('#verified-status')).to_have_count(0)
    resident.evaluate('window.__beforePush = true')

    # Committee staff, in a second browser context, approve the claim.
    staff = new_context().new_page()
    log_in(staff, DEMO_STAFF, live.demo_password)
    review_link = staff.locator('header nav a[href="/residency/review"]')
    zh.has_text(review_link, '居民核验', 'nav link "Verify residents"')
    review_link.click()
    expect(staff).to_have_url(f'{live.url}/residency/review')
    zh.has_text(staff.locator('main h1'), '居民核验', 'review page heading')
    row = staff.locator('tr.claim').filter(has_text=REAL_NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f'{mobile[:3]}****{mobile[-4:]}')  # staff see a masked number only
    approve = row.locator('form[action$="/approve"] button[type=submit]')
    zh.has_text(approve, '通过', 'button "Approve"')
    approve.click()
    expect(staff.locator('tr.claim').filter(has_text=REAL_NAME)).to_have_count(0)

    # The resident's page, untouched by the test, reloads itself on the pushed event and shows verified.
    expect(resident.locator('#verified-status')).to_be_visible()
    assert resident.evaluate('window.__beforePush') is None, 'the page changed without reloading itself'
    assert resident.url == f'{live.url}/residency/'
    expect(resident.locator('#verified-status')).to_contain_text('东湖社区')
    verified = resident.locator('tr.membership-verified')
    expect(verified).to_have_count(1)
    zh.has_text(verified.locator('td').nth(2), '已核验', 'status "Verified"')
    expect(resident.locator('html')).to_have_attribute('lang', 'zh-Hans')

    zh.assert_all()
