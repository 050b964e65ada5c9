"""Seed :mod:`bench_results`: one published consultation in use, given a closed meeting of ``participants``
residents with ``messages`` live-room messages, speakers and signed minutes (the real sign-off), ``VOTES`` closed
votes with their results as the votes context stores them (the real tally and decision), answered objections and
three more tasks. ``seed(app, participants, messages) -> topic id``. Bulk inserts; demo data underneath.
"""

from datetime import timedelta

import sqlalchemy as sa

from consult.db import db
from consult.kernel.clock import utcnow
from tests import support

VOTES = 5
SPEAKERS = 40
OBJECTIONS = 5
TOPIC = '7幢楼道照明改造'  # the demo's result in use (published, two tasks, an update)
STAFF, DIRECTOR = '13800000004', '13800000005'


def _meeting(topic, staff, director, people: list[int], messages: int):
    """A closed online meeting on ``topic``: its roster, sign-ins, messages and speakers, bulk-inserted."""
    from consult.meetings.models import AgendaItem
    from consult.meetings.models import LiveMessage
    from consult.meetings.models import Meeting
    from consult.meetings.models import SpeakerTurn
    from consult.rules.queries import rules_in_force

    start = utcnow() - timedelta(days=40)
    meeting = Meeting(
        topic_id=topic.id,
        community_id=topic.community_id,
        title='楼道照明改造线上议事会',
        kind='residents_meeting',
        form='online',
        starts_at=start,
        chair_id=director.id,
        secretary_id=staff.id,
        created_by_id=staff.id,
        status='closed',
        notice_sent_at=start - timedelta(days=10),
        materials_sent_at=start - timedelta(days=10),
        opened_at=start,
        closed_at=start + timedelta(hours=2),
        rule_set_id=rules_in_force(topic.community, start.date()).id,
        outcome='consensus',
        conclusion='同意更换楼道声控灯',
        checkin_secret='x' * 32,
        minutes='讨论了楼道照明改造的方案与分摊办法。',
        minutes_rev=1,
        dissents=[{'view': '希望同时加装应急照明', 'held_by': '部分居民'}],
        last_seq=messages,
    )
    db.session.add(meeting)
    db.session.flush()
    items = [
        AgendaItem(meeting_id=meeting.id, position=n, title=title, minutes=30, notes=f'{title}的记录。')
        for n, title in enumerate(('方案介绍', '讨论与表决'))
    ]
    db.session.add_all(items)
    db.session.flush()
    support.seat_crowd(db.session, meeting.id, people, staff.id)
    db.session.execute(
        sa.insert(LiveMessage),
        [
            {
                'meeting_id': meeting.id,
                'seq': seq,
                'author_id': people[seq % len(people)],
                'client_id': f'bench-{seq}',
                'body': f'第{seq}条发言：楼道灯建议选用声光控节能灯。',
                'agenda_item_id': items[seq % 2].id,
                'created_at': start + timedelta(seconds=seq % 7200),
            }
            for seq in range(1, messages + 1)
        ],
    )
    db.session.execute(
        sa.insert(SpeakerTurn),
        [
            {
                'meeting_id': meeting.id,
                'user_id': people[k * 7 % len(people)],
                'status': 'done',
                'raised_at': start + timedelta(minutes=k),
                'floor_at': start + timedelta(minutes=k, seconds=30),
                'ends_at': start + timedelta(minutes=k + 3),
                'ended_at': start + timedelta(minutes=k + 2),
                'agenda_item_id': items[k % 2].id,
            }
            for k in range(min(SPEAKERS, len(people)))
        ],
    )
    db.session.flush()
    return meeting


