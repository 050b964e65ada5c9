"""Seeded public data for the open-data API: every personal field of the people and households involved holds a
marker that must never come out of the API, a CSV or the feed."""

import json
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

import pytest

from consult.kernel.clock import utcnow
from consult.kernel.events import MinutesSigned
from consult.kernel.events import VoteClosed
from consult.kernel.events import publish

#: One marker per personal field; none may appear in any public answer.
MARKERS = {
    'mobile': '19911112222',
    'email': 'marker-mail@example.org',
    'display_name': 'MkDisplay显名',
    'real_name': 'MkReal真名',
    'birth_date': '1911-11-11',
    'household': 'MkHouse门牌',
    'held_by': 'MkHeldBy持方',
    'mute_reason': 'MkMuteReason',
    'organisation': 'MkOrganisation',
    'join_reason': 'MkJoinReason',
}
#: The title of a vote still open, and its count so far: nothing of it may be in the API before the close.
OPEN_VOTE_TITLE = 'OpenVoteEmbargo开放中'


@dataclass
class Seeded:
    place: object
    topic: object
    private_topic: object
    draft_topic: object
    meeting: object
    closed_vote: object
    open_vote: object
    minutes: object
    opinion: object
    check: object
    person: object


def _person(make_user, n: int):
    return make_user(
        mobile=f'{MARKERS["mobile"][:-1]}{n}',
        email=f'{n}{MARKERS["email"]}',
        display_name=f'{MARKERS["display_name"]}{n}',
        real_name=f'{MARKERS["real_name"]}{n}',
        birth_date=date(1911, 11, 11),
    )


def make_topic(db, community, user, title='公共议题', status='in_consultation', public=True):
    from consult.topics.models import Topic
    from consult.topics.models import TopicEvent

    topic = Topic(
        community_id=community.id,
        title=title,
        body='**正文** =1+1',
        body_html='<p>正文</p>',
        source_channel='online',
        submitted_by_id=user.id,
        originator_id=user.id,
        status=status,
        public=public,
    )
    db.session.add(topic)
    db.session.flush()
    db.session.add(
        TopicEvent(
            topic_id=topic.id,
            actor_id=user.id,
            actor_role='resident',
            action='submit',
            from_status='draft',
            to_status='submitted',
            reason='',
        )
    )
    return topic


