"""Fixtures for the use-of-results tests: topics of community A whose result is reported, implemented, fed back.

The publication context (its own branch) takes a topic from RESULT_PUBLISHED to IMPLEMENTING (``close_window``)
or REPORTED_TO_GOV (``report_to_gov``). Here the fixtures set that status directly on a topic that passed its
legality check, and write the timeline entry the report step would have written.
"""

from datetime import timedelta

import pytest

from consult.kernel.clock import today as city_today
from consult.kernel.clock import utcnow
from consult.rules.queries import rules_in_force
from consult.topics.models import TopicEvent
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401

#: When the fixtures' result was reported to the entrusting department.
REPORTED_DAYS_AGO = 10


def set_status(db, topic, status: str, at=None) -> None:
    """Put ``topic`` in ``status`` directly (the publication branch's steps are not on this one)."""
    source = topic.status
    topic.status = status
    rules = rules_in_force(topic.community, city_today())
    db.session.add(
        TopicEvent(
            topic_id=topic.id,
            actor_role='system',
            action='report_to_gov' if status == 'reported_to_gov' else 'close_window',
            from_status=str(source),
            to_status=status,
            rule_set_id=rules.id,
            at=at or utcnow(),
        )
    )
    db.session.commit()


@pytest.fixture
def implementing(db, make_topic):  # noqa: F811
    topic = make_topic('legality_reviewed', title='加装电梯实施')
    set_status(db, topic, 'implementing')
    return topic


@pytest.fixture
def reported(db, cast, make_topic):  # noqa: F811
    """A topic the department of ``cast`` entrusted, reported to it ``REPORTED_DAYS_AGO`` days ago."""
    topic = make_topic('legality_reviewed', title='部门委托的议题')
    topic.entrusting_department_id = cast.place.department.id
    set_status(db, topic, 'reported_to_gov', at=utcnow() - timedelta(days=REPORTED_DAYS_AGO))
    return topic


@pytest.fixture
def make_task(db, cast):  # noqa: F811
    from consult.implementation import operations

    def make(topic, owner='committee', days=30, actor=None, **kwargs):
        task = operations.add_task(
            actor or cast.staff,
            topic,
            kwargs.pop('title', '安装电梯'),
            owner,
            city_today() + timedelta(days=days),
            **kwargs,
        )
        db.session.commit()
        return task

    return make


@pytest.fixture
def fed_back(db, cast, implementing, make_task):  # noqa: F811
    """An implemented topic signed off by the director: its result published, ratings open."""
    from consult.implementation import operations

    task = make_task(implementing)
    operations.mark_done(cast.staff, task)
    operations.finish(cast.director, implementing, 'completed', '电梯已安装并通过验收。')
    db.session.commit()
    return implementing