def _votes(topic, meeting, staff, electorate: int, present: int) -> None:
    """``VOTES`` closed votes of the meeting, their results as the votes context stores them."""
    from consult.rules.defaults import MEETING_RULES
    from consult.votes.counting import tally
    from consult.votes.decide import decide
    from consult.votes.models import Vote
    from consult.votes.models import VoteOption

    rules = MEETING_RULES['residents_meeting']
    options = ['方案甲', '方案乙', '方案丙']
    for n in range(VOTES):
        first = present * 3 // 4
        counted = tally('single', 3, [((0,), 1)] * first + [((n % 2 + 1,), 1)] * (present - first), seed=b'bench')
        bases = {('eligible', 'head'): electorate, ('attending', 'head'): present}
        decision = decide('single', counted, quorum=rules['quorum'], approval=rules['approval'], bases=bases)
        vote = Vote(
            community_id=topic.community_id,
            topic_id=topic.id,
            meeting_id=meeting.id,
            title=f'第{n + 1}项表决：照明改造方案',
            question='选择一个方案',
            kind='single',
            max_choices=1,
            secret=True,
            decides=n == 0,
            rule_kind='residents_meeting',
            electorate_mode='roster',
            status='closed',
            opened_at=meeting.opened_at + timedelta(minutes=60 + n),
            closed_at=meeting.opened_at + timedelta(minutes=70 + n),
            created_by_id=staff.id,
            electorate_size=electorate,
            result={'tally': counted.to_dict(), 'decision': decision.to_dict(), 'options': options},
            quorum_met=decision.quorum_met,
            adopted=decision.passed,
            box_salt='',
        )
        db.session.add(vote)
        db.session.flush()
        db.session.add_all(VoteOption(vote_id=vote.id, position=p, label=label) for p, label in enumerate(options))


def _objections(topic, people: list[int], director) -> None:
    from consult.disclosure.models import Objection
    from consult.disclosure.queries import current_publication

    publication = current_publication(topic.id)
    at = publication.published_at
    db.session.execute(
        sa.insert(Objection),
        [
            {
                'publication_id': publication.id,
                'topic_id': topic.id,
                'author_id': people[n],
                'reasons': f'第{n + 1}条异议：更换时间安排在晚上不方便。',
                'filed_at': at + timedelta(days=1, minutes=n),
                'answer_due_at': at + timedelta(days=8),
                'answer': 'not_upheld',
                'answer_reasons': '施工安排在白天，不影响夜间照明。',
                'answered_by_id': director.id,
                'answered_at': at + timedelta(days=2),
            }
            for n in range(min(OBJECTIONS, len(people)))
        ],
    )


def seed(app, participants: int, messages: int) -> int:
    from bench.live.seed import residents
    from consult.accounts.models import User
    from consult.communities.models import Community
    from consult.demo import demo_password
    from consult.demo import load_demo
    from consult.implementation import operations as implementation
    from consult.kernel.clock import today
    from consult.meetings import minutes
    from consult.topics.models import Topic

    with app.app_context():
        load_demo(demo_password(app.instance_path))
        db.session.flush()
        community = db.session.scalar(sa.select(Community).where(Community.code == 'donghu'))
        staff = db.session.scalar(sa.select(User).where(User.mobile == STAFF))
        director = db.session.scalar(sa.select(User).where(User.mobile == DIRECTOR))
        topic = db.session.scalar(sa.select(Topic).where(Topic.title == TOPIC))
        people = residents(community, participants)
        meeting = _meeting(topic, staff, director, people, messages)
        db.session.commit()
        minutes.sign_minutes(director, meeting)  # the real sign-off: the frozen document with its speakers
        _votes(topic, meeting, staff, participants, participants - (participants + 3) // 4)
        _objections(topic, people, director)
        for n in range(3):
            implementation.add_task(
                staff, topic, f'第{n + 3}项工作：安装应急照明', 'committee', today() + timedelta(days=20)
            )
        db.session.commit()
        if db.engine.dialect.name == 'postgresql':
            with db.engine.begin() as conn:
                conn.exec_driver_sql('ANALYZE')
        return topic.id
