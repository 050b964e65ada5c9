"""Issue 16 in a real browser: the meeting record's votes on a phone (each option a card of labelled lines, nothing
wider than the screen) and on paper (the section printed, the page's navigation not), on the record's front page
and in the whole record. The motion is put to the demo's open meeting and closed in its live room."""

import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_live_room import DEMO_DIRECTOR
from tests.browser.test_live_room import _room
from tests.browser.test_phones import A4_POINTS
from tests.browser.test_phones import CELL_LABELS
from tests.browser.test_phones import PHONE
from tests.browser.test_vote_room import DESK
from tests.browser.test_vote_room import _answering
from tests.browser.test_vote_room import _close
from tests.browser.test_vote_room import _open_motion
from tests.browser.test_vote_room import database  # noqa: F401 - leaves no vote open after a failure

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def title(database):  # noqa: F811
    """The motion's title; afterwards the motion is taken out of the demo's meeting, whose room and record the
    later browser tests expect without a vote (a counted vote would stand in the room and in the record)."""
    made = f'档案中的表决 {secrets.token_hex(3)}'
    yield made
    with database.begin() as conn:
        conn.execute(
            sa.text("UPDATE votes SET status = 'cancelled', cancel_reason = 'test' WHERE title = :title"),
            {'title': made},
        )


def test_the_records_votes_read_on_a_phone_and_print_on_a4(new_context, live, title):
    chair = _answering(_room(lambda: new_context(viewport=DESK), live, DEMO_DIRECTOR))
    meeting = int(re.search(r'/meetings/(\d+)/room', chair.url).group(1))
    vote = _open_motion(chair, title)
    _close(chair, vote)

    phone = new_context(**PHONE).new_page()
    log_in(phone, DEMO_DIRECTOR, live.demo_password)
    for path in (f'/meetings/{meeting}/record', f'/meetings/{meeting}/record/full'):
        phone.goto(path)
        section = phone.locator('section[aria-labelledby="votes-title"]')
        expect(section.get_by_role('link', name=title)).to_be_visible()
        expect(section.locator('table.table thead').last).to_be_hidden()  # the options are cards on a phone
        cells = [cell for cell in phone.evaluate(CELL_LABELS) if cell['heading'] in ('选项', '票数', '通过')]
        assert cells, f'{path}: no labelled cell'
        for cell in cells:
            assert cell['shown'] == f'"{cell["heading"]}："', f'{path}: {cell}'
        assert phone.evaluate('() => document.documentElement.scrollWidth') <= 390, path

    for path in (f'/meetings/{meeting}/record', f'/meetings/{meeting}/record/full'):
        chair.goto(path)
        chair.emulate_media(media='print')
        expect(chair.locator('section[aria-labelledby="votes-title"]').get_by_role('link', name=title)).to_be_visible()
        visible = chair.locator('nav').evaluate_all('els => els.filter((el) => el.checkVisibility()).length')
        assert visible == 0, f'{path} prints its navigation'
        pdf = chair.pdf(prefer_css_page_size=True, print_background=False)
        sizes = {tuple(round(float(n)) for n in box.split()[2:]) for box in re.findall(rb'/MediaBox \[([^\]]+)\]', pdf)}
        assert sizes == {A4_POINTS}, f'{path}: page sizes {sizes}'
        chair.emulate_media(media='screen')
