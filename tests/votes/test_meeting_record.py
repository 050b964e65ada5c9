"""Issue 16: the meeting's votes on its record (the front page and the streamed whole record): each vote with its
status and, once closed, its public result; never a voter; no count before the close; nothing for a meeting that
held no vote; and as many statements for ten votes as for one."""

import re

import pytest

from consult.meetings.checkin import mark_present
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote
from consult.votes.models import Vote

EN = {'Accept-Language': 'en'}


def _section(html: str) -> str:
    """The record's votes section (the rest of the page names people: the sign-in sheet, the transcript)."""
    found = re.search(r'<section aria-labelledby="votes-title".*?</section>', html, re.S)
    assert found, 'no votes section'
    return found.group(0)


def _page(client, meeting, path='') -> str:
    response = client.get(f'/meetings/{meeting.id}/record{path}', headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def closed(db, cast, make_vote, voters, open_meeting):
    """Factory: a vote of the open meeting, opened, cast (``choices``: one per voter, in order) and closed."""
    for user in voters:
        mark_present(cast.staff, open_meeting, user)
    db.session.commit()

    def make(choices, **data) -> Vote:
        vote = make_vote(**data)
        for user, choice in zip(voters, choices, strict=False):
            cast_ballot(user, vote, choice)
        close_vote(cast.director, vote)
        db.session.commit()
        return vote

    return make


def test_the_record_lists_the_meetings_votes_with_their_public_result(
    db, client, auth, cast, make_vote, closed, open_meeting
):
    motion = closed([[0], [0], [0], [1]])
    choice = closed([[1], [1], [1], [2]], kind='single', title='选哪个方案')
    draft = make_vote(opened=False, title='尚未开始的表决')
    auth.login(cast.director)
    section = _section(_page(client, open_meeting))
    # In the order opened, the prepared one last; each links to its page.
    assert section.index(motion.title) < section.index(choice.title) < section.index(draft.title)
    for vote in (motion, choice, draft):
        assert f'href="/votes/{vote.id}"' in section
    assert 'The motion passed.' in section
    assert 'Adopted: 乙' in section
    assert section.count('Ballots counted: 4 (blank: 0)') == 2
    cells = re.findall(r'<td data-label="Number of votes" class="number">(\d+)</td>', section)
    assert cells == ['3', '1', '0', '0', '3', '1']  # for, against, abstain; then 甲, 乙, 丙
    assert section.count('Closed and counted') == 2
    assert 'Being prepared' in section
    assert 'Secret ballot' in section
    assert 'Open from ' in section
    # The nav leads to it.
    assert f'href="/meetings/{open_meeting.id}/record#votes-title"' in _page(client, open_meeting)


def test_a_secret_votes_record_names_no_voter_and_no_ballot(db, client, auth, cast, closed, voters, open_meeting):
    vote = closed([[0], [1], [0], [0]])
    assert vote.secret
    auth.login(cast.director)
    for html in (_page(client, open_meeting), _page(client, open_meeting, '/full')):
        section = _section(html)
        assert 'The motion passed.' in section
        for user in voters:
            assert user.display_name not in section
        assert 'receipt' not in section.lower()
        assert 'ballots.csv' not in section


def test_a_vote_still_open_shows_no_result(db, client, auth, cast, make_vote, voters, open_meeting):
    vote = make_vote()
    for user in voters[:3]:
        cast_ballot(user, vote, [0])
    db.session.commit()
    auth.login(cast.director)
    for html in (_page(client, open_meeting), _page(client, open_meeting, '/full')):
        section = _section(html)
        assert vote.title in section
        assert 'Voting open' in section
        assert 'the result is shown once the vote is closed' in section
        assert 'result-summary' not in section
        assert 'Ballots counted' not in section
        assert '<table' not in section
        assert not re.search(r'>\s*3\s*<', section)


def test_the_whole_record_holds_the_votes(db, client, auth, cast, closed, open_meeting):
    vote = closed([[1], [1], [0]])
    auth.login(cast.director)
    html = _page(client, open_meeting, '/full')
    section = _section(html)
    assert html.index('id="minutes-title"') < html.index('id="votes-title"') < html.index('id="speakers-title"')
    assert vote.title in section
    assert 'The motion did not pass.' in section
    assert re.findall(r'<td data-label="Number of votes" class="number">(\d+)</td>', section) == ['1', '2', '0']


def test_a_meeting_without_votes_has_no_votes_section(db, client, auth, cast, make_vote, open_meeting):
    make_vote(opened=False)
    auth.login(cast.director)
    db.session.execute(
        Vote.__table__.update().where(Vote.meeting_id == open_meeting.id).values(status='cancelled')
    )  # a cancelled vote was never held
    db.session.commit()
    for html in (_page(client, open_meeting), _page(client, open_meeting, '/full')):
        assert 'votes-title' not in html
        assert 'record-votes' not in html


def test_the_record_reads_as_many_statements_for_ten_votes_as_for_one(
    db, client, auth, cast, closed, open_meeting, count_queries
):
    auth.login(cast.director)
    counts = []
    for number in (1, 10):
        while db.session.query(Vote).filter_by(meeting_id=open_meeting.id).count() < number:
            closed([[0], [1]], title=f'表决{number}')
        _page(client, open_meeting)  # warm: the login and the caches
        with count_queries() as front:
            section = _section(_page(client, open_meeting))
        with count_queries() as full:
            _page(client, open_meeting, '/full')
        assert section.count('class="record-vote"') == number
        counts.append((front.count, full.count))
    assert counts[0] == counts[1], counts


def test_a_destroyed_tally_leaves_the_votes_without_their_results(db, client, auth, cast, closed, open_meeting):
    """Rule 37: once the topic's vote tally is destroyed, the record lists its votes, not their counts."""
    from consult.archive.models import Appraisal
    from consult.archive.models import Destruction
    from consult.kernel.clock import utcnow

    vote = closed([[0], [0], [0], [1]])
    appraisal = Appraisal(
        topic_id=vote.topic_id, item_key='vote_tally', members=[], reason='期满', by_id=cast.director.id
    )
    db.session.add(appraisal)
    db.session.flush()
    db.session.add(
        Destruction(
            appraisal_id=appraisal.id,
            topic_id=vote.topic_id,
            item_key='vote_tally',
            retention_years=10,
            term_ended_on=utcnow(),
            by_id=cast.director.id,
        )
    )
    db.session.commit()
    auth.login(cast.director)
    for html in (_page(client, open_meeting), _page(client, open_meeting, '/full')):
        section = _section(html)
        assert vote.title in section
        assert 'destroyed at the end of its retention period' in section
        assert 'result-summary' not in section
        assert '<table' not in section
