"""Log out other devices, in a real browser and in Chinese (issue 11, items 2 and 7).

A resident is logged in on a phone and a laptop, both pages live. On the laptop's devices page they log out
the other devices: the phone's live connection ends at once and stays ended (the page does not reconnect a
session that has ended), and the phone's next page asks it to log in.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_ADMIN
from tests.live_server import DEMO_WAITING

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_log_out_other_devices_ends_the_phones_page_at_once(new_context, live, zh):
    phone = new_context().new_page()
    log_in(phone, DEMO_WAITING, live.demo_password)
    phone.goto('/residency/')
    expect(phone.locator('#live-status')).to_have_attribute('data-state', 'connected')

    laptop = new_context().new_page()
    log_in(laptop, DEMO_WAITING, live.demo_password)
    devices = laptop.locator('header nav a[href="/account/sessions"]')
    zh.has_text(devices, '登录设备', 'nav link "Devices"')
    devices.click()
    zh.has_text(laptop.locator('main h1'), '登录设备', 'devices page heading')
    expect(laptop.locator('tr[data-current="yes"]')).to_have_count(1)
    button = laptop.locator('main form button[type=submit]')
    zh.has_text(button, '退出其他设备', 'button "Log out other devices"')
    button.click()
    expect(laptop.locator('table[data-sessions="1"]')).to_have_count(1)

    expect(phone.locator('#live-status')).to_have_attribute('data-state', 'disconnected')
    phone.wait_for_timeout(2500)  # longer than the page's reconnect delay: an ended session is not reconnected
    expect(phone.locator('#live-status')).to_have_attribute('data-state', 'disconnected')
    phone.goto('/topics/mine')
    expect(phone).to_have_url(f'{live.url}/account/login?next=%2Ftopics%2Fmine')
    zh.assert_all()


def test_a_revoked_role_reconnects_the_page_checked_afresh(new_context, live):
    """A role that ends ends the person's sockets (rooms joined with it); the page connects again by itself."""
    person = new_context().new_page()
    log_in(person, DEMO_WAITING, live.demo_password)
    person.goto('/residency/')
    status = person.locator('#live-status')
    expect(status).to_have_attribute('data-state', 'connected')
    person.evaluate(
        'window.__states = []; new MutationObserver(() => window.__states.push('
        "document.getElementById('live-status').dataset.state)).observe("
        "document.getElementById('live-status'), {attributes: true})"
    )

    admin = new_context().new_page()
    log_in(admin, DEMO_ADMIN, live.demo_password)
    admin.goto('/roles/grant')
    admin.fill('#identifier', DEMO_WAITING)
    admin.select_option('#role', 'expert')
    admin.select_option('#community_id', label='东湖社区')
    admin.fill('#reason', 'browser test: granted to be revoked')
    admin.locator('main form button[type=submit]').click()
    expect(admin).to_have_url(f'{live.url}/roles/')
    row = admin.locator('tr.grant').filter(has_text='browser test: granted to be revoked')
    expect(row).to_have_count(1)
    row.locator('input[name=reason]').fill('browser test: revoked')
    admin.once('dialog', lambda dialog: dialog.accept())  # revoking asks first (data-confirm)
    row.locator('form.revoke button[type=submit]').click()
    expect(admin.locator('tr.grant').filter(has_text='browser test: granted to be revoked')).to_have_count(0)

    person.wait_for_function("window.__states.includes('disconnected')", timeout=10_000)
    expect(status).to_have_attribute('data-state', 'connected', timeout=10_000)
