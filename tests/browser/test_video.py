"""The video call of the demo's hybrid meeting in Chromium: real WebRTC between browsers, signalled by the room.

Chromium's synthetic camera and microphone stand in for the devices; the media goes browser to browser over
loopback (host candidates, no STUN or TURN needed on one machine), and the test reads each peer connection's
``getStats()``: video bytes arrive from the others. An observer (列席, an NPC deputy) watches without sending.
"""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import DEMO_DEPUTY
from tests.browser.test_live_room import DEMO_REPRESENTATIVE
from tests.browser.test_live_room import _room
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

RESIDENT_NAME = '东湖居民'  # DEMO_RESIDENT's display name in the demo data


def _video_from(page, names, timeout=20.0) -> dict:
    """Wait until video bytes arrive from each of ``names``; return bytes by name."""
    deadline = time.monotonic() + timeout
    received = {}
    while time.monotonic() < deadline:
        received = {p['name']: p['bytes'] for p in page.evaluate('window.consultVideo.received()')}
        if all(received.get(name, 0) > 0 for name in names):
            return received
        time.sleep(0.25)
    raise AssertionError(f'no video from {names} within {timeout} s: {received}')


def _join_call(page):
    page.locator('#video-join').click()
    expect(page.locator('#video')).to_have_attribute('data-in-call', 'yes')


def test_two_residents_see_each_other_and_an_observer_watches(new_context, live):
    resident = _room(new_context, live, DEMO_RESIDENT)
    representative = _room(new_context, live, DEMO_REPRESENTATIVE)
    deputy = _room(new_context, live, DEMO_DEPUTY)
    resident_name = RESIDENT_NAME

    _join_call(resident)
    expect(resident.locator('.video-tile')).to_have_count(1)  # their own camera
    _join_call(representative)
    _join_call(deputy)
    expect(deputy.locator('#video-status')).to_contain_text('发言')  # watches and listens until given the floor
    expect(deputy.locator('#video-mic')).to_be_hidden()

    from_resident = _video_from(representative, [resident_name])
    assert from_resident[resident_name] > 0
    names = [name for name in _video_from(deputy, [resident_name]) if name]
    assert resident_name in names
    # two who may speak, one tile each for the others; the observer sends nothing, so shows no tile
    expect(representative.locator('.video-tile')).to_have_count(2)
    expect(resident.locator('.video-tile')).to_have_count(2)
    expect(resident.locator(f'.video-tile figcaption:text-is("{resident_name}")')).to_have_count(0)

    representative.locator('#video-leave').click()
    expect(resident.locator('.video-tile')).to_have_count(1)  # the representative's tile went with them
