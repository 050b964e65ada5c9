"""Two legality checks of one opinion sent at the same moment on PostgreSQL: one is recorded, one step is taken."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.comments import operations as comments
from consult.db import db as _db
from consult.kernel.refusals import Refusal
from consult.outcomes import operations
from consult.outcomes.models import LegalityCheck
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.topics import operations as topics
from consult.topics import states
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together
from tests.topics.conftest import CONFIRM
from tests.topics.conftest import LEGALITY
from tests.topics.conftest import end_publicity

pytestmark = postgres_only
RACERS = 4


def _official(session, mobile: str, role: Role, **scope) -> User:
    user = User(
        mobile=mobile,
        password_hash=support.password_hash(),
        display_name=mobile,
        real_name=mobile,
        birth_date=date(1980, 1, 1),
    )
    session.add(user)
    session.flush()
    session.add(RoleGrant(user_id=user.id, role=str(role), reason='test', **scope))
    session.flush()
    return user


def _opinion_formed(app) -> tuple[int, list[int]]:
    """A topic of community A with its opinion recorded; returns its id and the ids of four checkers."""
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix='legality-race')
        session.commit()
        resident = session.get(User, committed_residents(session, place.a, place.households(place.a), 1, '1381')[0])
        staff = _official(session, '13820000001', Role.COMMITTEE_STAFF, community_id=place.a.id)
        party = _official(session, '13820000002', Role.PARTY_ORG, community_id=place.a.id)
        checkers = [
            _official(session, f'1382000001{n}', role, community_id=place.a.id)
            for n, role in enumerate([Role.COMMITTEE_DIRECTOR, *[Role.COMMITTEE_STAFF] * (RACERS - 1)])
        ]
        topic = topics.create_draft(
            staff,
            place.a,
            'counter',
            {'title': '加装电梯', 'body': '3号楼需要电梯', 'declared_not_excluded': True},
            originator=resident,
        )
        topics.submit_topic(staff, topic)
        states.apply(topic, 'accept', staff)
        states.apply(topic, 'confirm', party, **CONFIRM)
        end_publicity(topic)
        comments.open_period(staff, topic, 7)
        comments.close_early(staff, topic, '意见已充分')
        comments.write_summary(staff, topic, '多数居民赞成。')
        comments.conclude(staff, topic)
        operations.record_opinion(checkers[0], topic, True, '同意加装电梯。')
        session.commit()
        result = topic.id, [user.id for user in checkers]
        _db.session.remove()
        return result


def test_two_checks_at_once_take_one_step(app, engine):  # noqa: F811
    topic_id, checker_ids = _opinion_formed(app)
    results = ['pass', 'fail'] * (RACERS // 2)

    def step(index: int) -> str:
        topic = _db.session.get(Topic, topic_id)
        actor = _db.session.get(User, checker_ids[index])
        try:
            operations.check_legality(actor, topic, results[index], **LEGALITY[results[index]])
            _db.session.commit()
        except Refusal as refusal:
            _db.session.rollback()
            return refusal.code
        return 'ok'

    outcomes = run_together(app, RACERS, step)
    assert outcomes.count('ok') == 1, outcomes
    assert set(outcomes) - {'ok'} <= {'conflict', 'wrong_state', 'already_checked'}, outcomes
    with Session(engine) as session:
        checks = session.scalars(sa.select(LegalityCheck).where(LegalityCheck.topic_id == topic_id)).all()
        assert len(checks) == 1
        steps = session.scalars(
            sa.select(TopicEvent.action).where(TopicEvent.topic_id == topic_id, TopicEvent.action.like('legality_%'))
        ).all()
        assert steps == [f'legality_{checks[0].result}']
        status = session.scalar(sa.select(Topic.status).where(Topic.id == topic_id))
        assert status == {'pass': 'legality_reviewed', 'fail': 'returned'}[checks[0].result]
