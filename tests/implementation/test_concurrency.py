"""Races on PostgreSQL: one resident's two ratings at once leave one row; two sign-offs at once, one wins."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.implementation import operations
from consult.implementation import ratings
from consult.implementation.models import Feedback
from consult.implementation.models import Rating
from consult.kernel.clock import today as city_today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import operations as topics
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 4


def _official(session, mobile: str, role: Role, community_id: int) -> User:
    user = User(
        mobile=mobile,
        password_hash=support.password_hash(),
        display_name=mobile,
        real_name=mobile,
        birth_date=date(1980, 1, 1),
    )
    session.add(user)
    session.flush()
    session.add(RoleGrant(user_id=user.id, role=str(role), reason='test', community_id=community_id))
    session.flush()
    return user


def _topic(app, status: str) -> tuple[int, int, list[int]]:
    """A topic of a new community put in ``status`` directly (publication is another branch's step).

    Returns the topic's id, a verified resident's id and the ids of the racing directors.
    """
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix=f'impl-race-{status}')
        session.commit()
        resident = committed_residents(session, place.a, place.households(place.a), 1, '1383')[0]
        staff = _official(session, '13830100001', Role.COMMITTEE_STAFF, place.a.id)
        directors = [_official(session, f'1383020000{n}', Role.COMMITTEE_DIRECTOR, place.a.id) for n in range(RACERS)]
        topic = topics.create_draft(
            staff,
            place.a,
            'counter',
            {'title': '加装电梯', 'body': '3号楼', 'declared_not_excluded': True},
            originator=session.get(User, resident),
        )
        topics.submit_topic(staff, topic)
        topic.status = 'implementing'
        session.flush()
        task = operations.add_task(staff, topic, '安装电梯', 'committee', city_today() + timedelta(days=10))
        operations.mark_done(staff, task)
        if status == 'feedback_given':
            topic.status = status
            now = utcnow()
            session.add(
                Feedback(
                    topic_id=topic.id,
                    kind='completed',
                    text='已完成',
                    by_id=directors[0].id,
                    at=now,
                    rating_ends_at=now + timedelta(days=15),
                )
            )
        session.commit()
        result = topic.id, resident, [d.id for d in directors]
        _db.session.remove()
        return result


def test_one_residents_ratings_at_once_leave_one_row(app, engine):  # noqa: F811
    topic_id, resident_id, _directors = _topic(app, 'feedback_given')

    def step(index: int) -> int:
        topic = _db.session.get(Topic, topic_id)
        ratings.rate(_db.session.get(User, resident_id), topic, 1 + index, f'第{index}次')
        _db.session.commit()
        return index

    run_together(app, RACERS, step)
    with Session(engine) as session:
        rows = session.execute(sa.select(Rating.score, Rating.comment).where(Rating.topic_id == topic_id)).all()
    assert len(rows) == 1
    score, comment = rows[0]
    assert comment == f'第{score - 1}次'  # one racer's rating whole, not a mix


def test_two_sign_offs_at_once_one_wins(app, engine):  # noqa: F811
    topic_id, _resident, director_ids = _topic(app, 'implementing')

    def step(index: int) -> str:
        topic = _db.session.get(Topic, topic_id)
        try:
            outcome = 'completed' if index % 2 == 0 else 'cannot'
            operations.finish(_db.session.get(User, director_ids[index]), topic, outcome, f'结果{index}')
            _db.session.commit()
        except Refusal as refusal:
            _db.session.rollback()
            return refusal.code
        return 'ok'

    outcomes = run_together(app, RACERS, step)
    assert outcomes.count('ok') == 1, outcomes
    assert set(outcomes) - {'ok'} <= {'conflict', 'wrong_state'}, outcomes
    with Session(engine) as session:
        feedback = session.scalars(sa.select(Feedback).where(Feedback.topic_id == topic_id)).all()
        assert len(feedback) == 1
        steps = session.scalars(
            sa.select(TopicEvent.action).where(
                TopicEvent.topic_id == topic_id, TopicEvent.to_status == 'feedback_given'
            )
        ).all()
        assert len(steps) == 1
        assert session.scalar(sa.select(Topic.status).where(Topic.id == topic_id)) == 'feedback_given'