@pytest.fixture
def seeded(db, place, make_user):
    from consult.disclosure.models import Publication
    from consult.meetings.minutes_models import SignedMinutes
    from consult.meetings.models import Attendance
    from consult.meetings.models import JoinRequest
    from consult.meetings.models import Meeting
    from consult.meetings.models import Participant
    from consult.meetings.snapshot import canonical
    from consult.meetings.snapshot import digest
    from consult.outcomes.models import LegalityCheck
    from consult.outcomes.models import Opinion
    from consult.rules.queries import rules_in_force
    from consult.votes.closing import count
    from consult.votes.models import Elector
    from consult.votes.models import Vote
    from consult.votes.models import VoteOption

    people = [_person(make_user, n) for n in range(1, 5)]
    person = people[0]
    household = place.a.grids[0].buildings[0].households[0]
    household.number = MARKERS['household']
    topic = make_topic(db, place.a, person, status='result_published')
    private_topic = make_topic(db, place.a, person, title='私密议题', public=False)
    draft_topic = make_topic(db, place.a, person, title='草稿议题', status='draft')
    rules = rules_in_force(place.a, date.today())
    now = utcnow()
    meeting = Meeting(
        topic_id=topic.id,
        community_id=place.a.id,
        title='居民会议',
        kind='residents_meeting',
        form='onsite',
        starts_at=now - timedelta(hours=3),
        place='MkPlace',
        chair_id=person.id,
        secretary_id=people[1].id,
        created_by_id=person.id,
        status='closed',
        opened_at=now - timedelta(hours=3),
        closed_at=now - timedelta(hours=1),
        rule_set_id=rules.id,
        outcome='consensus',
        conclusion='同意',
        checkin_secret='x' * 32,
        dissents=[{'view': '反对意见', 'held_by': MARKERS['held_by']}],
    )
    db.session.add(meeting)
    db.session.flush()
    for n, p in enumerate(people):
        db.session.add(
            Participant(
                meeting_id=meeting.id,
                user_id=p.id,
                kind='resident',
                household_id=household.id,
                source='added',
                added_by_id=person.id,
                organisation=MARKERS['organisation'],
                muted_at=now,
                mute_reason=MARKERS['mute_reason'],
            )
        )
        if n < 3:
            db.session.add(Attendance(meeting_id=meeting.id, user_id=p.id, method='staff', marked_by_id=person.id))
    db.session.add(JoinRequest(meeting_id=meeting.id, user_id=people[3].id, reason=MARKERS['join_reason']))
    closed = Vote(
        community_id=place.a.id,
        topic_id=topic.id,
        meeting_id=meeting.id,
        title='表决：同意方案',
        kind='motion',
        rule_kind='residents_meeting',
        electorate_mode='roster',
        status='closed',
        created_by_id=person.id,
        opened_at=now - timedelta(hours=2),
        closed_at=now - timedelta(hours=1, minutes=30),
        electorate_size=4,
        quorum_met=True,
        adopted=True,
        secret=False,
        rule_set_id=rules.id,
    )
    open_vote = Vote(
        community_id=place.a.id,
        topic_id=topic.id,
        meeting_id=meeting.id,
        title=OPEN_VOTE_TITLE,
        kind='single',
        rule_kind='residents_meeting',
        electorate_mode='roster',
        status='open',
        created_by_id=person.id,
        opened_at=now,
        electorate_size=4,
    )
    db.session.add_all([closed, open_vote])
    db.session.flush()
    open_vote.options = [VoteOption(position=0, label='甲方案'), VoteOption(position=1, label='乙方案')]
    closed.options = [VoteOption(position=n, label=label) for n, label in enumerate(('赞成', '反对', '弃权'))]
    db.session.flush()
    closed.result = count(closed, [((0,), 1)] * 3, '00' * 16)  # a real count: 3 yes of 4 electors
    for p in people:
        db.session.add(Elector(vote_id=closed.id, user_id=p.id, household_id=household.id, voted_via='online'))
        db.session.add(Elector(vote_id=open_vote.id, user_id=p.id, household_id=household.id, voted_via='online'))
    document = {
        'format': 'consult.minutes/1',
        'meeting': {
            'id': meeting.id,
            'title': meeting.title,
            'outcome': 'consensus',
            'conclusion': '同意',
            'chair': {'id': person.id, 'name': person.display_name},
            'secretary': {'id': people[1].id, 'name': people[1].display_name},
        },
        'attendance': {'roster': 4, 'signed_in': 3, 'present': 3, 'members': 4, 'required': 3, 'met': True},
        'items': [
            {
                'id': 1,
                'position': 1,
                'title': '议程一',
                'time_box': 10,
                'started_at': None,
                'ended_at': None,
                'notes': '讨论',
            }
        ],
        'speakers': [
            {
                'user_id': p.id,
                'name': p.display_name,
                'badge': 'resident',
                'item_id': 1,
                'floor_at': None,
                'ended_at': None,
            }
            for p in people
        ],
        'motions': [{'title': '表决：同意方案', 'agenda_item_id': 1, 'status': 'closed', 'result': '通过', 'url': ''}],
        'dissents': [{'view': '反对意见', 'held_by': MARKERS['held_by']}],
        'text': '会议记录',
        'revision': 1,
        'signed': {'by': {'id': person.id, 'name': person.display_name}, 'at': now.isoformat()},
    }
    text = canonical(document)
    minutes = SignedMinutes(
        meeting_id=meeting.id, signed_by_id=person.id, signed_at=now, document=text, sha256=digest(text)
    )
    opinion = Opinion(
        topic_id=topic.id,
        round=1,
        consensus=True,
        text='意见',
        text_html='<p>意见</p>',
        dissent=['少数意见'],
        meeting_id=meeting.id,
        recorded_by_id=person.id,
        locked_at=now,
    )
    db.session.add_all([minutes, opinion])
    db.session.flush()
    opinion.votes = [closed, open_vote]
    check = LegalityCheck(
        topic_id=topic.id, opinion_id=opinion.id, result='pass', reason='合法', checked_by_id=person.id
    )
    db.session.add(check)
    db.session.add(
        Publication(
            topic_id=topic.id,
            round=1,
            note='公示',
            prepared_by_id=people[1].id,
            signed_off_by_id=person.id,
            published_at=now,
            adopted=True,
            publicity_ends_at=now + timedelta(days=7),
            objection_ends_at=now + timedelta(days=7),
            reply_days=5,
        )
    )
    # What closing the vote and signing the minutes announce: the transparency log's leaves and a signed head.
    publish(VoteClosed(closed.id, topic.id, meeting.id, decides=False, quorum_met=True, adopted=True))
    publish(MinutesSigned(signed_minutes_id=minutes.id, meeting_id=meeting.id, topic_id=topic.id))
    db.session.commit()
    return Seeded(place, topic, private_topic, draft_topic, meeting, closed, open_vote, minutes, opinion, check, person)


def every_url(app, seeded) -> list[str]:
    """Every route of the OpenAPI document with the seeded ids, and the feed and the reference page."""
    from consult.opendata.openapi import document

    ids = {
        '{community_id}': seeded.place.a.id,
        '{topic_id}': seeded.topic.id,
        '{meeting_id}': seeded.meeting.id,
        '{vote_id}': seeded.closed_vote.id,
    }
    #: The routes that need query parameters (the transparency log's proofs).
    queries = {
        '/api/v1/log/proof/inclusion': '?tree_size=1&leaf_index=0',
        '/api/v1/log/proof/consistency': '?first=1&second=2',
    }
    urls = []
    for path in document()['paths']:
        query = queries.get(path, '')
        for key, value in ids.items():
            path = path.replace(key, str(value))
        urls.append(path + query)
    return [*urls, '/api/v1/results.atom', '/api/v1/', '/api/v1/openapi.json']


def body_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def as_json(response):
    return json.loads(response.get_data(as_text=True))
