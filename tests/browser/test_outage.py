"""The live room while PostgreSQL is cut off (a TCP proxy, ``tests.db_proxy``): a message waits, is resent, or
is marked as not delivered with a button to send it again. PostgreSQL only, like ``tests/live/test_outage.py``.
"""

import os
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.db_proxy import DatabaseProxy
from tests.live_server import DEMO_RESIDENT
from tests.live_server import live_server
from tests.support import is_postgres

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.skipif(
        not is_postgres(os.environ.get('TEST_DATABASE_URL', '')),
        reason='cuts a PostgreSQL server through a proxy (set TEST_DATABASE_URL to a PostgreSQL URL)',
    ),
]

UNAVAILABLE = '服务暂时不可用，您的消息将自动重新发送。'


@pytest.fixture(scope='module')
def proxy():
    with DatabaseProxy(os.environ['TEST_DATABASE_URL']) as proxy:
        yield proxy


@pytest.fixture(scope='module')
def live(tmp_path_factory, proxy):
    """This module's server reaches PostgreSQL only through the proxy (overrides the package's ``live``)."""
    with live_server(tmp_path_factory.mktemp('browser-outage'), database_url=proxy.url, production=True) as server:
        yield server
        proxy.restore()


def _room(page, live):
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto('/topics/')
    page.locator('a').filter(has_text='垃圾分类投放点调整').first.click()
    page.locator('section.meetings a').filter(has_text='垃圾分类投放点调整议事会').click()
    page.locator('a[href$="/room"]').click()
    expect(page.locator('#room')).to_have_attribute('data-joined', 'yes')


def _send(page, text):
    page.fill('#say-body', text)
    page.locator('#say-send').click()


def test_a_message_sent_during_an_outage_waits_and_is_delivered_after_it(page, live, proxy):
    _room(page, live)
    text = f'停电时说的话 {secrets.token_hex(3)}'
    proxy.cut()
    try:
        _send(page, text)
        pending = page.locator('#outbox li').filter(has_text=text)
        expect(pending).to_have_attribute('data-state', 'sending')
        expect(pending.locator('.delivery')).to_have_text('发送中…')
        expect(page.locator('#say-error')).to_have_text(UNAVAILABLE)
        expect(page.locator('#messages .message').filter(has_text=text)).to_have_count(0)
        page.wait_for_timeout(1500)  # at least one resend meets the outage too
    finally:
        proxy.restore()
    expect(page.locator('#messages .message').filter(has_text=text)).to_have_count(1, timeout=20_000)
    expect(page.locator('#outbox li')).to_have_count(0)
    expect(page.locator('#say-error')).to_have_text('')
    assert page.context.cookies()  # still the same logged-in page: no reload happened


def test_a_message_that_cannot_be_delivered_says_so_and_can_be_sent_again(page, live, proxy):
    _room(page, live)
    text = f'一直发不出去 {secrets.token_hex(3)}'
    proxy.cut()
    try:
        _send(page, text)
        pending = page.locator('#outbox li').filter(has_text=text)
        # Five attempts, 1 + 2 + 4 + 8 s apart, then the page gives up and says so in words.
        expect(pending).to_have_attribute('data-state', 'failed', timeout=30_000)
        expect(pending.locator('.delivery')).to_have_text('未送达。')
        expect(pending.get_by_role('button', name='重新发送')).to_be_visible()
    finally:
        proxy.restore()
    pending.get_by_role('button', name='重新发送').click()
    expect(page.locator('#messages .message').filter(has_text=text)).to_have_count(1, timeout=20_000)
    expect(page.locator('#outbox li')).to_have_count(0)


def test_a_page_whose_reconnection_is_refused_during_an_outage_tries_again_and_sends(page, live, proxy):
    _room(page, live)
    text = f'断线又停电 {secrets.token_hex(3)}'
    proxy.cut()
    try:
        _send(page, text)
        expect(page.locator('#outbox li').filter(has_text=text)).to_have_attribute('data-state', 'sending')
        # The connection drops; the server cannot check the user, so it refuses the new one with the reason
        # (Socket.IO itself would then never try again).
        page.evaluate('window.consultSocket.io.engine.close()')
        expect(page.locator('#live-status')).to_have_attribute('data-state', 'refused')
        expect(page.locator('#room')).to_have_attribute('data-joined', 'no')
    finally:
        proxy.restore()
    expect(page.locator('#room')).to_have_attribute('data-joined', 'yes', timeout=20_000)
    expect(page.locator('#live-status')).to_have_attribute('data-state', 'connected')
    expect(page.locator('#messages .message').filter(has_text=text)).to_have_count(1)
    expect(page.locator('#outbox li')).to_have_count(0)
