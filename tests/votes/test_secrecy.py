"""A secret vote read the way an administrator would: the tables (with PostgreSQL's ctid and xmin) and the logs
show no link between any voter and any choice, and before the close no count exists to show.

Voters cast in a known order, each a different ranking, so any order kept from the casting would show.
"""

import itertools
import logging

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.db import db as _db
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import CountedBallot
from consult.votes.models import Elector
from consult.votes.models import Receipt
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from consult.web import attempt
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import postgres_only
from tests.votes.standalone import standalone_vote

VOTERS = 30
#: Thirty different rankings of four options (partial ones too), one per voter in casting order.
RANKINGS = [list(r) for n in (4, 3, 2) for r in itertools.permutations(range(4), n)][:VOTERS]


def _cast_all(app, vote_id, voters) -> list[str]:
    receipts = []
    for user_id, ranking in zip(voters, RANKINGS, strict=True):
        with app.app_context(), app.test_request_context():
            user = _db.session.get(User, user_id)
            vote = _db.session.get(Vote, vote_id)
            receipt, refusal = attempt(cast_ballot, user, vote, ranking)
            assert refusal is None, refusal
            receipts.append(receipt)
            _db.session.remove()
    return receipts


@postgres_only
def test_an_administrator_finds_no_link_between_voters_and_choices(app, engine, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    vote_id, voters = standalone_vote(app, VOTERS, '1773', 'secrecy', kind='ranked')
    receipts = _cast_all(app, vote_id, voters)

    with engine.connect() as conn:
        # While it is open: the box holds sealed bytes only, in rows with random keys and no voter or time.
        sealed = conn.execute(
            sa.select(SealedBallot.id, SealedBallot.sealed).where(SealedBallot.vote_id == vote_id)
        ).all()
        assert len(sealed) == VOTERS
        for _key, blob in sealed:
            assert not any(code.encode() in bytes(blob) for code in receipts)
            assert b'"c"' not in bytes(blob)
        assert {c.name for c in SealedBallot.__table__.columns} == {'id', 'vote_id', 'sealed'}
        # No count exists: nothing stored says how many ballots chose what.
        assert conn.scalar(sa.select(sa.func.count()).where(CountedBallot.vote_id == vote_id)) == 0
        assert conn.scalar(sa.select(Vote.result).where(Vote.id == vote_id)) is None

    with app.app_context(), app.test_request_context():
        vote = _db.session.get(Vote, vote_id)
        close_vote(vote.created_by, vote)
        _db.session.commit()
        _db.session.remove()

    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                'SELECT ctid::text AS ctid, xmin::text AS xmin, position, choice, voter_id, channel '
                'FROM vote_counted_ballots WHERE vote_id = :v ORDER BY vote_counted_ballots.ctid'
            ),
            {'v': vote_id},
        ).all()
        assert len(rows) == VOTERS
        assert {row.voter_id for row in rows} == {None}
        assert {row.channel for row in rows} == {None}
        # One transaction wrote them all, in the shuffle's order (physical order = position order).
        assert len({row.xmin for row in rows}) == 1
        assert [row.position for row in rows] == list(range(VOTERS))
        stored = [list(row.choice) for row in rows]
        assert sorted(map(tuple, stored)) == sorted(map(tuple, RANKINGS))
        assert stored != RANKINGS
        assert stored != RANKINGS[::-1]
        # Receipts: sorted, one transaction, no choice, no voter.
        codes = conn.execute(
            sa.text('SELECT xmin::text AS xmin, code FROM vote_receipts WHERE vote_id = :v ORDER BY ctid'),
            {'v': vote_id},
        ).all()
        assert [row.code for row in codes] == sorted(receipts)
        assert len({row.xmin for row in codes}) == 1
        # Each elector was marked in its own cast's transaction; no ballot or receipt row carries one of those.
        electors = conn.execute(
            sa.text('SELECT xmin::text AS xmin FROM vote_electors WHERE vote_id = :v AND voted_via IS NOT NULL'),
            {'v': vote_id},
        ).all()
        assert len(electors) == VOTERS
        assert not {row.xmin for row in electors} & ({row.xmin for row in rows} | {row.xmin for row in codes})
        assert {c.name for c in Elector.__table__.columns} == {
            'id',
            'vote_id',
            'user_id',
            'household_id',
            'weight',
            'voted_via',
            'proxy_holder_id',
            'resend_tag',
        }
        assert conn.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote_id)) == 0

    # The logs name no receipt and no choice, with or without a voter.
    text = '\n'.join(record.getMessage() for record in caplog.records)
    assert not any(code in text for code in receipts)
    assert 'choice' not in text.lower()


def test_an_open_roll_call_vote_keeps_who_voted_what(db, cast, make_vote, voters):
    """The deliberative council votes by roll call (the rule set's default): its ballots carry their voters."""
    from consult.meetings.models import Meeting

    db.session.execute(sa.update(Meeting).values(kind='deliberative_council'))
    db.session.commit()
    vote = make_vote()
    assert vote.secret is False
    for user, choice in zip(voters[:3], ([0], [1], [0]), strict=True):
        cast_ballot(user, vote, choice)
    close_vote(cast.director, vote)
    db.session.commit()
    rows = db.session.scalars(sa.select(CountedBallot).where(CountedBallot.vote_id == vote.id)).all()
    assert sorted((row.voter_id, tuple(row.choice)) for row in rows) == sorted(
        (user.id, choice) for user, choice in zip(voters[:3], ((0,), (1,), (0,)), strict=True)
    )


def test_a_secret_ballot_is_stored_without_its_voter(db, cast, make_vote, voters):
    vote = make_vote()
    assert vote.secret is True
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    rows = db.session.scalars(sa.select(CountedBallot).where(CountedBallot.vote_id == vote.id)).all()
    assert len(rows) == 3
    assert {row.voter_id for row in rows} == {None}
    assert db.session.scalar(sa.select(sa.func.count()).where(Receipt.vote_id == vote.id)) == 3


@pytest.mark.parametrize('path', ['receipts.txt', 'ballots.csv', 'result.json'])
def test_no_count_is_published_before_the_close(db, client, auth, cast, make_vote, voters, path):
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    db.session.commit()
    auth.login(cast.director)
    assert client.get(f'/votes/{vote.id}/{path}').status_code == 404
    close_vote(cast.director, vote)
    db.session.commit()
    assert client.get(f'/votes/{vote.id}/{path}').status_code == 200


def test_the_vote_page_shows_no_count_before_the_close_even_to_the_committee(db, client, auth, cast, make_vote, voters):
    vote = make_vote()
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    db.session.commit()
    auth.login(cast.director)
    page = client.get(f'/votes/{vote.id}', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert 'vote-result' not in page
    assert 'Ballots counted' not in page
    close_vote(cast.director, vote)
    db.session.commit()
    page = client.get(f'/votes/{vote.id}', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert 'vote-result' in page
