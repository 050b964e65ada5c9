"""Keyboard-only use: the skip link, then logging in with Tab, typing and Enter, never a click."""

import re

import pytest
from playwright.sync_api import expect

from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, type: el.type || null,
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth && box.top < window.innerHeight,
  };
}"""


def _focus(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def _assert_visibly_focused(state: dict, what: str) -> None:
    assert state['focusVisible'], f'{what} does not match :focus-visible: {state}'
    assert state['outline'], f'{what} has no visible outline: {state}'
    assert state['onScreen'], f'{what} is focused off screen: {state}'


def test_skip_link_then_login_with_the_keyboard_only(page, live):
    page.goto('/account/login')

    page.keyboard.press('Tab')
    state = _focus(page)
    assert (state['tag'], state['cls']) == ('a', 'skip-link'), f'the first Tab stop is not the skip link: {state}'
    _assert_visibly_focused(state, 'the skip link')

    page.keyboard.press('Enter')
    expect(page.locator('#main')).to_be_focused()

    page.keyboard.press('Tab')
    state = _focus(page)
    assert state['id'] == 'identifier', f'Tab from #main did not reach the identifier field: {state}'
    _assert_visibly_focused(state, 'the identifier field')
    page.keyboard.type(DEMO_RESIDENT)

    page.keyboard.press('Tab')
    state = _focus(page)
    assert state['id'] == 'password', f'Tab did not reach the password field: {state}'
    _assert_visibly_focused(state, 'the password field')
    page.keyboard.type(live.demo_password)

    page.keyboard.press('Tab')
    state = _focus(page)
    assert (state['tag'], state['type']) == ('button', 'submit'), f'Tab did not reach the submit button: {state}'
    _assert_visibly_focused(state, 'the submit button')
    expect(page.locator('main form button[type=submit]')).to_be_focused()

    page.keyboard.press('Enter')
    # The form posts from /account/login#main; the browser keeps the fragment across the redirect home.
    expect(page).to_have_url(re.compile(rf'^{re.escape(live.url)}/(#main)?$'))
    expect(page.locator('body[data-user]')).to_have_count(1)
    expect(page.locator('#login-error')).to_have_count(0)
