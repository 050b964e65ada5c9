"""Issue 12: a refusal appears under the field it is about; each control names what it acts on."""

import re

from tests.accounts.test_register import _form


def _error_of(page: str, field: str) -> str:
    m = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return m[1] if m else ''


def test_a_markup_only_display_name_is_refused_under_that_field(client, db, csrf):
    page = client.post('/account/register', data=_form(csrf, display_name='<b></b>')).get_data(as_text=True)
    assert 'Names cannot be empty' in _error_of(page, 'display_name')
    assert not _error_of(page, 'identifier')


def test_a_markup_only_real_name_is_refused_under_that_field(client, db, csrf):
    page = client.post('/account/register', data=_form(csrf, real_name='<i></i>')).get_data(as_text=True)
    assert 'Names cannot be empty' in _error_of(page, 'real_name')
    assert not _error_of(page, 'identifier')


def test_a_taken_identifier_is_refused_under_the_identifier(client, db, csrf):
    client.post('/account/register', data=_form(csrf))
    client.post('/account/logout', data={'csrf_token': csrf('/')})
    page = client.post('/account/register', data=_form(csrf)).get_data(as_text=True)
    assert 'already exists' in _error_of(page, 'identifier')


def test_the_claim_steps_name_what_comes_next(client, db, auth, place, make_user):
    auth.login(make_user())
    page = client.get(f'/residency/claim?community={place.a.id}').get_data(as_text=True)
    buttons = re.findall(r'<button type="submit"[^>]*>([^<]*)</button>', page)
    nexts = [b for b in buttons if b.startswith('Next')]
    assert len(nexts) == 2
    assert len(set(nexts)) == 2
