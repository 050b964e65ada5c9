"""NPC deputies in a real browser: a deputy opens the dashboard, follows its link into the live meeting as an
observer (列席, no ballot, no chat without the floor), files a note there, and sees it on the published record;
the public pages of deputies' work on a phone. Every page these tests load is audited with axe (conftest.py).

The flow closes the demo's live meeting and publishes its result, so it runs on a server of its own.
"""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import _server_env
from tests.live_server import live_server
from tests.support import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.live]

DEPUTY = '13800000009'  # consult/demo.py: 人大代表
MEETING = '垃圾分类投放点调整议事会'  # the demo's meeting in session
PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True}
NOTE = '列席观察：主持人逐项征求意见，少数居民的异议已记入会议记录。'


@pytest.fixture(scope='module')
def live(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp('browser-deputies')) as server:
        yield server


def _publish(live) -> int:
    """The committee closes the meeting and publishes its result (the product's operations, server-side)."""
    env = _server_env(live.database_url, live.instance_path, 0, None)
    result = subprocess.run(
        [sys.executable, '-m', 'tests.browser.deputies_steps', MEETING],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout.strip().splitlines()[-1])


def test_a_deputy_observes_a_live_meeting_files_a_note_and_sees_it_on_the_published_record(new_context, live, zh):
    page = new_context().new_page()
    log_in(page, DEPUTY, live.demo_password)
    page.locator('nav a[href="/deputies/"]').first.click()
    expect(page.locator('main h1')).to_have_text('代表工作台')
    expect(page.locator('svg.chart[role=img]')).to_have_count(2)
    row = page.locator('#meetings tr').filter(has_text=MEETING)
    zh.has_text(row.locator('button'), '列席旁听', 'observe button')
    row.locator('button[type=submit]').click()

    expect(page).to_have_url(re.compile(r'/meetings/\d+/room$'))
    expect(page.locator('#live-status')).to_have_attribute('data-state', 'connected')
    zh.has_text(page.locator('.room-meta .badge'), '列席', 'observer badge')
    # An observer: no ballot and no chat box until the chair gives the floor.
    expect(page.locator('#room-votes form[action$="/cast"]')).to_have_count(0)
    page.locator('a[data-deputy-note]').click()

    expect(page.locator('main h1')).to_have_text('提交观察记录')
    page.fill('#body', NOTE)
    page.locator('main form button[type=submit]').click()
    expect(page.locator('#notes')).to_contain_text(NOTE)  # the work record, while the topic is in consultation

    topic_id = _publish(live)
    page.goto(f'/results/{topic_id}')
    notes = page.locator('#deputy_notes')
    expect(notes).to_contain_text(NOTE)
    expect(notes).to_contain_text('人大代表')
    zh.has_text(notes.locator('h2'), '人大代表观察记录', 'notes heading')
    zh.assert_all()


def test_the_public_pages_of_deputies_work_on_a_phone(new_context, live):
    page = new_context(**PHONE).new_page()
    page.goto('/deputies/suggestions')
    expect(page.locator('main h1')).to_have_text('人大代表建议')
    expect(page.locator('main table tbody tr')).to_have_count(2)
    page.locator('main table a[href^="/deputies/suggestions/"]').first.click()
    expect(page.locator('main h1')).to_be_visible()
    page.locator('main a[href^="/deputies/"]').filter(has_text='人大代表').first.click()
    expect(page.locator('#suggestions li')).to_have_count(2)
    for path in (page.url, page.url + '/print', f'{live.url}/deputies/suggestions'):
        page.goto(path)
        width = page.evaluate('() => document.documentElement.scrollWidth')
        assert width <= 390, f'{path}: horizontal scroll on a 390 px phone (scrollWidth {width})'
