"""50 residents co-sign one topic at once on PostgreSQL: the stored counter says 50, the topic queues once.

Before the fix ``refresh_count`` counted before it took the row lock, and the last writer stored a count that
missed the co-signs committed while it waited (31 or 38 of 50 in the report).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.topics import operations
from consult.topics.models import CoSign
from consult.topics.models import SourceChannel
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.web import attempt
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together
from tests.topics.conftest import CONTENT

pytestmark = postgres_only
RACERS = 50


def _setup(app) -> tuple[int, list[int]]:
    """A submitted topic in community A and 50 verified residents who have not co-signed it."""
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix='cosignrace')
        session.commit()
        session.expire_all()
        homes = place.households(place.a)
        people = committed_residents(session, place.a, homes, RACERS + 1, '1688')
        submitter = session.get(User, people[0])
        topic = operations.create_draft(submitter, place.a, SourceChannel.ONLINE, CONTENT)
        operations.submit_topic(submitter, topic)
        session.commit()
        result = topic.id, people[1:]
        _db.session.remove()
        return result


def _cosign(topic_id, people):
    def step(index: int) -> str:
        user = _db.session.get(User, people[index])
        topic = _db.session.get(Topic, topic_id)
        _row, refusal = attempt(operations.cosign, user, topic)
        return 'signed' if refusal is None else refusal.code

    return step


def test_fifty_concurrent_cosigns_count_fifty(app, engine):  # noqa: F811
    topic_id, people = _setup(app)
    outcomes = run_together(app, RACERS, _cosign(topic_id, people))
    assert outcomes == ['signed'] * RACERS
    with Session(engine) as session:
        topic = session.get(Topic, topic_id)
        rows = session.scalar(sa.select(sa.func.count()).where(CoSign.topic_id == topic_id))
        assert rows == RACERS
        assert topic.cosign_count == RACERS
        # One co-sign meets the default threshold (1 in 100 adults): the topic entered the queue exactly once.
        assert topic.queued_at is not None
        queued = session.scalar(
            sa.select(sa.func.count()).where(TopicEvent.topic_id == topic_id, TopicEvent.action == 'queue')
        )
        assert queued == 1


def test_concurrent_withdrawals_and_cosigns_keep_the_count(app, engine):  # noqa: F811
    """Half withdraw while the other half co-sign (before the topic is queued): the counter matches the table."""
    topic_id, people = _setup(app)
    with app.app_context():
        # A threshold no one reaches here, so withdrawals stay allowed (it is the rule set in force today).
        from consult.kernel.clock import today
        from consult.rules.engine import Condition
        from consult.rules.engine import Threshold
        from consult.rules.queries import rules_in_force

        topic = _db.session.get(Topic, topic_id)
        rules = rules_in_force(topic.community, today())
        params = dict(rules.params)
        params['cosign'] = Threshold.any_of(Condition('signatures', '>=', 1000, 1, 'one')).to_list()
        rules.params = params
        _db.session.commit()
        _db.session.remove()
    first, second = people[:25], people[25:]
    run_together(app, 25, _cosign(topic_id, first))

    def step(index: int) -> str:
        topic = _db.session.get(Topic, topic_id)
        if index % 2:
            user = _db.session.get(User, first[index])
            _result, refusal = attempt(operations.withdraw_cosign, user, topic)
        else:
            user = _db.session.get(User, second[index])
            _result, refusal = attempt(operations.cosign, user, topic)
        return refusal.code if refusal is not None else 'done'

    assert run_together(app, 25, step) == ['done'] * 25
    with Session(engine) as session:
        active = session.scalar(
            sa.select(sa.func.count()).where(CoSign.topic_id == topic_id, CoSign.withdrawn_at.is_(None))
        )
        assert active == 25 - 12 + 13
        assert session.get(Topic, topic_id).cosign_count == active
