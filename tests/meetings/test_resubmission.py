"""Scheduling a meeting or adding a document, posted twice, creates once (issue 11, item 10)."""

from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from consult.meetings.models import JoinRequest
from consult.meetings.models import Material
from consult.meetings.models import Meeting
from consult.meetings.models import Participant
from tests.support import submission_token

ALREADY = 'This form was already submitted'


def test_the_schedule_form_posted_twice_schedules_one_meeting(client, auth, csrf, db, cast, announced):
    auth.login(cast.staff)
    url = f'/meetings/new/{announced.id}'
    token = submission_token(client.get(url).get_data(as_text=True))
    local = (datetime.now(ZoneInfo('Asia/Shanghai')) + timedelta(days=12)).replace(second=0, microsecond=0)
    data = {
        'csrf_token': csrf(),
        'submission_token': token,
        'title': '议事会',
        'kind': 'residents_meeting',
        'form': 'hybrid',
        'starts_at': local.strftime('%Y-%m-%dT%H:%M'),
        'place': '社区活动室',
        'chair_id': cast.director.id,
        'secretary_id': cast.staff.id,
        'agenda': '介绍 | 10\n讨论 | 40',
    }
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    (meeting,) = db.session.scalars(sa.select(Meeting)).all()
    assert first.headers['Location'] == second.headers['Location'] == f'/meetings/{meeting.id}'
    assert ALREADY in client.get(second.headers['Location']).get_data(as_text=True)


def test_a_document_posted_twice_is_added_once(client, auth, csrf, db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    auth.login(cast.staff)
    token = submission_token(client.get(f'/meetings/{meeting.id}').get_data(as_text=True), 'material-submission_token')
    data = {
        'csrf_token': csrf(),
        'material-submission_token': token,
        'material-title': '方案二',
        'material-body': '内容',
    }
    for _ in range(2):
        response = client.post(f'/meetings/{meeting.id}/materials', data=data)
        assert response.headers['Location'] == f'/meetings/{meeting.id}'
    titles = db.session.scalars(sa.select(Material.title).where(Material.meeting_id == meeting.id)).all()
    assert titles == ['方案二']
    assert ALREADY in client.get(f'/meetings/{meeting.id}').get_data(as_text=True)


def test_a_person_added_twice_is_added_once_without_an_error(client, auth, csrf, db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    auth.login(cast.staff)
    page = client.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    data = {
        'csrf_token': csrf(),
        'add-submission_token': submission_token(page, 'add-submission_token'),
        'add-contact': cast.outsider.mobile,
        'add-kind': 'observer',
    }
    before = db.session.scalar(sa.select(sa.func.count()).where(Participant.meeting_id == meeting.id))
    for _ in range(2):
        response = client.post(f'/meetings/{meeting.id}/roster/add', data=data)
        assert response.headers['Location'].startswith(f'/meetings/{meeting.id}')
    after = db.session.scalar(sa.select(sa.func.count()).where(Participant.meeting_id == meeting.id))
    assert after == before + 1
    text = client.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert ALREADY in text
    assert 'already on the roster' not in text


def test_a_request_to_join_posted_twice_is_one_request(client, auth, csrf, db, cast, make_meeting, make_resident):
    meeting = make_meeting(ready=False)
    newcomer = make_resident(cast.place.households(cast.place.a)[5])
    auth.login(newcomer)
    page = client.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    data = {
        'csrf_token': csrf(),
        'join-submission_token': submission_token(page, 'join-submission_token'),
        'join-reason': '住在隔壁',
    }
    for _ in range(2):
        assert client.post(f'/meetings/{meeting.id}/join', data=data).status_code == 302
    requests = db.session.scalars(sa.select(JoinRequest).where(JoinRequest.meeting_id == meeting.id)).all()
    assert [r.user_id for r in requests] == [newcomer.id]
    assert ALREADY in client.get(f'/meetings/{meeting.id}').get_data(as_text=True)
