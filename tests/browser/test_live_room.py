"""Issue 4 in a real browser with real websockets: the demo's open meeting (东湖, hybrid, residents' meeting).

Three participants and the chair: a message appears live in the others; a hand is raised, the floor given and
the timer shown; a participant goes offline, messages are sent, it comes back and sees each of them once, in
order; an observer cannot send; a QR sign-in moves the quorum on the chair's screen; a page whose websockets
are blocked takes part over long-polling.
"""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

DEMO_REPRESENTATIVE = '13800000002'
DEMO_GRID_WORKER = '13800000003'
DEMO_DIRECTOR = '13800000005'
DEMO_DEPUTY = '13800000009'
DEMO_SUPERVISORY = '13800000011'
MEETING_TITLE = '垃圾分类投放点调整议事会'


def _room(new_context, live, mobile):
    page = new_context().new_page()
    log_in(page, mobile, live.demo_password)
    page.goto('/topics/')
    page.locator('a').filter(has_text='垃圾分类投放点调整').first.click()
    page.locator('section.meetings a').filter(has_text=MEETING_TITLE).click()
    page.locator('a[href$="/room"]').click()
    expect(page.locator('#room')).to_have_attribute('data-joined', 'yes')
    return page


def _send(page, text):
    page.fill('#say-body', text)
    page.locator('#say-send').click()


def _texts(page):
    return page.locator('#messages .message .body').all_inner_texts()


def test_chat_floor_and_reconnect(new_context, live):
    chair = _room(new_context, live, DEMO_DIRECTOR)
    resident = _room(new_context, live, DEMO_RESIDENT)
    representative = _room(new_context, live, DEMO_REPRESENTATIVE)
    neighbour = _room(new_context, live, DEMO_SUPERVISORY)
    expect(chair.locator('#room-status')).to_have_text('会议进行中')

    hello = f'大家好 {secrets.token_hex(3)}'
    _send(resident, hello)
    for page in (chair, representative, neighbour):
        expect(page.locator('#messages .message').filter(has_text=hello)).to_have_count(1)
    expect(neighbour.locator('#messages .message').filter(has_text=hello).locator('.badge')).to_have_text('居民')

    representative.locator('#hand').click()
    expect(chair.locator('#queue li').filter(has_text='居民代表')).to_have_count(1)
    chair.fill('#floor-minutes', '2')
    chair.locator('#queue li').filter(has_text='居民代表').locator('button.give-floor').click()
    for page in (chair, resident, representative):
        expect(page.locator('#speaker-name')).to_have_text('居民代表')
        expect(page.locator('#speaker-timer')).to_have_text(re.compile(r'^[12]:\d\d 剩余$'))

    # The neighbour drops off the network; three messages go out meanwhile; it comes back and sees each once.
    context = neighbour.context
    context.set_offline(True)
    neighbour.evaluate('window.consultSocket.io.engine.close()')
    expect(neighbour.locator('#room')).to_have_attribute('data-joined', 'no')
    missed = [f'离线期间 {n} {secrets.token_hex(2)}' for n in range(3)]
    for text in missed:
        _send(resident, text)
        expect(chair.locator('#messages .message').filter(has_text=text)).to_have_count(1)
    context.set_offline(False)
    expect(neighbour.locator('#room')).to_have_attribute('data-joined', 'yes', timeout=20_000)
    for text in missed:
        expect(neighbour.locator('#messages .message').filter(has_text=text)).to_have_count(1)
    texts = _texts(neighbour)
    assert [texts.index(t) for t in missed] == sorted(texts.index(t) for t in missed)
    seqs = [int(s) for s in neighbour.locator('#messages .message').evaluate_all('els => els.map(e => e.dataset.seq)')]
    assert seqs == sorted(set(seqs)), 'messages are in sequence order, each once'


def test_an_observer_cannot_send(new_context, live):
    deputy = _room(new_context, live, DEMO_DEPUTY)
    expect(deputy.locator('#say-body')).to_be_disabled()
    expect(deputy.locator('#say-error')).to_have_text('列席人员经主持人安排后发言。')
    answer = deputy.evaluate(
        """() => new Promise(resolve => window.consultSocket.emit('meeting:say',
            {meeting: parseInt(document.getElementById('room').dataset.meeting, 10), body: '我要发言', client_id: 'obs1'},
            resolve))"""
    )
    assert answer['ok'] is False
    assert answer['code'] == 'no_floor'


def test_qr_sign_in_moves_the_quorum(new_context, live):
    chair = _room(new_context, live, DEMO_DIRECTOR)
    before = int(chair.locator('#quorum-present').inner_text())
    staff = new_context().new_page()
    log_in(staff, DEMO_STAFF, live.demo_password)
    staff.goto(chair.url.replace('/room', '/checkin-display'))
    expect(staff.locator('#checkin-qr')).to_be_visible()
    code_url = staff.request.get(staff.locator('#checkin-qr').get_attribute('src')).headers['x-checkin-url']

    worker = new_context().new_page()
    log_in(worker, DEMO_GRID_WORKER, live.demo_password)
    worker.goto(code_url)
    worker.locator('#checkin-submit').click()
    expect(worker.locator('.flash-success')).to_have_text('签到成功，欢迎参会。')
    expect(chair.locator('#quorum-present')).to_have_text(str(before + 1))
    expect(chair.locator('#quorum-required')).to_have_text('3')


def test_a_page_with_other_names_than_a_push_says_asks_for_them(new_context, live):
    """A presence push without names whose digest differs from the page's list makes the page fetch the list."""
    page = _room(new_context, live, DEMO_SUPERVISORY)
    count = page.locator('#presence-count').inner_text()
    names = page.locator('#presence li').all_inner_texts()
    assert names
    # what a push from another process looks like when this page missed the one with the names
    page.evaluate(
        """() => window.consultSocket.listeners('meeting:presence').forEach(handler => handler({
            meeting: parseInt(document.getElementById('room').dataset.meeting, 10),
            count: 999, people: null, digest: 'another-list'}))"""
    )
    expect(page.locator('#presence-count')).to_have_text(count)  # the count from the answer, not the push's 999
    assert page.locator('#presence li').all_inner_texts() == names


def test_a_browser_whose_websockets_are_blocked_takes_part_over_long_polling(new_context, live):
    """Where a proxy blocks websockets, Socket.IO stays on HTTP long-polling and the room works the same."""

    refused = []

    def refuse(ws):
        refused.append(ws.url)
        ws.close()

    def without_websockets():
        context = new_context()
        context.route_web_socket(re.compile(r'/socket\.io/'), refuse)
        return context

    resident = _room(without_websockets, live, DEMO_RESIDENT)
    chair = _room(new_context, live, DEMO_DIRECTOR)
    there = f'轮询发出 {secrets.token_hex(3)}'
    _send(resident, there)
    expect(chair.locator('#messages .message').filter(has_text=there)).to_have_count(1)
    back = f'轮询收到 {secrets.token_hex(3)}'
    _send(chair, back)
    expect(resident.locator('#messages .message').filter(has_text=back)).to_have_count(1)
    assert refused, 'the page tried a websocket and was refused'
    assert resident.evaluate('window.consultSocket.io.engine.transport.name') == 'polling'
    assert chair.evaluate('window.consultSocket.io.engine.transport.name') == 'websocket'
