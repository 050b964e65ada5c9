"""Implementation tasks and results are open data (``/api/v1/implementation-tasks``, ``-results``)."""

from consult.implementation import operations


def test_tasks_and_the_implementation_result_are_listed(db, cast, implementing, make_task, client):
    task = make_task(implementing, title='加装电梯井道施工')
    db.session.commit()
    client.get('/account/logout')
    rows = client.get(f'/api/v1/implementation-tasks?topic={implementing.id}').get_json()['data']
    assert [(row['id'], row['title'], row['owner'], row['done_at']) for row in rows] == [
        (task.id, '加装电梯井道施工', 'committee', None)
    ]
    assert client.get(f'/api/v1/implementation-results?topic={implementing.id}').get_json()['data'] == []
    operations.mark_done(cast.staff, task)
    operations.finish(cast.director, implementing, 'completed', '电梯已安装并通过验收。')
    db.session.commit()
    rows = client.get(f'/api/v1/implementation-tasks?topic={implementing.id}').get_json()['data']
    assert rows[0]['done_at'] is not None
    results = client.get(f'/api/v1/implementation-results?topic={implementing.id}').get_json()['data']
    assert [(row['kind'], row['text']) for row in results] == [('completed', '电梯已安装并通过验收。')]
    assert '电梯已安装并通过验收' in client.get('/api/v1/implementation-results.csv').get_data(as_text=True)
