"""Playwright fixtures: the system Chromium (never a downloaded one), one browser per session, one context per test.

``tests/browser`` drives a real server process (``tests/live_server.py``) with real websockets in the page.
A missing Chromium is a failure, not a skip: CI installs it, so its absence is a broken environment.
On failure, every open page of the test is saved as a screenshot in ``test-artifacts/``.
Once a test has passed, axe-core audits every page its contexts loaded (``accessibility.py``): a serious or
critical violation fails the test, with the rule, impact, selectors and address (``no_axe`` opts a test out).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright

from tests.browser.accessibility import PageAudit
from tests.browser.accessibility import report
from tests.live_server import live_server
from tests.support import ROOT

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--no-sandbox',  # the tests run as root
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    # a synthetic camera and microphone, granted without a prompt (the video call tests; tech-notes §3.1)
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
]
ARTIFACTS = ROOT / 'test-artifacts'
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _reset_rate_limits():
    """Override the in-process suite's autouse fixture: these tests never need the in-process app."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f'report_{report.when}', report)
    return report


AUDIT = pytest.StashKey[PageAudit]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a passing browser test, audit the pages it loaded; the test fails with the violations found."""
    result = yield
    audit = item.stash.get(AUDIT, None)
    if audit is not None and item.get_closest_marker('no_axe') is None:
        findings = audit.check()
        if findings:
            pytest.fail(report(findings), pytrace=False)
    return result


@pytest.fixture(scope='session')
def audited_pages() -> set:
    """The pages already audited in this session (address, user, language, width)."""
    return set()


@pytest.fixture(scope='session')
def reloaded_pages() -> set:
    """The addresses the after-test audit loaded again in this session (as asked for, user, language, width)."""
    return set()


@pytest.fixture(scope='session')
def live(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp('browser-live')) as server:
        yield server


@pytest.fixture(scope='session')
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(
            f'{CHROMIUM} is missing: install the Debian package "chromium" (apt-get install chromium). '
            'The browser tests never download a browser (no `playwright install`).',
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live, request, audited_pages, reloaded_pages):
    """Factory: a fresh browser context (own cookies) on the live server, Chinese by default like our users."""
    contexts: list[BrowserContext] = []
    audit = PageAudit(origin=live.url, seen=audited_pages, requested=reloaded_pages)
    request.node.stash[AUDIT] = audit

    def make(**options) -> BrowserContext:
        options = {'base_url': live.url, 'locale': 'zh-CN', 'timezone_id': 'Asia/Shanghai', **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if options['base_url'] == live.url:
            audit.watch(context)
        return context

    yield make
    failed = any(
        getattr(request.node, f'report_{when}', None) and getattr(request.node, f'report_{when}').failed
        for when in ('setup', 'call')
    )
    if failed:
        _save_screenshots(request.node.nodeid, contexts)
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


def _save_screenshots(nodeid: str, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r'[^\w.-]+', '_', nodeid).strip('_')
    for c, context in enumerate(contexts, 1):
        for p, page in enumerate(context.pages, 1):
            try:
                page.screenshot(path=str(ARTIFACTS / f'{name}-context{c}-page{p}.png'), full_page=True)
            except Exception as exc:  # a failed screenshot must not hide the test failure
                print(f'screenshot of {page.url} failed: {exc}')


def log_in(page: Page, mobile: str, password: str) -> None:
    """Log in through the real form, with clicks (the keyboard-only path has its own test)."""
    page.goto('/account/login')
    page.fill('#identifier', mobile)
    page.fill('#password', password)
    page.locator('main form button[type=submit]').click()
    expect(page.locator('body[data-user]')).to_have_count(1)
    # The page after login loads its deferred scripts (socket.io.min.js) after the body is there: a test that goes
    # on to another page at once would cancel them (ERR_ABORTED, a "failed request" in the page-health test).
    page.wait_for_load_state('load')


class ChineseUI:
    """Checks of the zh_Hans catalogue, collected so one run shows every missing string, not just the first.

    The flow under test goes on after a miss (its actions use ids, not texts), and ``assert_all()`` at the end
    fails with the whole list.
    """

    def __init__(self):
        self.missing: list[str] = []

    def has_text(self, locator, expected: str, where: str) -> None:
        try:
            actual = locator.first.inner_text(timeout=TIMEOUT_MS)
        except Exception as exc:  # a missing element is reported like a missing text
            actual = f'<{type(exc).__name__}>'
        if expected not in actual:
            self.missing.append(f'{where}: expected {expected!r}, found {actual.strip()[:80]!r}')

    def assert_all(self) -> None:
        assert not self.missing, 'Chinese UI text missing (is the zh_Hans catalogue complete?):\n' + '\n'.join(
            self.missing
        )


@pytest.fixture
def zh() -> ChineseUI:
    return ChineseUI()
