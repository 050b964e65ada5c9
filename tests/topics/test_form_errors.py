"""The topic form shows each field's errors, the checkbox and radio groups' too."""

import pytest
import sqlalchemy as sa

from consult.topics.models import Topic


@pytest.mark.parametrize(
    ('field', 'value', 'message'),
    [
        ('categories', 'no_such_category', 'Not a valid choice'),
        ('area_kind', 'galaxy', 'Not a valid choice'),
        ('grid_ids', '999999', 'is not a valid choice'),
        ('building_ids', '999999', 'is not a valid choice'),
    ],
)
def test_a_topic_with_an_unknown_choice_shows_the_field_error(client, db, auth, cast, csrf, field, value, message):
    auth.login(cast.staff)
    data = {
        'csrf_token': csrf(),
        'community_id': cast.place.a.id,
        'channel': 'counter',
        'originator': cast.resident.mobile,
        'title': '加装电梯',
        'body': '需要电梯',
        'categories': 'public_affairs',
        'area_kind': 'community',
        'declared_not_excluded': 'y',
        field: value,
    }
    response = client.post('/topics/new', data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message.lower() in page.lower()
    assert db.session.scalar(sa.select(sa.func.count(Topic.id))) == 0


def test_the_confirmation_step_shows_an_unknown_category_and_form(client, db, auth, cast, csrf, make_topic):
    topic = make_topic('screening')
    auth.login(cast.party)
    response = client.post(
        f'/topics/{topic.id}/step/confirm',
        data={
            'csrf_token': csrf(),
            'categories': 'no_such_category',
            'participant_scope': '3号楼住户',
            'consultation_form': 'telepathy',
            'form_reason': '理由',
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="categories-error"' in page
    assert 'id="consultation_form-error"' in page
    db.session.refresh(topic)
    assert topic.status == 'screening'
