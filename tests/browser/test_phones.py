"""Phones (390x844) and paper: a one-line header with a menu, labelled table cells, clean printouts, large text."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
DESK = {'viewport': {'width': 1366, 'height': 768}}


def test_phone_header_is_one_line_and_the_first_topic_is_on_the_first_screen(new_context, live):
    page = new_context(**PHONE).new_page()
    log_in(page, DEMO_STAFF, live.demo_password)  # staff: the longest navigation
    page.goto('/topics/')
    header = page.locator('.site-header').bounding_box()
    assert header['height'] <= 64, f'the phone header is {header["height"]} px tall'
    first_title = page.locator('.topic-item h2').first.bounding_box()
    assert first_title['y'] + first_title['height'] <= 844, f'the first topic title starts at {first_title["y"]} px'
    # The navigation and the settings wait behind the menu button; it opens them without any page script.
    nav = page.get_by_role('navigation', name='主导航')
    expect(nav).to_be_hidden()
    expect(page.locator('#language-select')).to_be_hidden()
    page.locator('.menu-button').click()
    expect(nav).to_be_visible()
    expect(page.locator('#language-select')).to_be_visible()
    nav.get_by_role('link', name='社区', exact=True).click()
    expect(page).to_have_url(f'{live.url}/communities/')
    widths = page.evaluate('() => document.documentElement.scrollWidth')
    assert widths <= 390


def test_desk_header_shows_the_navigation_without_a_menu_button(new_context, live):
    page = new_context(**DESK).new_page()
    page.goto('/topics/')
    expect(page.locator('.menu-button')).to_be_hidden()
    expect(page.get_by_role('navigation', name='主导航').get_by_role('link', name='协商议题')).to_be_visible()
    expect(page.locator('#language-select')).to_be_visible()
