"""Issue 12: the live room on a phone (390x844, in Chinese) and at a desk (1366x768).

On a phone the bar with the item, speaker, timers and quorum stays in sight, the message list scrolls by itself
(an incoming message never moves the page; scrolled up, a button says new ones came), and the message box and
the hand stay at the bottom of the screen; messages show their time; the quorum reads as the meeting page's
sentence; an observer sees why the box is disabled; the one given the floor reads "轮到您发言"; overtime is
written out and coloured. At a desk, chat, queue and people stand side by side. axe-core finds no serious or
critical violation at either size.
"""

import os
import re
import secrets
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import DEMO_DEPUTY
from tests.browser.test_live_room import DEMO_DIRECTOR
from tests.browser.test_live_room import DEMO_REPRESENTATIVE
from tests.browser.test_live_room import DEMO_SUPERVISORY
from tests.browser.test_live_room import _room
from tests.browser.test_live_room import _send
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'width': 390, 'height': 844}
DESK = {'width': 1366, 'height': 768}
SHANGHAI = ZoneInfo('Asia/Shanghai')

# axe-core, vendored by the accessibility tests (tests/browser/axe); AXE_JS points elsewhere before they land.
AXE_PATHS = [os.environ.get('AXE_JS', ''), str(Path(__file__).parent / 'axe' / 'axe.min.js')]
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)"""


def _axe(page) -> list[str]:
    source = next((Path(p) for p in AXE_PATHS if p and Path(p).is_file()), None)
    assert source is not None, f'axe-core not found in {AXE_PATHS}'
    if not page.evaluate('() => typeof window.axe === "object"'):
        page.evaluate('() => {' + source.read_text(encoding='utf-8') + '\n}')
    return page.evaluate(RUN_AXE)


def _phone(new_context):
    return lambda: new_context(viewport=PHONE, is_mobile=True, has_touch=True)


def _desk(new_context):
    return lambda: new_context(viewport=DESK)


def _box(page, selector):
    return page.locator(selector).bounding_box()


def _in_viewport(page, selector):
    box = _box(page, selector)
    height = page.viewport_size['height']
    return box is not None and box['y'] >= 0 and box['y'] + box['height'] <= height


def _scroll_y(page):
    return page.evaluate('window.scrollY')


def test_a_resident_on_a_phone_reads_writes_and_raises_a_hand_without_scrolling(new_context, live):
    resident = _room(_phone(new_context), live, DEMO_RESIDENT)
    other = _room(_desk(new_context), live, DEMO_REPRESENTATIVE)
    # the quorum as the meeting page says it
    expect(resident.locator('#quorum-text')).to_have_text(
        re.compile(r'^\d+ 名有表决权成员中 \d+ 人到会；法定人数 \d+ 人。$')
    )
    expect(resident.locator('#quorum-met')).to_have_text(re.compile(r'^(已达法定人数。|未达法定人数。)$'))

    y = _scroll_y(resident)
    hello = f'手机上读到 {secrets.token_hex(3)}'
    _send(other, hello)
    arrived = resident.locator('#messages .message').filter(has_text=hello)
    expect(arrived).to_have_count(1)
    assert _scroll_y(resident) == y, 'an incoming message does not move the page'
    for selector in ('#room-bar', '#speaker-name', '#quorum', '#say-body', '#say-send', '#hand'):
        assert _in_viewport(resident, selector), f'{selector} is on the screen without scrolling'
    # the list followed the message: it shows inside the list, above the message box
    message, messages, dock = (
        _box(resident, f'#msg-{arrived.get_attribute("data-seq")}'),
        _box(resident, '#messages'),
        _box(resident, '#room-dock'),
    )
    assert messages['y'] <= message['y']
    assert message['y'] + message['height'] <= messages['y'] + messages['height'] + 1
    assert message['y'] + message['height'] <= dock['y'] + 1, 'the newest message is not hidden under the box'
    # its time, HH:MM in the city's zone
    stamp = arrived.locator('time').inner_text()
    now = datetime.now(SHANGHAI)
    assert stamp in {(now - timedelta(minutes=m)).strftime('%H:%M') for m in (0, 1)}, stamp

    # writes and raises a hand where the thumb is
    mine = f'我在手机上写 {secrets.token_hex(3)}'
    _send(resident, mine)
    expect(other.locator('#messages .message').filter(has_text=mine)).to_have_count(1)
    resident.locator('#hand').click()
    expect(resident.locator('#hand')).to_have_attribute('data-raised', 'yes')
    expect(resident.locator('#tab-queue-count')).not_to_have_text('')
    assert _scroll_y(resident) == y
    assert _axe(resident) == []

    # scrolled up in the list, a message arrives: the page and the list stay, a button says so. The list is
    # filled here, whatever earlier tests left in the chat: five messages of several lines each overflow it (and
    # the sender stays under its pace limit, 10 messages in 10 s, with the two below).
    for n in range(5):
        _send(other, f'填满列表 {n} {secrets.token_hex(2)} ' + '这条消息很长，在手机上占好几行。' * 10)
    last = f'读者往上翻时到达 {secrets.token_hex(3)}'
    expect(resident.locator('#messages .message')).not_to_have_count(0)
    resident.wait_for_function(
        '() => { const m = document.getElementById("messages"); return m.scrollHeight > m.clientHeight + 100; }'
    )
    resident.locator('#messages').evaluate('m => { m.scrollTop = 0; }')
    expect(resident.locator('#new-messages')).to_be_hidden()
    _send(other, last)
    expect(resident.locator('#messages .message').filter(has_text=last)).to_have_count(1, timeout=30_000)
    expect(resident.locator('#new-messages')).to_be_visible()
    assert resident.locator('#messages').evaluate('m => m.scrollTop') == 0
    assert _scroll_y(resident) == y
    resident.locator('#new-messages').click()
    expect(resident.locator('#new-messages')).to_be_hidden()
    assert _in_viewport(resident, f'#messages .message:has-text("{last}")')

    # the queue and the people as tabs; the box and the hand stay in reach there too
    resident.locator('#tab-queue').click()
    expect(resident.locator('#panel-queue')).to_be_visible()
    expect(resident.locator('#panel-chat')).to_be_hidden()
    expect(resident.locator('#queue li')).not_to_have_count(0)
    assert _in_viewport(resident, '#hand')
    assert _in_viewport(resident, '#say-body')
    elsewhere = f'在另一个标签时到达 {secrets.token_hex(3)}'
    _send(other, elsewhere)
    # (the sender's eighth message: under the pace limit; were it held back, its page would resend it)
    expect(other.locator('#messages .message').filter(has_text=elsewhere)).to_have_count(1, timeout=30_000)
    expect(resident.locator('#tab-chat-new')).to_have_text('1')
    resident.locator('#tab-people').press('ArrowLeft')  # keyboard: arrows move between tabs
    resident.locator('#tab-queue').press('ArrowLeft')
    expect(resident.locator('#tab-chat')).to_be_focused()
    expect(resident.locator('#panel-chat')).to_be_visible()
    expect(resident.locator('#tab-chat-new')).to_have_text('')


def test_the_floor_and_overtime_on_a_phone(new_context, live):
    chair = _room(_desk(new_context), live, DEMO_DIRECTOR)
    speaker = _room(_phone(new_context), live, DEMO_SUPERVISORY)
    expect(speaker.locator('#your-turn')).to_be_hidden()
    speaker.locator('#hand').click()
    row = chair.locator('#queue li').filter(has_text='监督委员')
    expect(row).to_have_count(1)
    row.locator('button.give-floor').click()
    expect(speaker.locator('#your-turn')).to_be_visible()
    expect(speaker.locator('#your-turn')).to_have_text('轮到您发言')
    assert _in_viewport(speaker, '#your-turn'), (_box(speaker, '#your-turn'), _scroll_y(speaker))
    expect(speaker.locator('#speaker-timer')).to_have_attribute('data-over', 'no')

    # the speaker's time runs out: what a state push says a second after the end of the turn
    speaker.evaluate(
        """() => {
        const past = new Date(Date.now() - 61000).toISOString();
        window.consultSocket.listeners('meeting:state').forEach(handler => handler({
          meeting: parseInt(document.getElementById('room').dataset.meeting, 10), server_now: new Date().toISOString(),
          status: 'open', item: null, queue: [], muted: [],
          speaker: {id: parseInt(document.body.dataset.user, 10), name: '监督委员', ends_at: past}}));
        }"""
    )
    timer = speaker.locator('#speaker-timer')
    expect(timer).to_have_text(re.compile(r'^已超时 1:0\d$'))
    expect(timer).to_have_attribute('data-over', 'yes')
    assert timer.evaluate('e => getComputedStyle(e).backgroundColor') == 'rgb(179, 38, 30)'
    assert _axe(speaker) == []
    chair.locator('#end-turn').click()


def test_an_observer_sees_why_the_box_is_disabled(new_context, live):
    deputy = _room(_phone(new_context), live, DEMO_DEPUTY)
    expect(deputy.locator('#say-body')).to_be_disabled()
    expect(deputy.locator('#say-send')).to_be_disabled()
    expect(deputy.locator('#say-error')).to_have_text('列席人员经主持人安排后发言。')
    expect(deputy.locator('#say-error')).to_be_visible()
    assert deputy.locator('#say-body').get_attribute('aria-describedby') == 'say-error'
    enabled = deputy.evaluate(
        "() => { const b = document.createElement('button'); document.getElementById('room').appendChild(b);"
        ' const c = getComputedStyle(b).backgroundColor; b.remove(); return c; }'
    )
    assert deputy.locator('#say-send').evaluate('e => getComputedStyle(e).backgroundColor') != enabled


def test_at_a_desk_chat_queue_and_people_stand_side_by_side(new_context, live):
    chair = _room(_desk(new_context), live, DEMO_DIRECTOR)
    expect(chair.locator('.room-tabs')).to_be_hidden()
    chat, queue, people = (_box(chair, f'#panel-{name}') for name in ('chat', 'queue', 'people'))
    assert chat['x'] + chat['width'] <= queue['x']
    assert queue['x'] + queue['width'] <= people['x']
    assert abs(chat['y'] - queue['y']) < 2
    assert abs(queue['y'] - people['y']) < 2
    assert people['x'] + people['width'] <= DESK['width']
    for selector in ('#room-bar', '#say-body', '#item-start', '#queue-title', '#people-title'):
        assert _in_viewport(chair, selector), selector
    expect(chair.locator('#messages')).to_have_attribute('tabindex', '0')
    assert _axe(chair) == []


def test_on_a_phone_the_speaker_is_large_in_the_video_strip_and_ones_own_view_small(new_context, live):
    resident = _room(_phone(new_context), live, DEMO_RESIDENT)
    speaker = _room(_desk(new_context), live, DEMO_REPRESENTATIVE)
    chair = _room(_desk(new_context), live, DEMO_DIRECTOR)
    for page in (resident, speaker):
        page.locator('#video-join').click()
        expect(page.locator('#video')).to_have_attribute('data-in-call', 'yes')
    expect(resident.locator('.video-tile')).to_have_count(2)
    own = resident.locator('.video-tile[data-self="yes"]')
    other = resident.locator('.video-tile[data-self="no"]')
    expect(other).to_have_attribute('data-speaker', 'no')
    speaker.locator('#hand').click()
    row = chair.locator('#queue li').filter(has_text='居民代表')
    expect(row).to_have_count(1)
    row.locator('button.give-floor').click()
    expect(other).to_have_attribute('data-speaker', 'yes')
    own_box, speaker_box = own.bounding_box(), other.bounding_box()
    assert own_box['width'] <= 100, 'one sees oneself small'
    assert speaker_box['width'] >= PHONE['width'] - 40, 'the speaker fills the width of the phone'
    assert speaker_box['y'] <= own_box['y'], 'the speaker comes first'
    chair.locator('#end-turn').click()
    expect(other).to_have_attribute('data-speaker', 'no')
