"""Large meetings for the paging tests, in bulk: people, a closed meeting with its roster and sign-ins, messages."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.kernel.clock import utcnow
from consult.meetings.models import LiveMessage
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingEvent
from consult.meetings.models import SpeakerTurn
from consult.rules.queries import rules_in_force
from tests import support


def people(db, prefix: str, n: int) -> list[int]:
    """``n`` users inserted at once (mobiles ``<prefix><8 digits>``, names 居民<prefix>-<k>); their ids in order."""
    db.session.execute(
        sa.insert(User),
        [
            {
                'mobile': f'{prefix}{k:08d}',
                'password_hash': support.password_hash(),
                'display_name': f'居民{prefix}-{k:05d}',
                'real_name': f'真名{prefix}{k}',
                'birth_date': date(1980, 1, 1),
            }
            for k in range(n)
        ],
    )
    return list(db.session.scalars(sa.select(User.id).where(User.mobile.like(f'{prefix}%')).order_by(User.id)))


def messages(db, meeting, n: int, authors: list[int], start: int = 1) -> None:
    """Messages ``start``..``start + n - 1`` of ``meeting`` from ``authors`` in turn, inserted at once."""
    at = utcnow() - timedelta(hours=1)
    db.session.execute(
        sa.insert(LiveMessage),
        [
            {
                'meeting_id': meeting.id,
                'seq': s,
                'author_id': authors[s % len(authors)],
                'client_id': f'bulk-{s}',
                'body': f'第{s}条',
                'created_at': at + timedelta(milliseconds=s),
            }
            for s in range(start, start + n)
        ],
    )
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(last_seq=start + n - 1))


def held(db, cast, topic, crowd: list[int], n_messages: int, speakers: int = 5) -> Meeting:
    """A closed meeting on ``topic`` with ``crowd`` on its roster (3 in 4 signed in), messages, speakers and
    procedure events; its chair is ``cast.director``."""
    start = utcnow() - timedelta(days=2)
    meeting = Meeting(
        topic_id=topic.id,
        community_id=topic.community_id,
        title=f'议事会{len(crowd)}',
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
    )
    db.session.add(meeting)
    db.session.flush()
    support.seat_crowd(db.session, meeting.id, crowd, cast.staff.id)
    messages(db, meeting, n_messages, crowd)
    db.session.execute(
        sa.insert(SpeakerTurn),
        [
            {
                'meeting_id': meeting.id,
                'user_id': crowd[k],
                'status': 'done',
                'floor_at': start + timedelta(minutes=k),
                'ended_at': start + timedelta(minutes=k + 1),
            }
            for k in range(speakers)
        ],
    )
    db.session.execute(
        sa.insert(MeetingEvent),
        [
            {
                'meeting_id': meeting.id,
                'at': start + timedelta(seconds=k),
                'actor_id': cast.director.id,
                'action': 'floor_given',
                'subject_id': crowd[k % len(crowd)],
                'detail': '3 min',
            }
            for k in range(min(len(crowd), 300))
        ],
    )
    db.session.commit()
    return meeting
