"""axe-core in the browser tests: run it on a page, keep the serious and critical violations, report them.

axe-core is vendored in ``tests/browser/axe/`` (version and licence in its README): it is injected through the
DevTools protocol (``page.evaluate``), so the page's Content Security Policy does not stand in the way and
nothing is fetched from elsewhere.

Two users: :class:`PageAudit` (wired into the ``new_context`` fixture of ``conftest.py``) audits every page
each browser test opened, and ``test_accessibility.py`` crawls what every demo role can reach.
"""

import hashlib
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext
from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / 'axe' / 'axe.min.js').read_text(encoding='utf-8')
BLOCKING = ('serious', 'critical')

#: Temporary allow-list: (path pattern, axe rule id, why), e.g.
#: ``(re.compile(r'^/meetings/\d+/room$'), 'scrollable-region-focusable', 'the live room is being rebuilt')``.
#: Every entry must say which work removes it. Empty: no page has a serious or critical violation.
ALLOWED: list[tuple[re.Pattern, str, str]] = []

#: Links never followed and pages never revisited: they end the session, download a file or are not pages.
SKIPPED_PATHS = re.compile(
    r'/logout\b|/socket\.io/|/static/|\.(csv|atom|ics|pdf|json|xlsx?|zip|png|jpe?g)$|/export\b|^/api/v1/(?!$)'
)
#: Pages that act when opened: the live room joins the room (and signs the person in to an online meeting), the
#: sign-in page signs in, a reset link is used once. The after-test audit checks them as the test left them but
#: never loads them again, and the sweep never follows a link to them: either would change what later tests find
#: in the demo data. Their own tests audit them (``audit(page)``: tests/browser/test_room_layout.py).
NOT_RELOADED = re.compile(r'^/meetings/\d+/(room|checkin)$|^/account/reset/')

RUN_AXE = """async (blocking) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => blocking.includes(v.impact))
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}"""


@dataclass(frozen=True)
class Finding:
    url: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ', '.join(self.targets[:5]) + (f' (+{len(self.targets) - 5} more)' if len(self.targets) > 5 else '')
        return f'{self.url}: {self.rule} [{self.impact}] {self.help}: {shown}'


def _allowed(path: str, rule: str) -> bool:
    return any(pattern.match(path) and rule == allowed_rule for pattern, allowed_rule, _ in ALLOWED)


def audit(page: Page) -> list[Finding]:
    """Run axe-core on the page as it is now; return its serious and critical violations not allowed above."""
    if not page.evaluate('() => typeof window.axe === "object"'):
        page.evaluate(f'() => {{ {AXE_SOURCE}\n}}')
    path = urlsplit(page.url).path
    return [
        Finding(page.url, v['id'], v['impact'], v['help'], tuple(v['targets']))
        for v in page.evaluate(RUN_AXE, list(BLOCKING))
        if not _allowed(path, v['id'])
    ]


SIGNATURE = r"""() => {
  const main = document.querySelector('main');
  const chrome = [...document.querySelectorAll('header a, header button, header input:not([type=hidden]), footer *')]
    .map((e) => e.getAttribute('href') || e.tagName).join(' ');
  const content = (main ? main.outerHTML : document.body.outerHTML)
    .replace(/<input type="hidden"[^>]*>/g, '<input type="hidden">');
  return [document.documentElement.lang, document.title, chrome, content].join('\n');
}"""


def signature(page: Page) -> str:
    """The page's markup less what cannot change an audit (hidden inputs' values, the user's name in the header).

    Two pages with the same signature at the same screen size get the same axe-core results.
    """
    return hashlib.sha256(page.evaluate(SIGNATURE).encode()).hexdigest()


def report(findings: list[Finding]) -> str:
    return f'{len(findings)} serious or critical accessibility violations (axe-core):\n' + '\n'.join(
        f'  {f}' for f in findings
    )


def page_key(page: Page) -> tuple:
    """What makes two audits the same: address, who is logged in, screen width and language."""
    state = page.evaluate(
        '() => [document.body ? document.body.dataset.user || "" : "", document.documentElement.lang]'
    )
    return (page.url.split('#')[0], *state, (page.viewport_size or {}).get('width'))


@dataclass
class PageAudit:
    """Every main-frame address the pages of a test's contexts loaded, audited once the test has passed.

    The pages still open are audited as the test left them; every other address is loaded again (GET, in a new
    page of the same context, so with the same size and language, and the login the context has at the end: a
    page seen before logging in is seen again logged in, or redirected) and audited. ``seen`` is shared by the
    whole session: a page already audited for the same user, width and language is not audited again, nor even
    loaded again once the context's user and language are known (``requested``, shared too, remembers the
    addresses asked for that redirected elsewhere).
    """

    origin: str
    seen: set = field(default_factory=set)
    requested: set = field(default_factory=set)
    visited: list[tuple[BrowserContext, str]] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    closed: set = field(default_factory=set)

    def watch(self, context: BrowserContext) -> None:
        self.contexts.append(context)
        context.on('close', lambda c: self.closed.add(id(c)))
        context.on('page', lambda page: self._watch_page(context, page))

    def _watch_page(self, context: BrowserContext, page: Page) -> None:
        # Only records: a handler must not call back into Playwright's sync API.
        page.on(
            'framenavigated',
            lambda frame: frame == page.main_frame and self.visited.append((context, frame.url.split('#')[0])),
        )

    def _revisitable(self, url: str) -> bool:
        return url.startswith(self.origin + '/') and not SKIPPED_PATHS.search(urlsplit(url).path)

    def check(self) -> list[Finding]:
        findings: list[Finding] = []
        open_contexts = [c for c in self.contexts if id(c) not in self.closed]
        done: set[tuple[int, str]] = set()
        #: Per context, what the first page loaded again below showed: user and language. They come from the
        #: context's cookies and ``Accept-Language``, never from the address (the language is switched by POST,
        #: and NOT_RELOADED pages, the ones that sign in, are never loaded again), so they hold for every other
        #: address loaded again in it: one whose key was audited already is not loaded at all.
        states: dict[int, tuple] = {}
        for context in open_contexts:
            for page in list(context.pages):
                if page.is_closed() or not self._revisitable(page.url):
                    continue
                done.add((id(context), page.url.split('#')[0]))
                try:
                    findings += self._audit_once(page)
                except Exception as exc:  # a page the test left mid-navigation: it is loaded again below
                    done.discard((id(context), page.url.split('#')[0]))
                    print(f'accessibility audit of {page.url} as left failed: {type(exc).__name__}')
        for context, url in self.visited:
            if id(context) in self.closed or (id(context), url) in done or not self._revisitable(url):
                continue
            if NOT_RELOADED.search(urlsplit(url).path):
                continue
            done.add((id(context), url))
            state = states.get(id(context))
            if state is not None and ((url, *state) in self.seen or (url, *state) in self.requested):
                continue
            page = context.new_page()
            try:
                page.goto(url, wait_until='load')
                key = page_key(page)
                if page.locator('meta[name="csrf-token"]').count():  # base.html: data-user says who is in
                    states.setdefault(id(context), key[1:])
                findings += self._audit_once(page)
                # a redirect: the audit is keyed by where it landed; this remembers where it was asked for
                self.requested.add((url, *key[1:]))
            except Exception as exc:  # a page that no longer loads (a stopped server, say) is not an a11y finding
                print(f'accessibility audit skipped {url}: {type(exc).__name__}')
            finally:
                page.close()
        return findings

    def _audit_once(self, page: Page) -> list[Finding]:
        key = page_key(page)
        if key in self.seen:
            return []
        self.seen.add(key)
        return audit(page)
