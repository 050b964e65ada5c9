"""The on-site page (the committee's, before the close) and the on-site section of the vote page (after it)."""

import json

import sqlalchemy as sa

from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.onsite import mark_voted
from consult.votes.onsite_entries import confirm_entry
from consult.votes.onsite_entries import enter_count
from consult.votes.onsite_models import OnsiteEntry


def test_only_the_committee_opens_the_on_site_page(db, client, auth, cast, make_vote, voters):
    vote = make_vote()
    assert client.get(f'/votes/{vote.id}/onsite').status_code == 302  # to the login page
    auth.login(voters[0])
    assert client.get(f'/votes/{vote.id}/onsite').status_code == 404
    auth.logout()
    auth.login(cast.director)
    page = client.get(f'/votes/{vote.id}/onsite').get_data(as_text=True)
    assert 'Only the committee sees this page' in page
    assert 'Enter the count' in page
    assert f'/votes/{vote.id}/onsite' in client.get(f'/votes/{vote.id}').get_data(as_text=True)


def test_marking_entering_and_confirming_through_the_pages(
    db,
    client,
    auth,
    csrf,
    cast,
    make_vote,
    voters,
    on_site,
    second,
):
    vote = make_vote()
    on_site(*voters)
    auth.login(cast.director)
    token = csrf(f'/votes/{vote.id}/onsite')
    response = client.post(
        f'/votes/{vote.id}/onsite/mark', data={'csrf_token': token, 'channel': 'paper'}, follow_redirects=True
    )
    assert f'Marked as voting on site: {len(voters)} voters' in response.get_data(as_text=True)
    data = {'csrf_token': token, 'count-0': '2', 'count-1': '1', 'count-2': '', 'supersedes': ''}
    page = client.post(f'/votes/{vote.id}/onsite/count', data=data, follow_redirects=True).get_data(as_text=True)
    assert 'It counts once another committee member confirms it' in page
    assert 'Waiting for a second committee member' in page
    entry = db.session.scalar(sa.select(OnsiteEntry))
    assert entry.counts == [2, 1, 0]
    page = client.post(
        f'/votes/{vote.id}/onsite/{entry.id}/confirm', data={'csrf_token': token}, follow_redirects=True
    ).get_data(as_text=True)
    assert 'another committee member confirms it' in page  # one's own entry
    auth.logout()
    auth.login(second)
    token = csrf(f'/votes/{vote.id}/onsite')
    page = client.post(
        f'/votes/{vote.id}/onsite/{entry.id}/confirm', data={'csrf_token': token}, follow_redirects=True
    ).get_data(as_text=True)
    assert 'Confirmed: this entry counts at the close.' in page


def test_a_bad_number_is_a_message_not_an_error(db, client, auth, csrf, cast, make_vote):
    vote = make_vote()
    auth.login(cast.director)
    token = csrf(f'/votes/{vote.id}/onsite')
    data = {'csrf_token': token, 'count-0': 'two', 'count-1': '1', 'count-2': '0'}
    response = client.post(f'/votes/{vote.id}/onsite/count', data=data, follow_redirects=True)
    assert response.status_code == 200
    assert 'Each number is a whole number.' in response.get_data(as_text=True)
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(OnsiteEntry))


def test_nothing_of_the_on_site_count_shows_before_the_close(
    db,
    client,
    auth,
    cast,
    make_vote,
    voters,
    on_site,
    second,
):
    vote = make_vote()
    on_site(*voters)
    for user in voters:
        mark_voted(cast.director, vote, user.id, 'paper')
    entry = enter_count(cast.director, vote, [3, 1, 0])
    confirm_entry(second, vote, entry.id)
    db.session.commit()
    auth.login(voters[0])
    for path in (f'/votes/{vote.id}', f'/votes/{vote.id}/panel'):
        page = client.get(path).get_data(as_text=True)
        assert 'On site' not in page
        assert second.display_name not in page
    for path in ('result.json', 'ballots.csv', 'receipts.txt', 'onsite'):
        assert client.get(f'/votes/{vote.id}/{path}').status_code == 404


def test_the_vote_page_and_result_file_show_what_was_counted_on_site(
    db,
    client,
    cast,
    make_vote,
    voters,
    on_site,
    second,
):
    vote = make_vote()
    on_site(*voters)
    for user in voters:
        mark_voted(cast.director, vote, user.id, 'paper')
    first = enter_count(cast.director, vote, [2, 1, 0])
    confirm_entry(second, vote, first.id)
    correction = enter_count(second, vote, [3, 1, 0], supersedes_id=first.id, reason='漏计一张')
    confirm_entry(cast.director, vote, correction.id)
    db.session.commit()
    close_vote(cast.director, vote)
    db.session.commit()
    page = client.get(f'/votes/{vote.id}').get_data(as_text=True)
    assert 'On site' in page
    assert f'Entered by {second.display_name}, confirmed by {cast.director.display_name}.' in page
    assert '漏计一张' in page
    body = json.loads(client.get(f'/votes/{vote.id}/result.json').get_data(as_text=True))
    assert body['onsite']['ballots'] == [[[0], 1, 3], [[1], 1, 1]]
    assert body['tally']['heads'] == [3, 1, 0]


def test_a_roll_call_voter_is_entered_by_name(db, client, auth, csrf, cast, make_vote, voters, on_site, meeting_rules):
    meeting_rules(roll_call=True)
    vote = make_vote()
    on_site(voters[1])
    auth.login(cast.director)
    token = csrf(f'/votes/{vote.id}/onsite')
    data = {'csrf_token': token, 'voter': voters[1].id, 'channel': 'hand', 'choice': '1'}
    page = client.post(f'/votes/{vote.id}/onsite/person', data=data, follow_redirects=True).get_data(as_text=True)
    assert 'It counts once another committee member confirms it' in page
    assert f'{voters[1].display_name}: {vote.options[1].label}' in page
    via = db.session.scalar(
        sa.select(Elector.voted_via).where(Elector.vote_id == vote.id, Elector.user_id == voters[1].id)
    )
    assert via == 'hand'
    again = client.post(f'/votes/{vote.id}/onsite/person', data=data, follow_redirects=True).get_data(as_text=True)
    assert 'already has an entry' in again
