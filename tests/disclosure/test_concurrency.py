"""Approvals and sign-offs at the same moment on PostgreSQL: one publication, one publish step, one answer."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.disclosure import operations
from consult.disclosure.models import Objection
from consult.disclosure.models import Publication
from consult.kernel.refusals import Refusal
from consult.outcomes import operations as outcomes
from consult.roles.models import Role
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from tests.outcomes.test_concurrency import _official
from tests.outcomes.test_concurrency import _opinion_formed
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 4


def _ready(app, prepared: bool) -> tuple[int, list[int], list[int]]:
    """A topic of community A whose legality check passed; ids of four staff and four directors."""
    topic_id, checker_ids = _opinion_formed(app)
    with app.app_context(), app.test_request_context():
        session = _db.session
        topic = session.get(Topic, topic_id)
        outcomes.check_legality(session.get(User, checker_ids[0]), topic, 'pass')
        staff = [
            _official(session, f'1383000001{n}', Role.COMMITTEE_STAFF, community_id=topic.community_id)
            for n in range(RACERS)
        ]
        directors = [
            _official(session, f'1383000002{n}', Role.COMMITTEE_DIRECTOR, community_id=topic.community_id)
            for n in range(RACERS)
        ]
        if prepared:
            operations.prepare_publication(staff[0], topic, '')
        session.commit()
        result = topic_id, [u.id for u in staff], [u.id for u in directors]
        _db.session.remove()
        return result


def _racing(app, call):
    def step(index: int) -> str:
        try:
            call(index)
            _db.session.commit()
        except Refusal as refusal:
            _db.session.rollback()
            return refusal.code
        return 'ok'

    return run_together(app, RACERS, step)


def test_two_approvals_at_once_prepare_one_publication(app, engine):  # noqa: F811
    topic_id, staff, _directors = _ready(app, prepared=False)
    outcomes_ = _racing(
        app,
        lambda i: operations.prepare_publication(_db.session.get(User, staff[i]), _db.session.get(Topic, topic_id), ''),
    )
    assert outcomes_.count('ok') == 1, outcomes_
    assert set(outcomes_) - {'ok'} <= {'conflict', 'prepared'}, outcomes_
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count(Publication.id)).where(Publication.topic_id == topic_id)) == 1


def test_two_sign_offs_at_once_publish_once(app, engine):  # noqa: F811
    topic_id, _staff, directors = _ready(app, prepared=True)
    outcomes_ = _racing(
        app,
        lambda i: operations.publish_result(_db.session.get(User, directors[i]), _db.session.get(Topic, topic_id)),
    )
    assert outcomes_.count('ok') == 1, outcomes_
    assert set(outcomes_) - {'ok'} <= {'conflict', 'wrong_state', 'not_prepared'}, outcomes_
    with Session(engine) as session:
        steps = session.scalars(
            sa.select(TopicEvent.action).where(TopicEvent.topic_id == topic_id, TopicEvent.action == 'publish')
        ).all()
        assert steps == ['publish']
        assert session.scalar(sa.select(Topic.status).where(Topic.id == topic_id)) == 'result_published'
        signed = session.scalars(sa.select(Publication.signed_off_by_id).where(Publication.topic_id == topic_id)).all()
        assert len(signed) == 1
        assert signed[0] in directors


def test_two_answers_at_once_answer_once(app, engine):  # noqa: F811
    topic_id, staff, directors = _ready(app, prepared=True)
    with app.app_context(), app.test_request_context():
        topic = _db.session.get(Topic, topic_id)
        operations.publish_result(_db.session.get(User, directors[0]), topic)
        resident = topic.originator
        objection = operations.file_objection(resident, topic, '分摊方案不公平，应重新协商。')
        _db.session.commit()
        objection_id = objection.id
        _db.session.remove()
    outcomes_ = _racing(
        app,
        lambda i: operations.answer_objection(
            _db.session.get(User, staff[i]), _db.session.get(Objection, objection_id), 'not_upheld', f'答复理由{i}号'
        ),
    )
    assert outcomes_.count('ok') == 1, outcomes_
    assert set(outcomes_) - {'ok'} <= {'conflict', 'answered'}, outcomes_
    with Session(engine) as session:
        answers = session.scalars(
            sa.select(TopicEvent.action).where(
                TopicEvent.topic_id == topic_id, TopicEvent.action == 'objection_answered'
            )
        ).all()
        assert answers == ['objection_answered']
