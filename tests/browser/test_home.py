"""Officials and residents find their work from the home page, on a phone and in Chinese (issue 12).

The demo data (``consult/demo.py``): the resident is on the roster of a meeting in session, the city
department has a dispatched item it acknowledged, and the resident has notifications of their topics' steps.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
DEMO_DEPARTMENT = '13800000008'  # 民政局联络员
MEETING = '垃圾分类投放点调整议事会'
TICKET_TOPIC = '5幢门前路灯损坏'


def test_a_resident_finds_the_meeting_in_session_from_the_home_page(new_context, live, zh):
    page = new_context(**PHONE).new_page()
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto('/')
    card = page.locator('[data-work="meetings_open"]')
    zh.has_text(card.locator('h2'), '进行中的会议', 'home card "Meetings in session"')
    link = page.get_by_role('link', name=f'进入会议室：{MEETING}')
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box['x'] >= 0
    assert box['x'] + box['width'] <= 390
    assert box['y'] < 844  # the first card: seen without scrolling
    link.click()
    expect(page).to_have_url(re.compile(r'/meetings/\d+/room$'))
    zh.assert_all()


def test_a_department_finds_its_dispatched_item_from_its_home(new_context, live, zh):
    page = new_context(**PHONE).new_page()
    log_in(page, DEMO_DEPARTMENT, live.demo_password)
    page.goto('/')
    expect(page.locator('.status-pending')).to_have_count(0)  # no residence banner for an official
    card = page.locator('[data-work="dispatch"]')
    zh.has_text(card.locator('h2'), '吹哨派单事项', 'home card "Dispatched items"')
    expect(page.locator('header nav a[href="/dispatch/"]')).to_have_count(1)
    card.get_by_role('link', name=TICKET_TOPIC).click()
    expect(page).to_have_url(re.compile(r'/dispatch/\d+$'))
    expect(page.locator('main')).to_contain_text(TICKET_TOPIC)
    zh.assert_all()


def test_notifications_are_linked_from_the_navigation_with_the_unread_count(new_context, live):
    page = new_context(**PHONE).new_page()
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto('/')
    page.locator('.menu-button').click()  # on a phone the navigation is behind the header's menu
    link = page.locator('header nav a[href="/topics/notifications"]')
    label = link.get_attribute('aria-label')
    match = re.fullmatch(r'通知（(\d+) 条未读）', label or '')
    assert match, label
    expect(page.locator('header nav').get_by_role('link', name=label)).to_have_count(1)
    assert link.locator('.nav-count').inner_text() == match.group(1)
    link.click()
    expect(page).to_have_url(f'{live.url}/topics/notifications')
