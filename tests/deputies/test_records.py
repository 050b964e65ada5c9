"""What deputies contribute to the public record: the transparency log's record kinds (canonical dicts of fields
fixed at the event, read with one statement) and the archive bundle's item."""

from consult.deputies import operations
from consult.deputies.public import _iso
from consult.deputies.public import bundle_item
from consult.kernel.events import DeputyNoteFiled
from consult.kernel.events import SuggestionMoved
from consult.kernel.events import SuggestionSent
from consult.kernel.signals import archive_items
from consult.kernel.signals import contributions
from consult.kernel.signals import public_records

from .conftest import NOTE


def _kinds() -> dict:
    kinds = {}
    for value in contributions(public_records, None):
        for kind in value if isinstance(value, list) else [value]:
            kinds[kind.name] = kind
    return kinds


def test_the_four_record_kinds_are_contributed_for_their_events():
    kinds = _kinds()
    assert {name: kinds[name].event for name in ('deputy_note', 'deputy_suggestion', 'deputy_reply')} == {
        'deputy_note': DeputyNoteFiled,
        'deputy_suggestion': SuggestionSent,
        'deputy_reply': SuggestionMoved,
    }
    assert kinds['deputy_assessment'].event is SuggestionMoved


def test_each_step_makes_only_its_own_record(db, cast, send):
    kinds = _kinds()
    suggestion = send()
    reply, assess = kinds['deputy_reply'], kinds['deputy_assessment']

    def moved(action):
        return SuggestionMoved(
            machine='suggestion', subject_id=suggestion.id, action=action, source='sent', target='sent', actor_id=None
        )

    assert (reply.record_id(moved('reply')), assess.record_id(moved('reply'))) == (suggestion.id, None)
    assert (reply.record_id(moved('assess')), assess.record_id(moved('assess'))) == (None, suggestion.id)
    assert reply.record_id(moved('overdue')) is None
    assert assess.record_id(moved('overdue')) is None
    assert reply.topic_id(moved('reply')) is None  # a suggestion not linked to a topic


def test_the_loaders_return_canonical_dicts_with_one_statement_each(db, cast, announced, send, count_queries):
    kinds = _kinds()
    notes = [operations.file_note(cast.deputy, announced, f'{NOTE}{i}') for i in range(3)]
    suggestions = [send(topic=announced), send(complex_=True)]
    operations.reply(cast.department, suggestions[0], '答复')
    db.session.commit()
    operations.assess(cast.deputy, suggestions[0], 'satisfied', '满意')
    db.session.commit()
    s = suggestions[0]
    note_ids, suggestion_ids = [n.id for n in notes], [x.id for x in suggestions]
    expected_note = {
        'id': notes[0].id,
        'topic_id': announced.id,
        'meeting_id': None,
        'deputy_id': cast.deputy.id,
        'body': f'{NOTE}0',
        'created_at': _iso(notes[0].created_at),
    }
    expected_suggestion = {
        'id': s.id,
        'deputy_id': cast.deputy.id,
        'community_id': cast.place.a.id,
        'department_id': cast.place.department.id,
        'title': s.title,
        'body': s.body,
        'complex': False,
        'sent_at': _iso(s.sent_at),
        'due_at': _iso(s.due_at),
    }
    expected_reply = {'id': s.id, 'reply': '答复', 'replied_at': _iso(s.replied_at), 'late': False}
    expected_assessment = {'id': s.id, 'assessment': 'satisfied', 'comment': '满意', 'assessed_at': _iso(s.assessed_at)}
    db.session.expunge_all()
    for name, ids, key, expected, size in (
        ('deputy_note', [*note_ids, 999999], note_ids[0], expected_note, 3),
        ('deputy_suggestion', suggestion_ids, s.id, expected_suggestion, 2),
        ('deputy_reply', suggestion_ids, s.id, expected_reply, 1),  # the other one has no reply yet
        ('deputy_assessment', suggestion_ids, s.id, expected_assessment, 1),
    ):
        with count_queries() as counter:
            loaded = kinds[name].load(ids)
        assert counter.count == 1, name
        assert len(loaded) == size, name
        assert loaded[key] == expected, name
    assert 'replied_by_id' not in expected_reply  # who replied for the body is not public
    assert expected_note['created_at'].endswith('+00:00')
    assert '.' not in expected_note['created_at']


def test_the_archive_bundle_lists_the_notes_as_an_optional_item(db, cast, announced):
    item = bundle_item(announced)
    assert (item.key, item.present, item.required, item.url) == ('deputy_notes', False, False, None)
    operations.file_note(cast.deputy, announced, NOTE)
    items = [i for i in contributions(archive_items, announced) if getattr(i, 'key', None) == 'deputy_notes']
    assert len(items) == 1
    assert items[0].present
    assert not items[0].required
    assert items[0].url.endswith(f'/results/{announced.id}#deputy_notes')
