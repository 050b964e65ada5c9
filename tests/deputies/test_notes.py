"""Observation notes (rule 38): who files them on which topics, what is refused, and that they are published."""

import pytest
import sqlalchemy as sa

from consult.deputies import operations
from consult.deputies.models import NOTE_MAX
from consult.deputies.models import DeputyNote
from consult.deputies.public import notes_section
from consult.kernel.events import DeputyNoteFiled
from consult.kernel.events import subscribe
from consult.kernel.events import unsubscribe
from consult.kernel.refusals import Refusal
from consult.roles.models import Role

from .conftest import NOTE


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(DeputyNote.id)))


def test_a_deputy_files_a_note_and_the_event_is_published(db, cast, announced):
    seen = []
    subscribe(DeputyNoteFiled, seen.append)
    try:
        note = operations.file_note(cast.deputy, announced, f'  {NOTE}\x00 ')
        db.session.commit()
    finally:
        unsubscribe(DeputyNoteFiled, seen.append)
    assert note.body == NOTE
    assert seen == [DeputyNoteFiled(note_id=note.id, topic_id=announced.id, deputy_id=cast.deputy.id)]


@pytest.mark.parametrize('body', ['', '   ', '\x00\x00', 'x' * (NOTE_MAX + 1), None, 42])
def test_an_empty_or_oversized_note_is_refused_and_nothing_saved(db, cast, announced, body):
    with pytest.raises(Refusal) as refused:
        operations.file_note(cast.deputy, announced, body)
    assert refused.value.code in ('text_required', 'text_too_long')
    assert refused.value.rule is not None
    db.session.rollback()
    assert _count(db) == 0


@pytest.mark.parametrize('who', ['resident', 'staff', 'director', 'representative', 'department', 'stranger'])
def test_only_a_deputy_of_the_community_files_notes(db, cast, announced, who):
    with pytest.raises(Refusal) as refused:
        operations.file_note(getattr(cast, who), announced, NOTE)
    assert refused.value.code == 'forbidden'


def test_a_deputy_of_another_community_is_refused(db, cast, announced, make_user, grant):
    other = make_user()
    grant(other, Role.NPC_DEPUTY, community=cast.place.b)
    with pytest.raises(Refusal):
        operations.file_note(other, announced, NOTE)


@pytest.mark.parametrize('state', ['draft', 'submitted', 'screening', 'rejected', 'withdrawn'])
def test_no_notes_before_the_announcement_or_after_a_refusal(db, cast, make_topic, state):
    topic = make_topic(state)
    with pytest.raises(Refusal) as refused:
        operations.file_note(cast.deputy, topic, NOTE)
    assert refused.value.code == 'forbidden'


def test_a_note_names_the_meeting_of_its_own_topic_only(db, cast, announced, make_meeting, make_topic):
    meeting = make_meeting()
    other = make_topic('in_consultation')
    with pytest.raises(Refusal) as refused:
        operations.file_note(cast.deputy, other, NOTE, meeting)
    assert refused.value.code == 'bad_meeting'
    note = operations.file_note(cast.deputy, announced, NOTE, meeting)
    assert note.meeting_id == meeting.id


def test_the_notes_are_published_with_the_record(db, client, cast, published):
    operations.file_note(cast.deputy, published, NOTE)
    db.session.commit()
    page = client.get(f'/results/{published.id}')
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="deputy_notes"' in html
    assert NOTE in html
    assert cast.deputy.display_name in html
    assert cast.deputy.mobile not in html


def test_a_record_without_notes_has_no_notes_section(db, client, published):
    html = client.get(f'/results/{published.id}').get_data(as_text=True)
    assert 'id="deputy_notes"' not in html


def test_the_notes_section_reads_one_statement_whatever_the_number_of_notes(db, cast, announced, count_queries):
    topic_id = announced.id
    operations.file_note(cast.deputy, announced, NOTE)
    db.session.commit()
    with count_queries() as one:
        assert len(notes_section(topic_id).rows) == 1
    for i in range(15):
        operations.file_note(cast.deputy, announced, f'{NOTE} {i}')
    db.session.commit()
    with count_queries() as many:
        section = notes_section(topic_id)
    assert len(section.rows) == 16
    assert one.count == many.count == 1, (one.statements, many.statements)
    assert section.rows[0]['body'] == NOTE  # oldest first
