"""A meeting's vote from preparation to its counted result: one ballot per voter, nothing before the close."""

import pytest
import sqlalchemy as sa

from consult.kernel.refusals import Refusal
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.models import Receipt
from consult.votes.models import SealedBallot
from consult.votes.models import Vote


def test_a_motion_is_counted_at_the_close_with_the_rule_sets_quorum_and_majority(db, cast, make_vote, voters):
    vote = make_vote()
    assert vote.electorate_size == len(voters) >= 4
    receipts = [cast_ballot(u, vote, [0]) for u in voters[:3]]
    db.session.commit()
    assert vote.result is None
    assert vote.adopted is None
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.quorum_met is True
    assert vote.adopted is True
    assert vote.result['tally']['heads'][:3] == [3, 0, 0]
    stored = set(db.session.scalars(sa.select(Receipt.code).where(Receipt.vote_id == vote.id)))
    assert stored == set(receipts)
    assert not db.session.scalar(
        sa.select(sa.func.count()).select_from(SealedBallot).where(SealedBallot.vote_id == vote.id)
    )


def test_a_second_ballot_of_the_same_voter_is_refused_and_nothing_is_added(db, make_vote, voters):
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        cast_ballot(voters[0], vote, [1])
    db.session.rollback()
    assert refused.value.code == 'already_voted'
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot).where(SealedBallot.vote_id == vote.id))
        == 1
    )


@pytest.mark.parametrize(
    ('kind', 'choice', 'code'),
    [
        ('single', [7], 'unknown_option'),
        ('multiple', [0, 1, 2], 'too_many'),
        ('ranked', [0, 0], 'repeated'),
        ('motion', [], 'empty_motion'),
    ],
)
def test_a_bad_ballot_is_refused_with_its_rule_and_the_voter_may_still_vote(db, make_vote, voters, kind, choice, code):
    vote = make_vote(kind)
    with pytest.raises(Refusal) as refused:
        cast_ballot(voters[0], vote, choice)
    db.session.rollback()
    assert refused.value.code == code
    assert refused.value.rule is not None
    elector = db.session.scalar(sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == voters[0].id))
    assert elector.voted_via is None


def test_an_observer_or_outsider_is_not_in_the_electorate(db, cast, make_vote):
    vote = make_vote()
    for person in (cast.staff, cast.outsider, cast.minor):
        with pytest.raises(Refusal) as refused:
            cast_ballot(person, vote, [0])
        db.session.rollback()
        assert refused.value.code == 'not_elector'


def test_a_ballot_after_the_close_is_refused(db, cast, make_vote, voters):
    vote = make_vote()
    close_vote(cast.director, vote)
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        cast_ballot(voters[0], vote, [0])
    db.session.rollback()
    assert refused.value.code == 'not_open'


def test_a_failed_quorum_is_a_result_too(db, cast, make_vote, voters, open_meeting):
    from consult.meetings.models import Attendance

    db.session.execute(sa.delete(Attendance).where(Attendance.meeting_id == open_meeting.id))
    db.session.commit()
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.quorum_met is False
    assert vote.adopted is False
    assert vote.result['decision']['reason'] == 'quorum_failed'


def test_only_the_chair_or_the_committee_opens_and_closes(db, cast, make_vote, voters):
    vote = make_vote(opened=False)
    from consult.votes.operations import open_vote

    with pytest.raises(Refusal) as refused:
        open_vote(voters[0], vote)
    db.session.rollback()
    assert refused.value.code == 'forbidden'
    assert db.session.get(Vote, vote.id).status == 'draft'


def test_a_resend_of_the_same_ballot_gets_its_receipt_again_and_adds_nothing(db, make_vote, voters):
    """The first answer was lost: the page sends the same ballot again with the same id and gets the same receipt."""
    vote = make_vote()
    first = cast_ballot(voters[0], vote, [0], client_id='a' * 32)
    db.session.commit()
    assert cast_ballot(voters[0], vote, [0], client_id='a' * 32) == first
    db.session.commit()
    with pytest.raises(Refusal) as refused:  # another tab, another id: one ballot per voter
        cast_ballot(voters[0], vote, [1], client_id='b' * 32)
    db.session.rollback()
    assert refused.value.code == 'already_voted'
    assert db.session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == vote.id)) == 1
    # Another voter using the same id gets another receipt.
    assert cast_ballot(voters[1], vote, [0], client_id='a' * 32) != first


def test_a_malformed_client_id_is_refused(db, make_vote, voters):
    vote = make_vote()
    with pytest.raises(Refusal) as refused:
        cast_ballot(voters[0], vote, [0], client_id='x')
    db.session.rollback()
    assert refused.value.code == 'bad_payload'
