"""The demo shows the use of results: a topic implementing with two tasks (one overdue), one fed back with ratings."""

import sqlalchemy as sa

from consult.demo import load_demo
from consult.implementation.public import public_implementation
from consult.kernel.clock import utcnow
from consult.topics.models import Topic


def test_demo_has_a_result_implementing_and_one_rated(db):
    load_demo('demo-password-1')
    doing = db.session.scalar(sa.select(Topic).where(Topic.status == 'implementing'))
    section = public_implementation(doing, utcnow())
    assert len(section.tasks) == 2
    assert section.overdue_count == 1
    done = db.session.scalar(sa.select(Topic).where(Topic.status == 'feedback_given'))
    section = public_implementation(done, utcnow())
    assert section.feedback.kind == 'completed'
    assert section.ratings.count == 4
