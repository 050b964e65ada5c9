"""Every page each demo role reaches, on a phone and at a desk, has no serious or critical axe-core violation.

For each role (and anonymous), log in, then crawl the same-origin links from the home page to depth 2 (no
logout, downloads or feeds; forms are never submitted), at most ``MAX_PAGES`` pages and ``PER_ROUTE`` pages
of one route (``/topics/7`` and ``/topics/8`` are one route), at 390x844 and 1366x768, and audit each page.
One browser for all; one context per role and size.
"""

import re
from collections import Counter
from collections import deque
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from playwright.sync_api import expect

from consult.demo import ACCOUNTS
from tests.browser.accessibility import NOT_RELOADED
from tests.browser.accessibility import SKIPPED_PATHS
from tests.browser.accessibility import audit
from tests.browser.accessibility import report
from tests.browser.accessibility import signature
from tests.browser.conftest import AUDIT
from tests.browser.conftest import log_in
from tests.live_server import DEMO_WAITING

pytestmark = [pytest.mark.browser, pytest.mark.live]

MAX_PAGES = 40
PER_ROUTE = 2
DEPTH = 2
SIZES = {'phone': {'width': 390, 'height': 844}, 'desktop': {'width': 1366, 'height': 768}}
ROLES = [(None, 'anonymous'), (DEMO_WAITING, 'waiting')] + [(mobile, str(role)) for role, mobile, *_ in ACCOUNTS]


def _route(path: str) -> str:
    """The route a path belongs to: numbers and tokens become placeholders."""
    return re.sub(r'/(\d+|[A-Za-z0-9_-]{20,})(?=/|$)', '/<id>', path)


def _normal(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ''))


def crawl(page, origin: str, audited: set[str]) -> tuple[list, set[str]]:
    """Visit the home page and the pages it links to, to ``DEPTH``; audit each; return the findings and addresses.

    A page whose markup is the same as one already audited at this size (``audited``: signatures; the same
    public page seen by two roles with the same menu, say) is not audited again.
    """
    findings, visited, routes = [], set(), Counter()
    queue = deque([(f'{origin}/', 0)])
    while queue and len(visited) < MAX_PAGES:
        url, depth = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = page.goto(url)
        assert response is not None, url
        assert response.status < 500, f'{url}: HTTP {response.status}'
        mark = signature(page)
        if mark not in audited:
            audited.add(mark)
            findings += audit(page)
        if depth == DEPTH:
            continue
        for href in page.eval_on_selector_all('a[href]', 'links => links.map((a) => a.href)'):
            link = _normal(href)
            path = urlsplit(link).path
            if (
                not link.startswith(origin + '/')
                or link in visited
                or SKIPPED_PATHS.search(path)
                or NOT_RELOADED.search(path)
            ):
                continue
            route = _route(path)
            if routes[route] >= PER_ROUTE:
                continue
            routes[route] += 1
            queue.append((link, depth + 1))
    return findings, visited


@pytest.fixture(scope='module')
def audited() -> dict[str, set[str]]:
    """Signatures of the pages audited so far, per screen size."""
    return {size: set() for size in SIZES}


@pytest.mark.no_axe  # it audits every page itself
@pytest.mark.parametrize('size', list(SIZES))
@pytest.mark.parametrize(('mobile', 'role'), ROLES, ids=[role for _, role in ROLES])
def test_every_reachable_page_is_accessible(browser, live, audited, mobile, role, size):
    context = browser.new_context(
        base_url=live.url,
        locale='zh-CN',
        timezone_id='Asia/Shanghai',
        viewport=SIZES[size],
        is_mobile=size == 'phone',
        has_touch=size == 'phone',
    )
    try:
        page = context.new_page()
        if mobile:
            log_in(page, mobile, live.demo_password)
            expect(page.locator('body[data-user]')).to_have_count(1)
        before = len(audited[size])
        findings, visited = crawl(page, live.url, audited[size])
        print(f'{role} {size}: {len(visited)} pages visited, {len(audited[size]) - before} new markups audited')
        assert len(visited) >= 5, f'the crawl found too few pages: {sorted(visited)}'
        assert not findings, f'{role} at {size} size: ' + report(findings)
    finally:
        context.close()


def test_the_audit_after_each_browser_test_reports_rule_impact_selector_and_address(page, live, request):
    """The audit that runs after every browser test (conftest.py) finds what a page breaks and says where."""

    page.goto('/communities/?axe-self-test')  # an address of its own: audits are once per address
    page.evaluate("""() => {
      const img = document.createElement('img');
      img.id = 'no-alt';
      img.src = 'data:,';
      document.querySelector('main').append(img);
    }""")
    findings = request.node.stash[AUDIT].check()
    assert [(f.rule, f.impact, f.targets, f.url) for f in findings] == [
        ('image-alt', 'critical', ('#no-alt',), f'{live.url}/communities/?axe-self-test')
    ]
    assert f'{live.url}/communities/?axe-self-test: image-alt [critical]' in report(findings)
    page.close()  # else the audit after the test would fail it, as it fails any test that leaves such a page
