"""The vote pages over HTTP: preparing a standalone vote, casting from the page, refusals in the reader's
language with their rule, the receipt shown once and checked after the close, the closer's timed steps."""

from datetime import timedelta

import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.votes.ballots import cast_ballot
from consult.votes.closer import run_due
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from tests.conftest import csrf_token

EN = {'Accept-Language': 'en'}


def _post(client, url, data, json=False):
    headers = dict(EN)
    if json:
        headers['Accept'] = 'application/json'
    return client.post(url, data={**data, 'csrf_token': csrf_token(client)}, headers=headers)


def test_a_voter_casts_from_the_page_and_sees_the_receipt_once(db, client, auth, make_vote, voters):
    vote = make_vote()
    auth.login(voters[0])
    response = _post(client, f'/votes/{vote.id}/cast', {'choice': '0'})
    assert response.status_code == 302
    page = client.get(f'/votes/{vote.id}', headers=EN).get_data(as_text=True)
    assert 'Your receipt code' in page
    again = client.get(f'/votes/{vote.id}', headers=EN).get_data(as_text=True)
    assert 'receipt-code' not in again
    assert 'You have voted' in again


def test_a_ranking_with_a_gap_is_refused_with_its_rule_and_nothing_is_saved(db, client, auth, make_vote, voters):
    vote = make_vote('ranked')
    auth.login(voters[0])
    response = _post(client, f'/votes/{vote.id}/cast', {'rank-0': '1', 'rank-1': '3'}, json=True)
    body = response.get_json()
    assert body['ok'] is False
    assert body['code'] == 'rank_gap'
    assert 'Rule:' in body['message']
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot))
    response = _post(client, f'/votes/{vote.id}/cast', {'rank-0': '1', 'rank-1': '1'}, json=True)
    assert response.get_json()['code'] == 'rank_repeated'
    response = _post(client, f'/votes/{vote.id}/cast', {'rank-0': 'x'}, json=True)
    assert response.get_json()['code'] == 'bad_rank'
    response = _post(client, f'/votes/{vote.id}/cast', {'rank-2': '1', 'rank-0': '2'}, json=True)
    assert response.get_json()['ok'] is True


def test_bad_choices_over_http_are_refused(db, client, auth, make_vote, voters):
    vote = make_vote('multiple')
    auth.login(voters[0])
    for data, code in (
        ({'choice': ['0', '1', '2']}, 'too_many'),
        ({'choice': '9'}, 'unknown_option'),
        ({'choice': 'a'}, 'bad_payload'),
    ):
        body = _post(client, f'/votes/{vote.id}/cast', data, json=True).get_json()
        assert body['code'] == code
    elector = db.session.scalar(sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == voters[0].id))
    assert elector.voted_via is None


def test_a_forged_vote_id_is_a_404(db, client, auth, voters):
    auth.login(voters[0])
    assert _post(client, '/votes/999999/cast', {'choice': '0'}).status_code == 404
    assert client.get('/votes/2147483648').status_code == 404


def test_an_observer_is_refused_clearly(db, client, auth, cast, make_vote):
    vote = make_vote()
    auth.login(cast.staff)
    body = _post(client, f'/votes/{vote.id}/cast', {'choice': '0'}, json=True).get_json()
    assert body['code'] == 'not_elector'


def test_a_resident_may_not_prepare_a_vote(db, client, auth, voters, open_meeting):
    auth.login(voters[0])
    assert client.get(f'/votes/new?topic={open_meeting.topic_id}').status_code == 403


def test_the_committee_prepares_a_standalone_vote(db, client, auth, cast, open_meeting):
    auth.login(cast.staff)
    url = f'/votes/new?topic={open_meeting.topic_id}'
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert 'Who votes' in page
    from tests import support

    token = support.submission_token(page)
    start = (utcnow() + timedelta(hours=1)).astimezone(__import__('zoneinfo').ZoneInfo('Asia/Shanghai'))
    data = {
        'title': '小区停车方案',
        'kind': 'single',
        'options': '方案一\n方案二\n方案三',
        'rule_kind': 'residents_meeting',
        'electorate_mode': 'adults',
        'opens_at': start.strftime('%Y-%m-%dT%H:%M'),
        'closes_at': (start + timedelta(days=3)).strftime('%Y-%m-%dT%H:%M'),
        'agenda_item_id': '0',
        'submission_token': token,
    }
    response = _post(client, url, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    vote = db.session.scalar(sa.select(Vote).where(Vote.title == '小区停车方案'))
    assert vote.meeting_id is None
    assert [o.label for o in vote.options] == ['方案一', '方案二', '方案三']
    assert abs((vote.opens_at - start).total_seconds()) < 60
    # The same form posted again creates nothing more.
    _post(client, url, data)
    assert db.session.scalar(sa.select(sa.func.count()).where(Vote.title == '小区停车方案')) == 1


def test_the_closer_opens_and_closes_standalone_votes_at_their_times(db, cast, open_meeting, voters):
    from consult.votes.operations import create_vote

    now = utcnow()
    vote = create_vote(
        cast.staff,
        open_meeting.topic,
        {
            'title': '网上表决',
            'kind': 'motion',
            'rule_kind': 'residents_meeting',
            'electorate_mode': 'adults',
            'opens_at': now,
            'closes_at': now + timedelta(hours=1),
        },
    )
    db.session.commit()
    opened, _closed = run_due(now + timedelta(seconds=1))
    assert opened >= 1  # this vote (another test's committed rows may be due too on PostgreSQL)
    db.session.refresh(vote)
    assert vote.status == 'open'
    assert vote.electorate_size >= len(voters)
    cast_ballot(voters[0], vote, [0])
    db.session.commit()
    _opened, closed = run_due(now + timedelta(hours=2))
    assert closed >= 1
    db.session.refresh(vote)
    assert vote.status == 'closed'
    assert vote.result['tally']['heads'][0] == 1


def test_a_vote_past_its_time_is_closed_when_its_page_is_read(db, client, cast, make_vote, voters):
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    db.session.execute(sa.update(Vote).where(Vote.id == vote.id).values(closes_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    page = client.get(f'/votes/{vote.id}', headers=EN).get_data(as_text=True)
    assert 'vote-result' in page
    db.session.refresh(vote)
    assert vote.status == 'closed'


def test_a_voter_finds_the_receipt_after_the_close(db, client, cast, make_vote, voters):
    vote = make_vote()
    receipt = cast_ballot(voters[0], vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    found = client.get(f'/votes/{vote.id}?code={receipt.lower().replace("-", "")}', headers=EN).get_data(as_text=True)
    assert 'your ballot was counted' in found
    missing = client.get(f'/votes/{vote.id}?code=2222-2222-2222-2222', headers=EN).get_data(as_text=True)
    assert 'Not found' in missing
    listed = client.get(f'/votes/{vote.id}/receipts.txt').get_data(as_text=True).split()
    assert listed == [receipt]
