"""The result page of a large consultation reads as many statements as that of a small one (issue 14).

The published topic gets a held meeting of 10 residents with 100 live-room messages, 3 speakers and one vote,
then a second one of 300 residents with 1,000 messages, 30 speakers (one in ten consenting to be named) and four
votes: the page and :func:`public_record` read the same number of statements, and count the roster in SQL.
"""

from datetime import timedelta

from consult.disclosure.public import public_record
from consult.meetings import minutes
from consult.meetings.models import Meeting
from consult.rules.defaults import MEETING_RULES
from consult.votes.counting import tally
from consult.votes.decide import decide
from consult.votes.models import Vote
from consult.votes.models import VoteOption
from tests.meetings import crowd

OPTIONS = ['甲', '乙']


def _held(db, cast, topic, people: list[int], messages: int, speakers: int, votes: int) -> Meeting:
    """A closed meeting on ``topic`` with ``people`` on its roster (3 in 4 signed in), its messages and speakers
    (``tests.meetings.crowd.held``), signed minutes, and ``votes`` closed votes with stored results."""
    meeting = crowd.held(db, cast, topic, people, messages, speakers)
    start = meeting.opened_at
    minutes.sign_minutes(cast.director, meeting)
    rules = MEETING_RULES['residents_meeting']
    present = len(people) - (len(people) + 3) // 4
    counted = tally('single', 2, [((0,), 1)] * present, seed=b'test')
    bases = {('eligible', 'head'): len(people), ('attending', 'head'): present}
    decision = decide('single', counted, quorum=rules['quorum'], approval=rules['approval'], bases=bases)
    for n in range(votes):
        vote = Vote(
            community_id=topic.community_id,
            topic_id=topic.id,
            meeting_id=meeting.id,
            title=f'表决{len(people)}-{n}',
            question='',
            kind='single',
            max_choices=1,
            secret=True,
            decides=False,
            rule_kind='residents_meeting',
            electorate_mode='roster',
            status='closed',
            opened_at=start,
            closed_at=start + timedelta(minutes=50 + n),
            created_by_id=cast.staff.id,
            electorate_size=len(people),
            result={'tally': counted.to_dict(), 'decision': decision.to_dict(), 'options': OPTIONS},
            quorum_met=decision.quorum_met,
            adopted=decision.passed,
            box_salt='',
        )
        db.session.add(vote)
        db.session.flush()
        db.session.add_all(VoteOption(vote_id=vote.id, position=p, label=label) for p, label in enumerate(OPTIONS))
    db.session.commit()
    return meeting


def test_a_large_consultation_reads_as_many_statements_as_a_small_one(db, cast, published, count_queries, client):
    _held(db, cast, published, crowd.people(db, '135', 10), messages=100, speakers=3, votes=1)
    client.get('/')  # the first request's one-off work is not counted
    with count_queries() as small:
        assert client.get(f'/results/{published.id}').status_code == 200
    with count_queries() as small_record:
        public_record(published.id)
    _held(db, cast, published, crowd.people(db, '134', 300), messages=1_000, speakers=30, votes=4)
    with count_queries() as large:
        page = client.get(f'/results/{published.id}').get_data(as_text=True)
    with count_queries() as large_record:
        record = public_record(published.id)
    assert large_record.count == small_record.count
    assert large.count == small.count
    assert [m.roster for m in record.meetings] == [10, 300]
    assert [m.signed_in for m in record.meetings] == [7, 225]
    assert len(record.votes) == 5
    named = [s.name for s in record.meetings[1].minutes.speakers if s.name]
    assert named == ['居民134-00000', '居民134-00010', '居民134-00020']  # consent only
    assert '居民134-00010' in page
    assert '居民134-00011' not in page
    assert not any(
        statement.lstrip().upper().startswith('SELECT') and 'meeting_messages' in statement
        for statement in large.statements
    )
