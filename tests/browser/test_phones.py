"""Phones (390x844) and paper: a one-line header with a menu, labelled table cells, clean printouts, large text."""

import re

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


# Each cell's label, as the phone shows it (the ::before content), beside its column's heading.
CELL_LABELS = """() => [...document.querySelectorAll('main table.table')].flatMap((table) => {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  return [...table.querySelectorAll('tbody tr')].flatMap((tr) => [...tr.children].map((td, i) => ({
    heading: heads[i],
    shown: getComputedStyle(td, '::before').content,
    value: td.textContent.trim().slice(0, 20),
  })));
})"""


@pytest.mark.parametrize(
    ('who', 'paths'),
    [
        ('13800000012', ['/roles/', '/audit/', '/account/sessions']),  # the administrator
        (DEMO_STAFF, ['/residency/review', '/rules/donghu', '/dispatch/', '/topics/review']),
    ],
    ids=['admin', 'staff'],
)
def test_phone_tables_label_every_cell_with_its_column(new_context, live, who, paths):
    page = new_context(**PHONE).new_page()
    log_in(page, who, live.demo_password)
    counts = {}
    for path in paths:
        page.goto(path)
        expect(page.locator('main table.table thead').first).to_be_hidden()  # the rows are cards on a phone
        cells = page.evaluate(CELL_LABELS)
        for cell in cells:
            assert cell['shown'] == f'"{cell["heading"]}："', f'{path}: {cell}'
        counts[path] = len(cells)
        assert page.evaluate('() => document.documentElement.scrollWidth') <= 390, path
    assert all(counts.values()), f'a table without rows in the demo data: {counts}'


A4_POINTS = (595, 842)  # 210 x 297 mm


def _printed_documents(page) -> dict[str, tuple[str, str]]:
    """The demo's topic in public notice, its meeting's notice, record and minutes: path -> (document, heading)."""
    page.goto('/topics/')
    page.locator('.topic-item h2 a').filter(has_text='老旧小区改造方案征求意见').click()
    announcement = page.url
    page.goto('/topics/')
    page.locator('.topic-item h2 a').filter(has_text='垃圾分类投放点调整').click()
    meeting = page.locator('section.meetings a').first.get_attribute('href')
    return {
        announcement: ('东湖社区 · 议题公示', '老旧小区改造方案征求意见'),
        meeting: ('东湖社区 · 会议通知', page.locator('section.meetings a').first.inner_text().strip()),
        f'{meeting}/record': ('东湖社区 · 会议档案', '会议档案'),
        f'{meeting}/minutes': ('东湖社区 · 会议记录', '会议记录'),
    }


def test_announcement_notice_and_record_print_as_clean_a4_documents(new_context, live):
    page = new_context(**DESK).new_page()
    log_in(page, DEMO_STAFF, live.demo_password)  # staff: the pages with the most buttons and forms
    for path, (heading, title) in _printed_documents(page).items():
        page.goto(path)
        page.emulate_media(media='screen')
        expect(page.locator('.print-heading')).to_be_hidden()
        expect(page.locator('.site-header')).to_be_visible()
        page.emulate_media(media='print')
        for chrome in ('.site-header', 'nav', '.site-footer', 'button', '.button', 'form'):
            visible = page.locator(chrome).evaluate_all(
                'els => els.filter((el) => el.checkVisibility()).map((el) => el.outerHTML.slice(0, 80))'
            )
            assert visible == [], f'{path} prints {chrome}: {visible}'
        expect(page.locator('.print-heading')).to_have_text(f'社区议事协商 · {heading}')
        expect(page.locator('h1')).to_contain_text(title)
        link = page.locator('main a[href]').first
        assert page.evaluate('(a) => getComputedStyle(a, "::after").content', link.element_handle()) in (
            'none',
            'normal',
        )
        pdf = page.pdf(prefer_css_page_size=True, print_background=False)  # the page size comes from @page
        assert pdf.startswith(b'%PDF')
        sizes = {tuple(round(float(n)) for n in box.split()[2:]) for box in re.findall(rb'/MediaBox \[([^\]]+)\]', pdf)}
        assert sizes == {A4_POINTS}, f'{path}: page sizes {sizes}'


def test_large_text_toggle_on_a_phone_persists_and_badges_keep_body_size(new_context, live):
    page = new_context(**PHONE).new_page()
    page.goto('/topics/')
    assert page.evaluate('() => getComputedStyle(document.documentElement).fontSize') == '16px'
    page.locator('.menu-button').click()
    toggle = page.locator('#large-text-toggle')
    expect(toggle).to_have_attribute('aria-pressed', 'false')
    toggle.click()
    expect(page).to_have_url(f'{live.url}/topics/')  # back where the reader was
    expect(page.locator('html')).to_have_class('large-text')
    # The address does not change, and the new page's class comes before its stylesheet is applied: wait for it.
    expect(page.locator('html')).to_have_css('font-size', '20px')
    sizes = page.evaluate("""() => ({
        body: parseFloat(getComputedStyle(document.body).fontSize),
        badges: [...document.querySelectorAll('main .badge, main .tag')].map((el) => parseFloat(getComputedStyle(el).fontSize)),
    })""")
    assert sizes['badges'], 'no badge on the topic list'
    assert min(sizes['badges']) >= sizes['body'], sizes
    page.goto('/communities/')  # another page, and a reload: the cookie keeps the choice
    expect(page.locator('html')).to_have_class('large-text')
    page.reload()
    expect(page.locator('html')).to_have_class('large-text')
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 390
    page.locator('.menu-button').click()
    expect(toggle).to_have_attribute('aria-pressed', 'true')
    toggle.click()
    expect(page.locator('html')).not_to_have_class('large-text')
