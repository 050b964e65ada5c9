"""Ballots written in batches (``ballots.write``, ``intake``): each ballot of a batch gets its own answer, the
statements do not grow with the batch, and an open vote's facts and a person's sight of it are kept per process."""

import dataclasses

import pytest
import sqlalchemy as sa

from consult.kernel.refusals import Refusal
from consult.votes import intake
from consult.votes.ballots import Cast
from consult.votes.ballots import write
from consult.votes.closing import close_vote
from consult.votes.models import Channel
from consult.votes.models import Elector
from consult.votes.models import SealedBallot

PAGE = 'p' * 20
OTHER_PAGE = 'q' * 20


def _cast(vote, user, choice=(0,), channel=Channel.ONLINE, client_id=None, voter=None):
    return Cast(intake.facts(vote.id), user.id, (voter or user).id, str(channel), tuple(choice), client_id)


def _marks(db, vote):
    rows = db.session.execute(sa.select(Elector.user_id, Elector.voted_via).where(Elector.vote_id == vote.id))
    return {user_id: via for user_id, via in rows if via is not None}


def _sealed(db, vote) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote.id))


def test_one_batch_answers_each_ballot_on_its_own(db, make_vote, voters, cast):
    vote = make_vote()
    batch = [
        _cast(vote, voters[0], channel=Channel.ROOM, client_id=PAGE),
        _cast(vote, voters[1], (1,)),
        _cast(vote, voters[0], client_id=PAGE),  # the same page again: its answer was lost
        _cast(vote, voters[1], (2,)),  # a second ballot of the same voter
        _cast(vote, voters[0], client_id=OTHER_PAGE),  # another tab of the first voter
        _cast(vote, cast.stranger),  # not in the electorate
    ]
    write(batch)
    db.session.commit()
    first, second, resent, twice, other_tab, stranger = batch
    assert first.receipt
    assert second.receipt
    assert first.receipt != second.receipt
    assert resent.receipt == first.receipt
    assert resent.refusal is None
    assert twice.refusal.code == 'already_voted'
    assert twice.receipt is None
    assert other_tab.refusal.code == 'already_voted'
    assert stranger.refusal.code == 'not_elector'
    # each elector is marked with the channel of its own ballot, and only the two ballots are in the box
    assert _marks(db, vote) == {voters[0].id: 'room', voters[1].id: 'online'}
    assert _sealed(db, vote) == 2
    # a later batch: the first voter's page resends once more, the second voter tries again
    again = [_cast(vote, voters[0], client_id=PAGE), _cast(vote, voters[1])]
    write(again)
    assert again[0].receipt == first.receipt
    assert again[1].refusal.code == 'already_voted'
    assert _sealed(db, vote) == 2
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.result['tally']['heads'][:3] == [1, 1, 0]


def test_a_batch_costs_the_same_statements_for_one_ballot_as_for_many(db, cast, make_vote, voters, count_queries):
    one = make_vote(title='一张')
    alone = [_cast(one, voters[0])]
    with count_queries() as single:
        write(alone)
    close_vote(cast.director, one)  # one vote of a meeting at a time
    db.session.commit()
    many = make_vote(title='多张')
    batch = [_cast(many, user, client_id=f'{user.id:020d}') for user in voters]
    with count_queries() as several:
        write(batch)
    db.session.commit()
    assert all(c.receipt for c in batch)
    assert len(voters) >= 4
    assert several.count == single.count == 3  # the lock, the mark, the box


def test_a_stale_or_closed_vote_refuses_the_whole_batch_and_marks_nobody(db, make_vote, voters, cast):
    vote = make_vote()
    stale = dataclasses.replace(intake.facts(vote.id), box_salt='not-the-salt')
    batch = [Cast(stale, voters[0].id, voters[0].id, 'online', (0,))]
    write(batch)
    assert batch[0].refusal.code == 'not_open'
    close_vote(cast.director, vote)
    db.session.commit()
    late = [_cast(vote, user) for user in voters[:2]]
    write(late)
    assert [c.refusal.code for c in late] == ['not_open', 'not_open']
    assert _marks(db, vote) == {}


def test_the_facts_of_an_open_vote_are_read_once_and_a_draft_is_read_each_time(db, make_vote, count_queries):
    draft = make_vote(opened=False, title='草案')
    open_ = make_vote(title='已开')
    open_id, draft_id = open_.id, draft.id
    intake.reset()
    with count_queries() as reads:
        for _ in range(3):
            assert intake.facts(open_id).options == 3
            assert intake.facts(draft_id).options == 3
    assert reads.count == 1 + 3, reads.statements
    assert intake.facts(10**9) is None


