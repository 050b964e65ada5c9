"""Online comments in a real browser, in Chinese: one resident posts, another's open page shows it live.

The demo data has a topic in consultation with an open comment period (consult/demo.py). Actions use ids and
classes; the Chinese texts are checked with ``zh`` and reported together at the end.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

DEMO_REPRESENTATIVE = '13800000002'
CONSULTATION_TITLE = '社区小公园改造征求意见'
PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}


def _open_consultation(page):
    page.goto('/topics/')
    page.locator('.topic-item a').filter(has_text=CONSULTATION_TITLE).click()
    expect(page.locator('main h1')).to_have_text(CONSULTATION_TITLE)


def test_posted_comment_appears_live_on_another_residents_page(new_context, live, zh):
    watcher = new_context(**PHONE).new_page()
    log_in(watcher, DEMO_RESIDENT, live.demo_password)
    _open_consultation(watcher)
    expect(watcher.locator('#live-status')).to_have_attribute('data-state', 'connected')
    before = int(watcher.locator('#tally-for').inner_text())
    zh.has_text(watcher.locator('#comments-title'), '在线意见', 'comments heading')
    zh.has_text(watcher.locator('#comment-form button[type=submit]'), '发表意见', 'post button')
    width = watcher.evaluate('() => document.documentElement.scrollWidth')
    assert width <= 390, f'horizontal scroll on a 390 px phone: scrollWidth {width}'

    body = f'希望增加树荫下的座椅 {secrets.token_hex(3)}'
    poster = new_context().new_page()
    log_in(poster, DEMO_REPRESENTATIVE, live.demo_password)
    _open_consultation(poster)
    poster.check('#stance-0')  # for
    poster.fill('#body', body)
    poster.locator('#comment-form button[type=submit]').click()
    expect(poster.locator('#comment-list .comment-body').filter(has_text=body)).to_have_count(1)

    # The watcher's page was not reloaded: the comment and the tally arrive over the socket.
    live_comment = watcher.locator('#comment-list .comment').filter(has_text=body)
    expect(live_comment).to_have_count(1)
    expect(live_comment.locator('.comment-author')).to_have_text('居民代表')
    expect(watcher.locator('#tally-for')).to_have_text(str(before + 1))
    assert watcher.evaluate('() => performance.getEntriesByType("navigation").length') == 1
    zh.has_text(live_comment.locator('.badge'), '居民代表', 'badge of the live comment')
    zh.has_text(live_comment.locator('.stance'), '赞成', 'stance of the live comment')
    zh.assert_all()
