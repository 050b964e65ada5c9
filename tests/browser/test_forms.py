"""Issue 12, forms and buttons at phone size (390x844): checkboxes and radio buttons sit inline before their
labels, the label is the tap target (44 px rows), and a form has one primary (filled) submit button.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'width': 390, 'height': 844}


def _box(locator):
    box = locator.bounding_box()
    assert box, 'not rendered'
    return box


def test_topic_form_checkboxes_are_clicked_by_their_labels_on_a_phone(new_context, live):
    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto('/topics/new')
    title = f'单元门禁维修 {secrets.token_hex(3)}'
    page.fill('#title', title)
    page.fill('#body', '门禁坏了两周。')

    for box_id in ('categories-0', 'declared_not_excluded'):
        box = page.locator(f'#{box_id}')
        label = page.locator(f'label[for="{box_id}"]')
        b, lb = _box(box), _box(label)
        assert b['width'] < 40, f'{box_id} is drawn {b["width"]} px wide'
        assert b['height'] < 40, f'{box_id} is drawn {b["height"]} px high'
        assert abs((b['y'] + b['height'] / 2) - (lb['y'] + lb['height'] / 2)) < 12, f'{box_id} is not beside its label'
        assert b['x'] < lb['x'], f'{box_id} is not before its label'
        row = page.locator(f'#{box_id}').locator('xpath=..')
        assert _box(row)['height'] >= 43.5, f'the row of {box_id} is under 44 px'
        assert _box(label)['height'] >= 40, f'the label of {box_id} is not a large tap target'
        label.tap()
        expect(box).to_be_checked()

    # the category list has no bullets
    assert page.locator('#categories li').first.evaluate('e => getComputedStyle(e).listStyleType') == 'none'
    # one primary action: "Submit" is filled, "Save draft" is outlined
    submit_bg = page.locator('#submit_now').evaluate('e => getComputedStyle(e).backgroundColor')
    save_bg = page.locator('#save').evaluate('e => getComputedStyle(e).backgroundColor')
    assert submit_bg != save_bg
    assert save_bg == 'rgb(255, 255, 255)'

    page.locator('#submit_now').tap()
    expect(page.locator('main h1')).to_have_text(title)


def test_radio_buttons_are_inline_on_the_topic_form(new_context, live):
    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    log_in(page, DEMO_RESIDENT, live.demo_password)
    page.goto('/topics/new')
    radio = page.locator('#area_kind-1')
    label = page.locator('label[for="area_kind-1"]')
    assert _box(radio)['width'] < 40
    label.tap()
    expect(radio).to_be_checked()


def test_a_step_that_cannot_be_undone_asks_first(new_context, live):
    """Revoking a role asks in the reader's language; "No" changes nothing, "Yes" revokes."""
    from tests.live_server import DEMO_ADMIN
    from tests.live_server import DEMO_WAITING

    reason = f'confirm test {secrets.token_hex(3)}'
    admin = new_context().new_page()
    log_in(admin, DEMO_ADMIN, live.demo_password)
    admin.goto('/roles/grant')
    admin.fill('#identifier', DEMO_WAITING)
    admin.select_option('#role', 'expert')
    admin.select_option('#community_id', label='东湖社区')
    admin.fill('#reason', reason)
    admin.locator('main form button[type=submit]').click()
    row = admin.locator('tr.grant').filter(has_text=reason)
    expect(row).to_have_count(1)
    row.locator('input[name=reason]').fill('任期结束')

    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    admin.once('dialog', answer(False))
    row.locator('form.revoke button[type=submit]').click()
    admin.wait_for_timeout(500)
    expect(row).to_have_count(1)
    expect(row.locator('form.revoke button[type=submit]')).to_be_enabled()  # the form still works
    assert '撤销' in questions[0]
    assert '无法撤销' in questions[0]

    admin.once('dialog', answer(True))
    row.locator('form.revoke button[type=submit]').click()
    expect(admin.locator('tr.grant').filter(has_text=reason)).to_have_count(0)
    assert len(questions) == 2


def test_the_agenda_is_edited_as_rows_on_a_phone(new_context, live):
    """No bar to type: each agenda item is a row with its title and minutes; the server gets the same lines."""
    from tests.live_server import DEMO_STAFF

    page = new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    log_in(page, DEMO_STAFF, live.demo_password)
    page.goto('/topics/')
    page.locator('a').filter(has_text='垃圾分类投放点调整').first.click()
    page.locator('a[href*="/meetings/new/"]').click()
    expect(page.locator('#agenda')).to_be_hidden()
    title = f'议程测试 {secrets.token_hex(3)}'
    page.fill('#title', title)
    from datetime import date
    from datetime import timedelta

    page.locator('#starts_at').fill(f'{date.today() + timedelta(days=30)}T19:00')
    page.fill('#place', '社区活动室')
    page.locator('.agenda-row .agenda-title').first.fill('方案介绍')
    page.locator('.agenda-row .agenda-minutes').first.fill('10')
    page.locator('.agenda-add').tap()
    expect(page.locator('.agenda-row')).to_have_count(2)
    page.locator('.agenda-row .agenda-title').nth(1).fill('讨论｜表决')  # a full-width bar inside a title
    page.locator('.agenda-row .agenda-minutes').nth(1).fill('30')
    page.locator('main form button[type=submit].primary').tap()
    expect(page.locator('main h1')).to_have_text(title)
    items = page.locator('ol.agenda li')
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text('方案介绍')
    expect(items.nth(1)).to_contain_text('30')