def test_sight_is_asked_for_anyone_first_kept_for_a_while_and_a_refusal_is_not_kept(db, monkeypatch):
    asked = []

    def check(public, person):
        def run(who):
            asked.append(who)
            return public if who is None else person

        return run

    assert intake.sees(1, 2, check(True, False))  # a public vote: the person is not even asked about
    assert intake.sees(5, 2, check(False, False))  # kept for anyone
    assert asked == [None]
    asked.clear()
    assert not intake.sees(1, 3, check(False, False))
    assert not intake.sees(1, 3, check(False, False))  # a refusal is asked again
    assert intake.sees(1, 3, check(False, True))
    assert intake.sees(1, 3, check(False, False))  # kept for this person
    assert not intake.sees(4, 3, check(False, False))  # not for another
    assert asked == [None, 1, None, 1, None, 1, None, 4]
    now = intake.time.monotonic()
    monkeypatch.setattr(intake.time, 'monotonic', lambda: now + intake.SIGHT_SECONDS + 1)
    asked.clear()
    assert not intake.sees(1, 3, check(False, False))  # asked again after a while
    assert asked == [None, 1]


def test_a_cast_through_the_intake_commits_and_refuses_like_an_operation(db, make_vote, voters, cast):
    vote = make_vote()
    facts = intake.facts(vote.id)
    first, second = voters[0].id, voters[1].id  # the intake ends the caller's session: what it loaded is detached
    receipt = intake.cast(first, facts, [0])
    assert len(receipt) == 19
    with pytest.raises(Refusal) as refused:
        intake.cast(first, facts, [1])
    assert refused.value.code == 'already_voted'
    with pytest.raises(Refusal) as bad:
        intake.cast(second, facts, [7])
    assert bad.value.code == 'unknown_option'
    assert _marks(db, vote) == {first: 'online'}


def test_a_request_that_ends_while_waiting_passes_its_turn_on():
    """A waiting request killed (its greenlet ended) leaves the queue; if it was to write next, the next one does."""
    import threading

    queue = intake._Intake()
    first, second, third = (intake._Waiting(None, threading.Event()) for _ in range(3))
    queue._queue.extend([first, second, third])
    queue._writing = True
    first.lead = True  # promoted, then killed before it wrote
    queue._abandon(first)
    assert queue._queue == [second, third]
    assert second.lead
    assert second.wake.is_set()
    assert not third.wake.is_set()
    queue._abandon(third)  # a plain follower leaves without touching the turn
    assert queue._queue == [second]
    assert queue._writing
    second.done = True  # written meanwhile: nothing to pass on
    queue._queue.clear()
    queue._abandon(second)
    assert queue._writing
    lone = intake._Waiting(None, threading.Event(), lead=True)
    queue._queue.append(lone)
    queue._abandon(lone)  # the last one: nobody writes, the next cast starts a batch itself
    assert not queue._writing


def test_a_batch_checks_its_logins_in_one_statement_and_refuses_ended_ones(db, make_vote, voters, count_queries):
    """The HTTP cast's login session is checked with the batch's: live ones are written, an ended one, another
    person's key or an unknown key is refused ``session_ended`` and nothing of it is saved."""
    from consult.accounts.operations import end_session
    from consult.accounts.operations import start_session
    from consult.votes.intake import _logged_in

    vote = make_vote()
    keys = [start_session(user, 'test').key for user in voters[:2]]
    end_session(keys[1])
    db.session.commit()
    batch = [_cast(vote, user) for user in voters[:4]]
    logins = [(voters[0].id, keys[0]), (voters[1].id, keys[1]), (voters[2].id, keys[0])]
    for cast, login in zip(batch, logins, strict=False):
        cast.login = login  # the fourth was trusted already (no login to check)
    with count_queries() as counter:
        kept = _logged_in(batch)
    assert counter.count == 1
    assert [cast.voter_id for cast in kept] == [voters[0].id, voters[3].id]
    assert [batch[1].refusal.code, batch[2].refusal.code] == ['session_ended', 'session_ended']
    write(kept)
    db.session.commit()
    assert set(_marks(db, vote)) == {voters[0].id, voters[3].id}
    trusted = [_cast(vote, voters[0])]
    with count_queries() as again:
        assert _logged_in(trusted) == trusted  # no login to check: no statement
    assert again.count == 0
