"""The demo has an archived topic whose bundle is complete, and its record's ZIP."""

import sqlalchemy as sa

from consult.archive.checklist import checklist
from consult.archive.export import bundle_files
from consult.demo import load_demo
from consult.topics.models import Topic


def test_demo_has_an_archived_topic_with_a_complete_bundle(db):
    load_demo('demo-password-1')
    topic = db.session.scalar(sa.select(Topic).where(Topic.status == 'archived'))
    lines = checklist(topic)
    assert lines.complete
    assert not [line for line in lines.lines if line.waiver is not None]
    assert 'record.json' in bundle_files(topic.id)
