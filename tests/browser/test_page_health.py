"""What every page must do in a real browser: connect its live updates, load nothing from elsewhere,
break no CSP rule, log no errors, and fit a phone screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_ADMIN
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

ANONYMOUS_PAGES = [
    '/',
    '/account/login',
    '/account/register',
    '/account/forgot',
    '/account/reset-code',
    '/communities/',
    '/communities/donghu',
    '/rules/donghu',
    '/rules/donghu/history',
    '/petitions/c/donghu',
]
ADMIN_PAGES = ['/', '/residency/', '/residency/claim', '/roles/', '/audit/', '/account/password', '/account/sessions']
STAFF_PAGES = ['/residency/review', '/petitions/queue']

# Injected before any page script; CSP does not apply to it. Records violations the browser reports.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _aborted_long_poll(request) -> bool:
    """Leaving a page cancels the Socket.IO long-poll that waits for the server's next packet: not a failure."""
    return '/socket.io/' in request.url and request.failure == 'net::ERR_ABORTED'


def test_live_status_shows_a_websocket_connection(page, live):
    sockets = []
    page.on('websocket', lambda ws: sockets.append(ws))
    log_in(page, DEMO_RESIDENT, live.demo_password)
    status = page.locator('#live-status')
    expect(status).to_have_attribute('data-state', 'connected')
    expect(status).to_have_text(status.get_attribute('data-connected'))
    # The page upgraded to a real websocket on our own origin, and it is still open.
    ws_origin = live.url.replace('http://', 'ws://', 1)
    page.wait_for_function(
        '() => window.consultSocket && window.consultSocket.io.engine.transport.name === "websocket"'
    )
    open_sockets = [ws for ws in sockets if not ws.is_closed()]
    assert open_sockets, f'no open websocket; saw {[ws.url for ws in sockets]}'
    assert all(ws.url.startswith(f'{ws_origin}/socket.io/') for ws in sockets), [ws.url for ws in sockets]


def test_anonymous_page_opens_no_socket(page, live):
    sockets = []
    page.on('websocket', lambda ws: sockets.append(ws))
    scripts = []
    page.on('request', lambda request: scripts.append(request.url) if request.resource_type == 'script' else None)
    page.goto('/')
    page.wait_for_load_state('networkidle')
    expect(page.locator('#live-status')).to_have_count(0)
    assert sockets == []
    assert not [url for url in scripts if 'socket.io' in url or 'live.js' in url]  # issue 12: not even loaded


def test_pages_load_only_from_this_server_without_errors(context, live):
    requests, problems = [], []
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    page.on('request', lambda request: requests.append(request.url))
    page.on('websocket', lambda ws: requests.append(ws.url))
    page.on(
        'requestfailed',
        lambda request: (
            _aborted_long_poll(request) or problems.append(f'request failed: {request.url} {request.failure}')
        ),
    )
    page.on(
        'console',
        lambda msg: (
            msg.type in ('error', 'warning')
            and problems.append(f'console {msg.type} on {page.url}: {msg.text} ({msg.location.get("url")})')
        ),
    )
    page.on('pageerror', lambda exc: problems.append(f'page error: {exc}'))
    page.on('response', lambda r: r.status >= 400 and problems.append(f'HTTP {r.status}: {r.url}'))

    def visit(path):
        page.goto(path)
        page.wait_for_load_state('networkidle')
        problems.extend(f'CSP on {path}: {v}' for v in page.evaluate('window.__cspViolations'))

    for path in ANONYMOUS_PAGES:
        visit(path)
    for who, pages in ((DEMO_ADMIN, ADMIN_PAGES), (DEMO_STAFF, STAFF_PAGES)):
        context.clear_cookies()
        log_in(page, who, live.demo_password)
        for path in pages:
            visit(path)
        expect(page.locator('#live-status')).to_have_attribute('data-state', 'connected')
    for path in _meeting_pages(page):  # as staff: the demo meeting in session, its room, record and minutes
        visit(path)
    expect(page.locator('#room')).to_have_count(0)

    ws_origin = live.url.replace('http://', 'ws://', 1)
    foreign = [url for url in requests if not url.startswith((f'{live.url}/', f'{ws_origin}/'))]
    assert foreign == [], 'requests to other hosts'
    assert problems == [], '\n'.join(problems)


def _meeting_pages(page) -> list[str]:
    page.goto('/topics/')
    page.locator('a').filter(has_text='垃圾分类投放点调整').first.click()
    meeting = page.locator('section.meetings a').first.get_attribute('href')
    return [
        meeting,
        f'{meeting}/room',
        f'{meeting}/roster',
        f'{meeting}/record',
        f'{meeting}/record/sheet',
        f'{meeting}/record/full',
        f'{meeting}/checkin-display',
        f'{meeting}/minutes',
        f'{meeting}/minutes/edit',
    ]


def test_meeting_room_fits_a_phone(new_context, live):
    page = new_context(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True).new_page()
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto(_meeting_pages(page)[1])
    expect(page.locator('#room')).to_have_attribute('data-joined', 'yes')
    widths = page.evaluate('() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]')
    assert widths[0] <= 390, f'horizontal scroll on a 390 px phone: scrollWidth {widths[0]}'
    expect(page.locator('#say-body')).to_be_enabled()


@pytest.mark.parametrize('who', [None, DEMO_STAFF], ids=['anonymous', 'staff'])
def test_home_page_fits_a_phone(new_context, live, who):
    page = new_context(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True).new_page()
    if who:
        log_in(page, who, live.demo_password)
    page.goto('/')
    page.wait_for_load_state('networkidle')
    widths = page.evaluate('() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]')
    assert widths[0] <= 390, f'horizontal scroll on a 390 px phone: scrollWidth {widths[0]}'
    assert widths[1] == 390
