"""The pieces of the live room's and the vote page's vote UI served over HTTP: the fragments fetched on
``vote:changed`` (no count before the close; the result's cells labelled after it), the chair's steps answered in
JSON for the pages' fetch, a ballot posted from the room when its socket is down, a voter marked on paper."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from tests.conftest import AuthActions
from tests.conftest import csrf_token

JSON = {'Accept': 'application/json'}


@pytest.fixture
def browser(app, db):
    """Factory: a logged-in test client for ``user``."""

    def make(user):
        client = app.test_client()
        AuthActions(client).login(user)
        return client

    return make


def panels(client, meeting) -> str:
    response = client.get(f'/votes/meeting/{meeting.id}/panels')
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_before_the_close_no_page_or_list_holds_a_count(db, cast, make_vote, voters, open_meeting, browser):
    vote = make_vote()
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    db.session.commit()
    for user in (cast.director, voters[0], voters[3]):
        client = browser(user)
        for html in (
            panels(client, open_meeting),
            client.get(f'/votes/{vote.id}').get_data(as_text=True),
            client.get(f'/votes/{vote.id}/panel').get_data(as_text=True),
        ):
            assert 'vote-result' not in html
            assert 'Ballots counted' not in html
            assert not re.search(r'\b3 votes\b', html)
        for listing in ('receipts.txt', 'ballots.csv', 'result.json'):
            assert client.get(f'/votes/{vote.id}/{listing}').status_code == 404
    html = panels(browser(voters[0]), open_meeting)
    assert 'You have voted (in the live room).' not in html
    assert 'You have voted (on the vote page).' in html


def test_after_the_close_the_room_shows_the_result_with_labelled_cells(
    db, cast, make_vote, voters, open_meeting, browser
):
    vote = make_vote()
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    html = panels(browser(voters[1]), open_meeting)
    assert 'class="vote-result"' in html
    assert 'Quorum' in html
    assert 'Majority' in html
    assert '<details' not in html, 'a result closed just now is unfolded'
    assert f'<h4 id="vote-result-{vote.id}"' in html, 'under the room section (h2) and the vote title (h3)'
    page = browser(voters[1]).get(f'/votes/{vote.id}').get_data(as_text=True)
    assert f'<h2 id="vote-result-{vote.id}"' in page, 'on the page, the vote title is its h1'
    cells = re.findall(r'<td\b[^>]*>', html)
    assert cells
    assert all('data-label=' in cell for cell in cells)
    assert f'id="code-{vote.id}"' in html, 'the receipt check is at hand'
    db.session.execute(sa.update(Vote).where(Vote.id == vote.id).values(closed_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    html = panels(browser(voters[1]), open_meeting)
    assert f'<details class="vote-earlier" data-vote="{vote.id}">' in html


def test_the_room_lists_nothing_for_a_participant_before_any_vote_and_drafts_only_to_the_chair(
    db, cast, make_vote, voters, open_meeting, browser
):
    assert 'data-count="0"' in panels(browser(voters[0]), open_meeting)
    make_vote(opened=False)
    assert 'data-count="0"' in panels(browser(voters[0]), open_meeting)
    chair = panels(browser(cast.director), open_meeting)
    assert 'data-count="1"' in chair
    assert 'data-prepares="yes"' in chair
    assert 'Open the vote' in chair


def test_the_vote_page_panel_leaves_the_title_to_the_page(db, make_vote, voters, browser):
    vote = make_vote()
    client = browser(voters[0])
    assert '<h3 class="vote-title"' in client.get(f'/votes/{vote.id}/panel').get_data(as_text=True)
    page = client.get(f'/votes/{vote.id}/panel?on=page').get_data(as_text=True)
    assert 'class="vote-title"' not in page
    assert 'data-vote-ballot' in page


def test_the_chairs_steps_answer_json_to_the_pages_fetch(db, cast, make_vote, voters, browser):
    vote = make_vote(opened=False)
    chair = browser(cast.director)
    token = csrf_token(chair, f'/votes/{vote.id}')
    answer = chair.post(f'/votes/{vote.id}/open', data={'csrf_token': token}, headers=JSON)
    assert answer.status_code == 200
    assert answer.get_json() == {'ok': True, 'status': 'open'}
    again = chair.post(f'/votes/{vote.id}/open', data={'csrf_token': token}, headers=JSON)
    assert again.status_code == 409
    assert again.get_json()['ok'] is False
    assert again.get_json()['message']
    voter = browser(voters[0])
    refused = voter.post(
        f'/votes/{vote.id}/close', data={'csrf_token': csrf_token(voter, f'/votes/{vote.id}')}, headers=JSON
    )
    assert (refused.status_code, refused.get_json()['code']) == (403, 'forbidden')
    closed = chair.post(f'/votes/{vote.id}/close', data={'csrf_token': token}, headers=JSON)
    assert closed.get_json() == {'ok': True, 'status': 'closed'}


def test_a_ballot_posted_from_the_room_counts_as_cast_in_the_room(db, make_vote, voters, browser):
    vote = make_vote()
    client = browser(voters[0])
    token = csrf_token(client, f'/votes/{vote.id}')
    answer = client.post(
        f'/votes/{vote.id}/cast', data={'csrf_token': token, 'choice': '1', 'channel': 'room'}, headers=JSON
    )
    assert answer.get_json()['ok'] is True
    assert (
        db.session.scalar(
            sa.select(Elector.voted_via).where(Elector.vote_id == vote.id, Elector.user_id == voters[0].id)
        )
        == 'room'
    )
    repeat = client.post(
        f'/votes/{vote.id}/cast', data={'csrf_token': token, 'choice': '1', 'channel': 'room'}, headers=JSON
    )
    assert (repeat.status_code, repeat.get_json()['code']) == (409, 'already_voted')


def test_a_voter_marked_on_paper_reads_so_and_cannot_vote_online(db, make_vote, voters, browser, sockets):
    vote = make_vote()
    db.session.execute(
        sa.update(Elector).where(Elector.vote_id == vote.id, Elector.user_id == voters[2].id).values(voted_via='paper')
    )
    db.session.commit()
    client = browser(voters[2])
    page = client.get(f'/votes/{vote.id}').get_data(as_text=True)
    assert 'You have voted (on paper, on site).' in page
    assert 'data-vote-ballot' not in page
    answer = client.post(
        f'/votes/{vote.id}/cast',
        data={'csrf_token': csrf_token(client, f'/votes/{vote.id}'), 'choice': '0'},
        headers=JSON,
    )
    assert answer.status_code == 409
    assert answer.get_json()['code'] == 'already_voted'
    assert 'on paper, on site' in answer.get_json()['message']
    voters[2].locale = 'en'
    db.session.commit()
    ack = sockets(voters[2]).emit('vote:cast', {'vote': vote.id, 'choice': [0]}, callback=True)
    assert (ack['ok'], ack['code']) == (False, 'already_voted')
    assert 'on paper, on site' in ack['message']
    assert not db.session.scalar(
        sa.select(sa.func.count()).select_from(SealedBallot).where(SealedBallot.vote_id == vote.id)
    )


def _token(page: str) -> str:
    return re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_chair_prepares_a_meeting_vote_with_the_form_the_room_links_to(db, cast, open_meeting, browser):
    """The form shows no rules, electorate or times for a meeting's vote, and does not ask for them unseen."""
    chair = browser(cast.director)
    url = f'/votes/new?topic={open_meeting.topic_id}&meeting={open_meeting.id}'
    page = chair.get(url).get_data(as_text=True)
    assert 'name="rule_kind"' not in page
    assert 'name="opens_at"' not in page
    answer = chair.post(
        url,
        data={
            'csrf_token': csrf_token(chair, url),
            'submission_token': _token(page),
            'title': '加装电梯动议',
            'kind': 'motion',
        },
    )
    assert answer.status_code == 302, re.findall(
        r'class="(?:error|flash flash-error)"[^>]*>([^<]*)', answer.get_data(as_text=True)
    )
    vote = db.session.scalar(sa.select(Vote).where(Vote.meeting_id == open_meeting.id))
    assert answer.headers['Location'].endswith(f'/votes/{vote.id}')
    assert (vote.kind, vote.status, vote.minutes, vote.rule_kind) == ('motion', 'draft', 10, 'residents_meeting')


def test_the_committee_prepares_a_standalone_vote_with_its_times(db, cast, announced, browser):
    staff = browser(cast.staff)
    url = f'/votes/new?topic={announced.id}'
    page = staff.get(url).get_data(as_text=True)
    assert 'name="minutes"' not in page
    assert 'name="agenda_item_id"' not in page
    now = utcnow().astimezone(CITY_ZONE)
    answer = staff.post(
        url,
        data={
            'csrf_token': csrf_token(staff, url),
            'submission_token': _token(page),
            'title': '网上表决',
            'kind': 'single',
            'options': '甲\n乙',
            'rule_kind': 'residents_meeting',
            'electorate_mode': 'households',
            'opens_at': (now + timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M'),
            'closes_at': (now + timedelta(days=3)).strftime('%Y-%m-%dT%H:%M'),
        },
    )
    assert answer.status_code == 302, re.findall(
        r'class="(?:error|flash flash-error)"[^>]*>([^<]*)', answer.get_data(as_text=True)
    )
    vote = db.session.scalar(sa.select(Vote).where(Vote.topic_id == announced.id))
    assert (vote.meeting_id, vote.electorate_mode, vote.status) == (None, 'households', 'draft')
    assert [o.label for o in vote.options] == ['甲', '乙']
