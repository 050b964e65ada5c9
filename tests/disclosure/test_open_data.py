"""Objections and their answers are open data (``/api/v1/objections``): what the result page shows, never who
objected."""

from consult.disclosure import operations

REASONS = '分摊方案对低楼层住户不公平，请重新协商。'


def test_an_objection_and_its_answer_are_listed_without_who_objected(db, cast, published, client):
    objection = operations.file_objection(cast.neighbour, published, REASONS)
    operations.answer_objection(cast.staff, objection, 'not_upheld', '分摊比例已按楼层调整，维持原结果。')
    db.session.commit()
    client.get('/account/logout')
    body = client.get(f'/api/v1/objections?topic={published.id}').get_json()
    assert [(row['id'], row['reasons'], row['answer']) for row in body['data']] == [
        (objection.id, REASONS, 'not_upheld')
    ]
    assert set(body['data'][0]) == {
        'id',
        'topic_id',
        'filed_at',
        'reasons',
        'answer_due_at',
        'answer',
        'answer_reasons',
        'answered_at',
    }
    exported = client.get(f'/api/v1/objections.csv?topic={published.id}').get_data(as_text=True)
    assert REASONS in exported
    for text in (client.get('/api/v1/objections').get_data(as_text=True), exported):
        assert cast.neighbour.display_name not in text
        assert cast.neighbour.mobile not in text
