"""The on-site channel: voters marked on paper or by hand, counts entered by one and confirmed by another,
corrections appended, reconciled with the marks, and counted at the close with the online ballots."""

import pytest
import sqlalchemy as sa

from consult.kernel.refusals import Refusal
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.onsite import mark_attendees
from consult.votes.onsite import mark_voted
from consult.votes.onsite_entries import confirm_entry
from consult.votes.onsite_entries import enter_count
from consult.votes.onsite_entries import enter_person
from consult.votes.onsite_models import OnsiteEntry


def refused(db, call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def via(db, vote, user) -> str | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Elector.voted_via).where(Elector.vote_id == vote.id, Elector.user_id == user.id))


@pytest.fixture
def paper(db, cast, make_vote, voters, on_site):
    """An open secret motion: voters[0] voted online (for); voters[1:] signed in on site and marked on paper."""
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    on_site(*voters[1:])
    for user in voters[1:]:
        mark_voted(cast.director, vote, user.id, 'paper')
    db.session.commit()
    return vote


def test_a_count_counts_once_a_second_member_confirms_it(db, cast, paper, voters, second):
    entry = enter_count(cast.director, paper, [2, 1, 0])
    db.session.commit()
    confirm_entry(second, paper, entry.id)
    db.session.commit()
    close_vote(cast.director, paper)
    db.session.commit()
    assert paper.result['tally']['heads'] == [3, 1, 0]
    assert paper.result['tally']['ballots'] == 4
    onsite = paper.result['onsite']
    assert onsite['marked'] == 3
    assert onsite['ballots'] == [[[0], 1, 2], [[1], 1, 1]]
    assert onsite['entries'][0]['entered_by'] == cast.director.display_name
    assert onsite['entries'][0]['confirmed_by'] == second.display_name
    assert onsite['entries'][0]['counted'] is True
    assert onsite['not_counted'] == []


def test_whoever_entered_a_count_cannot_confirm_it(db, cast, paper):
    entry = enter_count(cast.director, paper, [2, 1, 0])
    db.session.commit()
    refusal = refused(db, confirm_entry, cast.director, paper, entry.id)
    assert refusal.code == 'own_entry'
    assert db.session.get(OnsiteEntry, entry.id).confirmed_by_id is None


def test_the_topics_submitter_and_originator_neither_enter_nor_confirm(db, cast, paper, second, grant):
    from consult.roles.models import Role

    assert paper.topic.submitted_by_id == cast.staff.id
    assert refused(db, enter_count, cast.staff, paper, [1, 0, 0]).code == 'conflict'
    grant(cast.resident, Role.COMMITTEE_STAFF, community=cast.place.a)  # the originator, on the committee
    assert paper.topic.originator_id == cast.resident.id
    assert refused(db, enter_count, cast.resident, paper, [1, 0, 0]).code == 'conflict'
    entry = enter_count(second, paper, [1, 0, 0])
    db.session.commit()
    assert refused(db, confirm_entry, cast.staff, paper, entry.id).code == 'conflict'
    assert refused(db, confirm_entry, cast.resident, paper, entry.id).code == 'conflict'


def test_a_correction_is_appended_and_the_earlier_entry_stays(db, cast, paper, second):
    first = enter_count(cast.director, paper, [1, 1, 0])
    db.session.commit()
    confirm_entry(second, paper, first.id)
    db.session.commit()
    assert refused(db, enter_count, second, paper, [2, 1, 0], supersedes_id=first.id).code == 'reason_required'
    correction = enter_count(second, paper, [2, 1, 0], supersedes_id=first.id, reason='漏计一张')
    db.session.commit()
    assert refused(db, confirm_entry, second, paper, first.id).code == 'superseded'
    confirm_entry(cast.director, paper, correction.id)
    db.session.commit()
    kept = db.session.get(OnsiteEntry, first.id)
    assert kept.counts == [1, 1, 0]
    assert kept.confirmed_by_id == second.id
    close_vote(cast.director, paper)
    db.session.commit()
    assert paper.result['tally']['heads'] == [3, 1, 0]
    entries = {e['id']: e for e in paper.result['onsite']['entries']}
    assert entries[first.id]['counted'] is False
    assert entries[correction.id]['counted'] is True
    assert entries[correction.id]['supersedes'] == first.id
    assert entries[correction.id]['reason'] == '漏计一张'


def test_an_unconfirmed_correction_leaves_the_confirmed_count_in_force(db, cast, paper, second):
    first = enter_count(cast.director, paper, [1, 1, 0])
    confirm_entry(second, paper, first.id)
    correction = enter_count(second, paper, [2, 1, 0], supersedes_id=first.id, reason='重新点票')
    db.session.commit()
    close_vote(cast.director, paper)
    db.session.commit()
    assert paper.result['tally']['heads'] == [2, 1, 0]
    assert paper.result['onsite']['not_counted'] == [correction.id]


def test_an_unconfirmed_count_is_not_counted(db, cast, paper):
    entry = enter_count(cast.director, paper, [3, 0, 0])
    db.session.commit()
    close_vote(cast.director, paper)
    db.session.commit()
    assert paper.result['tally']['heads'] == [1, 0, 0]
    assert paper.result['onsite']['not_counted'] == [entry.id]


