"""Ballots at once on PostgreSQL: 1,000 distinct voters through HTTP and the socket plus duplicate attempts count
each voter exactly once; a vote closing while ballots arrive counts each ballot in or refuses it clearly."""

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.extensions import socketio
from consult.kernel.refusals import Refusal
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import CountedBallot
from consult.votes.models import Elector
from consult.votes.models import Receipt
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from consult.web import attempt
from tests.conftest import AuthActions
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import postgres_only
from tests.races import run_together
from tests.votes.standalone import standalone_vote

pytestmark = postgres_only
VOTERS = 1000
THREADS = 40
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def _client(app, user_id: int):
    with app.app_context():
        user = _db.session.get(User, user_id)
        mobile = user.mobile
        _db.session.remove()
    client = app.test_client()
    AuthActions(client).login(mobile)
    return client


def _by_http(app, client, vote_id: int) -> str:
    page = client.get('/', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    token = _META.search(page).group(1)
    response = client.post(
        f'/votes/{vote_id}/cast',
        data={'choice': '0', 'csrf_token': token},
        headers={'Accept': 'application/json', 'Accept-Language': 'en'},
    )
    body = response.get_json()
    return body['receipt'] if body['ok'] else body['code']


def _by_socket(app, client, vote_id: int) -> str:
    page = client.get('/', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    token = _META.search(page).group(1)
    sio = socketio.test_client(app, flask_test_client=client, auth={'csrf_token': token})
    try:
        ack = sio.emit('vote:cast', {'vote': vote_id, 'choice': [1]}, callback=True)
    finally:
        sio.disconnect()
    return ack['receipt'] if ack['ok'] else ack['code']


def test_a_thousand_voters_and_their_duplicates_count_once_each(app, engine):  # noqa: F811
    vote_id, voters = standalone_vote(app, VOTERS, '1771', 'votesrace')
    per_thread = VOTERS // THREADS

    def prepare(index):
        return [(user_id, _client(app, user_id)) for user_id in voters[index * per_thread : (index + 1) * per_thread]]

    def step(index, clients):
        answers = []
        for n, (user_id, client) in enumerate(clients):
            first = _by_http if (index + n) % 2 else _by_socket
            answers.append((user_id, first(app, client, vote_id)))
            if n % 5 == 0:  # a duplicate, by the other path
                second = _by_socket if first is _by_http else _by_http
                answers.append((user_id, second(app, client, vote_id)))
        return answers

    results = [answer for batch in run_together(app, THREADS, step, timeout=600, prepare=prepare) for answer in batch]
    receipts = {user_id: code for user_id, code in results if len(code) == 19}
    refused = [code for _user, code in results if len(code) != 19]
    assert len(receipts) == VOTERS
    assert refused == ['already_voted'] * (len(results) - VOTERS)
    with Session(engine) as session:
        marked = session.scalar(
            sa.select(sa.func.count()).where(Elector.vote_id == vote_id, Elector.voted_via.is_not(None))
        )
        sealed = session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id))
        assert marked == sealed == VOTERS
    with app.app_context(), app.test_request_context():
        vote = _db.session.get(Vote, vote_id)
        close_vote(vote.created_by, vote)
        _db.session.commit()
        assert sum(vote.result['tally']['heads']) == VOTERS
        listed = set(_db.session.scalars(sa.select(Receipt.code).where(Receipt.vote_id == vote_id)))
        assert listed == set(receipts.values())
        _db.session.remove()


def test_a_close_while_ballots_arrive_counts_each_ballot_or_refuses_it(app, engine):  # noqa: F811
    racers = 60
    vote_id, voters = standalone_vote(app, racers, '1772', 'votesclose')

    def step(index):
        vote = _db.session.get(Vote, vote_id)
        if index == racers // 2:
            _done, refusal = attempt(close_vote, vote.created_by, vote)
            return ('closed', refusal.code if refusal else None)
        user = _db.session.get(User, voters[index])
        receipt, refusal = attempt(cast_ballot, user, vote, [index % 3])
        return ('cast', receipt if refusal is None else refusal.code)

    results = run_together(app, racers, step)
    assert ('closed', None) in results
    casts = [answer for what, answer in results if what == 'cast']
    receipts = {answer for answer in casts if len(answer) == 19}
    assert set(casts) - receipts <= {'not_open'}
    with Session(engine) as session:
        listed = set(session.scalars(sa.select(Receipt.code).where(Receipt.vote_id == vote_id)))
        counted = session.scalar(sa.select(sa.func.count()).where(CountedBallot.vote_id == vote_id))
        left = session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id))
        marked = session.scalar(
            sa.select(sa.func.count()).where(Elector.vote_id == vote_id, Elector.voted_via.is_not(None))
        )
        vote = session.get(Vote, vote_id)
        assert listed == receipts
        assert counted == marked == len(receipts)
        assert left == 0
        assert sum(vote.result['tally']['heads']) == len(receipts)


def test_ballots_arriving_together_are_written_in_batches_each_answered_once(app, engine, monkeypatch):  # noqa: F811
    from consult.votes import intake

    racers = 120
    vote_id, voters = standalone_vote(app, racers, '1773', 'votesbatch')
    batches = []
    real_write = intake.write

    def recording(casts):  # the real writer; only the batch sizes are noted
        batches.append(len(casts))
        return real_write(casts)

    monkeypatch.setattr(intake, 'write', recording)

    def step(index):
        facts = intake.facts(vote_id)
        voter = voters[index % (racers // 2)]  # every voter twice: from the same page (a resend) or another tab
        page = f'{voter:020d}' if index < racers // 2 or index % 4 else f'tab-{voter:016d}'
        try:
            return voter, page, intake.cast(voter, facts, [index % 3], client_id=page)
        except Refusal as exc:
            return voter, page, exc.code

    results = run_together(app, racers, step)
    assert max(batches) > 1, batches
    by_voter = {}
    for voter, page, answer in results:
        by_voter.setdefault(voter, []).append((page, answer))
    for answers in by_voter.values():
        receipts = [answer for _page, answer in answers if len(answer) == 19]
        pages = {page for page, _answer in answers}
        if len(pages) == 1:  # the same page twice: both get the one receipt
            assert len(receipts) == 2, answers
            assert receipts[0] == receipts[1], answers
        else:  # two tabs: one receipt, one refusal
            assert len(receipts) == 1, answers
            assert 'already_voted' in [a for _p, a in answers], answers
    with Session(engine) as session:
        sealed = session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id))
        marked = session.scalar(
            sa.select(sa.func.count()).where(Elector.vote_id == vote_id, Elector.voted_via.is_not(None))
        )
    assert sealed == marked == racers // 2
