from consult.disclosure.public import public_record


def test_publish(published, client):
    assert published.status == 'result_published'
    record = public_record(published.id)
    assert record.publication.adopted
    response = client.get(f'/results/{published.id}')
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