def test_a_second_correction_of_the_same_entry_is_refused_as_stale(db, cast, paper, second):
    first = enter_count(cast.director, paper, [1, 1, 0])
    db.session.commit()
    enter_count(second, paper, [2, 1, 0], supersedes_id=first.id, reason='漏计')
    db.session.commit()
    assert refused(db, enter_count, cast.director, paper, [2, 0, 0], supersedes_id=first.id, reason='x').code == (
        'stale'
    )
    assert refused(db, enter_count, cast.director, paper, [2, 0, 0]).code == 'stale'


def test_the_record_is_append_only(db, cast, paper):
    entry = enter_count(cast.director, paper, [1, 0, 0])
    db.session.commit()
    entry.blank = 1
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(OnsiteEntry, entry.id))
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()


def test_a_count_over_the_voters_marked_on_site_is_refused(db, cast, paper, second):
    refusal = refused(db, enter_count, cast.director, paper, [3, 1, 0])
    assert refusal.code == 'over_marked'
    assert '4' in refusal.message  # the count
    assert '3' in refusal.message  # the voters marked on site
    assert refusal.rule.code == 'vote_onsite_reconciliation'
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(OnsiteEntry))


def test_a_voter_marked_on_paper_cannot_vote_online(db, paper, voters):
    assert refused(db, cast_ballot, voters[1], paper, [1]).code == 'already_voted'


def test_an_online_voter_cannot_be_marked_on_paper(db, cast, paper, voters, on_site):
    on_site(voters[0])
    assert refused(db, mark_voted, cast.director, paper, voters[0].id, 'paper').code == 'already_voted'
    assert via(db, paper, voters[0]) == 'online'


def test_only_voters_signed_in_on_site_are_marked(db, cast, make_vote, voters, open_meeting):
    from consult.meetings import checkin

    vote = make_vote()
    assert refused(db, mark_voted, cast.director, vote, voters[0].id, 'paper').code == 'not_on_site'
    checkin.check_in_online(voters[0], open_meeting)  # joined the room online: not on site
    db.session.commit()
    assert refused(db, mark_voted, cast.director, vote, voters[0].id, 'paper').code == 'not_on_site'
    assert refused(db, mark_voted, cast.director, vote, cast.outsider.id, 'paper').code == 'not_elector'
    assert via(db, vote, voters[0]) is None


def test_a_show_of_hands_is_refused_in_a_secret_vote(db, cast, make_vote, voters, on_site):
    vote = make_vote()
    on_site(voters[0])
    assert refused(db, mark_voted, cast.director, vote, voters[0].id, 'hand').code == 'hand_not_secret'


def test_only_the_committee_marks(db, cast, make_vote, voters, on_site):
    vote = make_vote()
    on_site(voters[0])
    assert refused(db, mark_voted, voters[1], vote, voters[0].id, 'paper').code == 'forbidden'


def test_marking_every_attendee_skips_those_who_voted_online(db, cast, make_vote, voters, on_site):
    vote = make_vote()
    cast_ballot(voters[0], vote, [0])
    on_site(*voters)
    assert mark_attendees(cast.director, vote) == len(voters) - 1
    db.session.commit()
    assert via(db, vote, voters[0]) == 'online'
    assert {via(db, vote, u) for u in voters[1:]} == {'paper'}


def test_entries_are_made_while_the_vote_is_open(db, cast, paper):
    close_vote(cast.director, paper)
    db.session.commit()
    assert refused(db, enter_count, cast.director, paper, [1, 0, 0]).code == 'not_open'
    assert refused(db, mark_voted, cast.director, paper, 1, 'paper').code == 'not_open'


def test_a_multiple_choice_count_keeps_its_ballots(db, cast, make_vote, voters, on_site, second):
    vote = make_vote('multiple', max_choices=2)
    on_site(*voters)
    mark_attendees(cast.director, vote)
    db.session.commit()
    assert refused(db, enter_count, cast.director, vote, [2, 2, 1], 0, 2).code == 'bad_ballots'
    entry = enter_count(cast.director, vote, [2, 2, 1], 1, 3)
    confirm_entry(second, vote, entry.id)
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.result['tally']['heads'] == [2, 2, 1]
    assert vote.result['tally']['ballots'] == 4
    assert vote.result['tally']['blank'] == 1


def test_a_roll_call_entry_marks_the_voter_and_counts_by_name(
    db,
    cast,
    make_vote,
    voters,
    on_site,
    second,
    meeting_rules,
):
    meeting_rules(roll_call=True)
    vote = make_vote()
    assert vote.secret is False
    cast_ballot(voters[0], vote, [1])
    on_site(voters[1], voters[2])
    assert refused(db, enter_count, cast.director, vote, [1, 0, 0]).code == 'roll_call'
    entry = enter_person(cast.director, vote, voters[1].id, [0], 'hand')
    other = enter_person(second, vote, voters[2].id, [0], 'paper')
    db.session.commit()
    assert via(db, vote, voters[1]) == 'hand'
    assert refused(db, enter_person, cast.director, vote, voters[0].id, [0], 'hand').code == 'already_voted'
    confirm_entry(second, vote, entry.id)
    db.session.commit()
    close_vote(cast.director, vote)
    db.session.commit()
    assert vote.result['tally']['heads'] == [1, 1, 0]  # the unconfirmed entry of voters[2] is not counted
    assert vote.result['onsite']['not_counted'] == [other.id]
    names = [e['voter'] for e in vote.result['onsite']['entries'] if e['counted']]
    assert names == [voters[1].display_name]
