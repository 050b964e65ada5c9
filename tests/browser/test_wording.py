"""Issue 12: what the browser says when something fails is in the reader's language, never a raw error."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import _room
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

# The browser here grants the synthetic camera without asking (--use-fake-ui-for-media-stream); a person who
# taps "Block" gets this DOMException from getUserMedia, which the page must explain.
REFUSE_CAMERA = """
navigator.mediaDevices.getUserMedia = function () {
  return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
};
"""


def test_a_refused_camera_is_explained_in_chinese(new_context, live):
    page = _room(new_context, live, DEMO_RESIDENT)
    page.add_init_script(REFUSE_CAMERA)
    page.reload()
    expect(page.locator('#room')).to_have_attribute('data-joined', 'yes')
    page.locator('#video-join').click()
    status = page.locator('#video-status')
    expect(status).to_contain_text('浏览器设置')
    expect(status).not_to_contain_text('Permission denied')
    names = ['NotFoundError', 'NotReadableError', 'TypeError']
    texts = page.evaluate('n => n.map(x => window.consultVideo.mediaError({name: x}))', names)
    assert all(texts), texts
    assert len(set(texts)) == 3
