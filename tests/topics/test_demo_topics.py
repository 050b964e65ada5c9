import sqlalchemy as sa

from consult.demo import load_demo
from consult.topics.models import Topic


def test_demo_has_topics_in_donghu_at_four_stages(db):
    load_demo('demo-password-1')
    rows = db.session.execute(sa.select(Topic.title, Topic.status, Topic.queued_at.is_not(None))).all()
    assert sorted((status, queued) for _title, status, queued in rows) == [
        ('announced', True),
        ('screening', True),
        ('submitted', False),
        ('submitted', True),
    ]
