import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.audit.operations import record


def test_subject_must_be_a_user(db, place, make_user):
    """The subject column is a foreign key to users: any other object's id would name the wrong person."""
    with pytest.raises(TypeError):
        record(make_user(), 'test.action', community=place.a, subject=place.a)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == 'test.action')) == 0


def test_other_ids_go_in_details(db, place, make_user):
    actor = make_user()
    entry = record(actor, 'test.action', community=place.a, topic_id=42)
    assert entry.details == {'topic_id': 42}
    assert entry.subject_id is None
