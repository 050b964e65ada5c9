"""The result page of a large consultation reads as many statements as that of a small one (issue 14).

The published topic gets a held meeting of 10 residents with 100 live-room messages, 3 speakers and one vote,
then a second one of 300 residents with 1,000 messages, 30 speakers (one in ten consenting to be named) and four
votes: the page and :func:`public_record` read the same number of statements, and count the roster in SQL.
"""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.disclosure.public import public_record
from consult.kernel.clock import utcnow
from consult.meetings import minutes
from consult.meetings.models import LiveMessage
from consult.meetings.models import Meeting
from consult.meetings.models import SpeakerTurn
from consult.rules.defaults import MEETING_RULES
from consult.rules.queries import rules_in_force
from consult.votes.counting import tally
from consult.votes.decide import decide
from consult.votes.models import Vote
from consult.votes.models import VoteOption
from tests import support

OPTIONS = ['甲', '乙']


def _people(db, prefix: str, n: int) -> list[int]:
    db.session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'{prefix}{k:08d}',
                'password_hash': support.password_hash(),
                'display_name': f'发言人{prefix}{k}',
                'real_name': f'真名{prefix}{k}',
                'birth_date': date(1980, 1, 1),
            }
            for k in range(n)
        ],
    )
    return list(db.session.scalars(sa.select(User.id).where(User.mobile.like(f'{prefix}%')).order_by(User.id)))


def _held(db, cast, topic, people: list[int], messages: int, speakers: int, votes: int) -> Meeting:
    """A closed meeting on ``topic`` with ``people`` on its roster (3 in 4 signed in), its messages, speakers
    (every tenth consenting to be named), signed minutes, and ``votes`` closed votes with stored results."""
    start = utcnow() - timedelta(days=20)
    meeting = Meeting(
        topic_id=topic.id,
        community_id=topic.community_id,
        title=f'议事会{len(people)}',
        kind='residents_meeting',
        form='online',
        starts_at=start,
        chair_id=cast.director.id,
        secretary_id=cast.staff.id,
        created_by_id=cast.staff.id,
        status='closed',
        opened_at=start,
        closed_at=start + timedelta(hours=1),
        rule_set_id=rules_in_force(topic.community, date.today()).id,
        outcome='consensus',
        checkin_secret='x' * 32,
        minutes='讨论了方案。',
        minutes_rev=1,
        dissents=[],
        last_seq=messages,
    )
    db.session.add(meeting)
    db.session.flush()
    support.seat_crowd(db.session, meeting.id, people, cast.staff.id)
    db.session.execute(
        sa.insert(LiveMessage),
        [
            {
                'meeting_id': meeting.id,
                'seq': s,
                'author_id': people[s % len(people)],
                'client_id': f'c{s}',
                'body': 'x',
            }
            for s in range(1, messages + 1)
        ],
    )
    db.session.execute(
        sa.insert(SpeakerTurn),
        [
            {
                'meeting_id': meeting.id,
                'user_id': people[k],
                'status': 'done',
                'floor_at': start + timedelta(minutes=k),
                'ended_at': start + timedelta(minutes=k + 1),
            }
            for k in range(speakers)
        ],
    )
    db.session.commit()
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
    _held(db, cast, published, _people(db, '135', 10), messages=100, speakers=3, votes=1)
    client.get('/')  # the first request's one-off work is not counted
    with count_queries() as small:
        assert client.get(f'/results/{published.id}').status_code == 200
    with count_queries() as small_record:
        public_record(published.id)
    _held(db, cast, published, _people(db, '134', 300), messages=1_000, speakers=30, votes=4)
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
    assert named == ['发言人1340', '发言人13410', '发言人13420']  # consent only
    assert '发言人13410' in page
    assert '发言人13411' not in page
    assert not any(
        statement.lstrip().upper().startswith('SELECT') and 'meeting_messages' in statement
        for statement in large.statements
    )
