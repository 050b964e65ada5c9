"""Issue 3 end to end in a real browser: a resident submits, two neighbours co-sign, staff accept, the Party
organisation confirms, and anyone (not logged in) sees the announcement; a rejected topic shows its reason
and where the matter goes instead.

Actions use ids and classes, not texts, so the flow does not depend on the catalogues.
"""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.live_server import DEMO_RESIDENT
from tests.live_server import DEMO_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.live]

DEMO_REPRESENTATIVE = '13800000002'
DEMO_PARTY = '13800000006'
DEMO_SUPERVISORY = '13800000011'


def _cosign(new_context, live, mobile, url):
    page = new_context().new_page()
    log_in(page, mobile, live.demo_password)
    page.goto(url)
    page.locator('section.cosign form[action$="/cosign"] button[type=submit]').click()
    expect(page.locator('section.cosign .my-cosign')).to_have_count(1)


def test_submit_cosign_accept_confirm_and_announce(new_context, live):
    title = f'楼道照明改造 {secrets.token_hex(3)}'
    resident = new_context().new_page()
    log_in(resident, DEMO_RESIDENT, live.demo_password)
    resident.goto('/topics/new')
    resident.fill('#title', title)
    resident.fill('#body', '楼道灯**经常不亮**，希望协商改造。')
    resident.check('#categories-0')
    resident.check('#declared_not_excluded')
    resident.locator('#submit_now').click()
    expect(resident.locator('main h1')).to_have_text(title)
    url = resident.url
    expect(resident.locator('.topic-body strong')).to_have_text('经常不亮')
    expect(resident.locator('#cosign-count')).to_have_text('0')
    expect(resident.locator('#live-status')).to_have_attribute('data-state', 'connected')

    # The open page follows the counter live (pushed to the topic's room; no reload by the test).
    _cosign(new_context, live, DEMO_REPRESENTATIVE, url)
    expect(resident.locator('#cosign-count')).to_have_text('1')
    _cosign(new_context, live, DEMO_SUPERVISORY, url)
    expect(resident.locator('#cosign-count')).to_have_text('2')

    staff = new_context().new_page()
    log_in(staff, DEMO_STAFF, live.demo_password)
    staff.goto('/topics/review')
    expect(staff.locator('tr.review-item').filter(has_text=title)).to_have_count(1)
    staff.goto(url)
    staff.locator('a[href$="/step/accept"]').click()
    staff.locator('main form button[type=submit]').click()
    expect(staff.locator('.timeline .event-accept')).to_have_count(1)

    party = new_context().new_page()
    log_in(party, DEMO_PARTY, live.demo_password)
    party.goto('/topics/confirmation')
    party.locator('.topic-item a').filter(has_text=title).click()
    party.locator('a[href$="/step/confirm"]').click()
    party.fill('#participant_scope', '本楼栋全体住户、物业服务企业')
    party.check('#consultation_form-0')
    party.fill('#form_reason', '住户集中，现场协商方便')
    party.locator('main form button[type=submit]').click()
    expect(party.locator('section.announcement')).to_have_count(1)

    public = new_context().new_page()
    public.goto(url)
    announcement = public.locator('section.announcement')
    expect(announcement).to_contain_text('本楼栋全体住户、物业服务企业')
    expect(announcement).to_contain_text('住户集中，现场协商方便')
    expect(public.locator('.timeline .event')).to_have_count(5)  # create, submit, queue, accept, confirm


def test_rejected_topic_shows_reason_and_redirect(new_context, live):
    title = f'占道经营 {secrets.token_hex(3)}'
    staff = new_context().new_page()
    log_in(staff, DEMO_STAFF, live.demo_password)
    staff.goto('/topics/new')
    staff.select_option('#channel', 'counter')
    staff.fill('#originator', DEMO_RESIDENT)
    staff.fill('#title', title)
    staff.fill('#body', '路边占道经营。')
    staff.check('#declared_not_excluded')
    staff.locator('#submit_now').click()
    expect(staff.locator('main h1')).to_have_text(title)
    url = staff.url
    staff.locator('a[href$="/step/reject"]').click()
    staff.select_option('#exclusion', 'department_duty')
    staff.fill('#reason', '属于城管部门的法定职责')
    staff.locator('main form button[type=submit]').click()

    public = new_context().new_page()
    public.goto(url)
    expect(public.locator('.decision .reason')).to_have_text('属于城管部门的法定职责')
    expect(public.locator('.decision .redirect')).to_have_count(1)


def test_a_double_click_submits_the_topic_once(new_context, live):
    """The page sends the form once and still sends the button pressed (``submit_now``: submitted, not a draft)."""
    title = f'双击提交 {secrets.token_hex(3)}'
    resident = new_context().new_page()
    log_in(resident, DEMO_RESIDENT, live.demo_password)
    resident.goto('/topics/new')
    resident.fill('#title', title)
    resident.fill('#body', '只应提交一次。')
    resident.check('#categories-0')
    resident.check('#declared_not_excluded')
    resident.locator('#submit_now').dblclick()
    expect(resident.locator('main h1')).to_have_text(title)
    expect(resident.locator('#cosign-count')).to_have_text('0')  # submitted: co-signing is open
    resident.goto('/topics/mine')
    expect(resident.locator('main').get_by_text(title)).to_have_count(1)
