"""Each way in refuses what the database cannot store, with the right answer and a translated message."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.comments import operations as comments
from consult.comments.models import Comment
from consult.inputs import MAX_INT
from consult.inputs import parse_int
from consult.kernel.clock import utcnow
from consult.meetings.models import Meeting
from consult.topics.models import Topic
from tests.meetings.conftest import events
from tests.topics.conftest import end_publicity


@pytest.mark.parametrize(
    'path', ['/topics/2147483648', '/meetings/9223372036854775808', '/topics/0', f'/topics/{"9" * 25}/edit']
)
def test_an_id_beyond_the_database_range_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_the_largest_id_is_still_a_route(client, db):
    assert client.get(f'/topics/{MAX_INT}').status_code == 404  # matched, then not found in the database
    assert client.get(f'/topics/{MAX_INT + 1}').status_code == 404


@pytest.mark.parametrize('path', ['/topics/?q=%00', '/topics/feed.atom?q=a%00b', '/rules/%00', '/topics/?%00=1'])
def test_a_nul_character_is_a_bad_request_with_the_translated_page(client, db, path):
    response = client.get(path, headers={'Accept-Language': 'zh-CN'})
    assert response.status_code == 400
    assert '无法处理该请求。' in response.get_data(as_text=True)


def test_a_nul_character_in_a_form_is_a_bad_request(client, db, auth, cast, csrf):
    auth.login(cast.staff)
    response = client.post(
        '/topics/new',
        data={'csrf_token': csrf(), 'title': '标题', 'body': 'a\x00b', 'community_id': cast.place.a.id},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Topic.id))) == 0


@pytest.mark.parametrize('page', ['9' * 25, str(2**31), '-3', 'x'])
def test_a_page_number_out_of_range_falls_back_to_the_first_page(client, db, page):
    assert client.get(f'/topics/?page={page}&per_page={page}').status_code == 200


def test_parse_int_bounds():
    assert parse_int('42') == 42
    assert parse_int(' 7 ', 1, 10) == 7
    assert parse_int(str(2**31)) is None
    assert parse_int('9' * 25) is None
    assert parse_int('0', 1) is None
    assert parse_int('1e3') is None
    assert parse_int('١٢') is None  # Arabic-Indic digits: int() takes them, an id never has them
    assert parse_int(True) is None


def test_a_reply_to_a_comment_id_beyond_the_range_is_refused(client, db, auth, cast, csrf, make_topic):
    topic = make_topic('announced')
    end_publicity(topic)
    comments.open_period(cast.staff, topic, 14)
    db.session.commit()
    auth.login(cast.resident)
    response = client.post(
        f'/comments/topic/{topic.id}/post',
        data={'csrf_token': csrf(), 'body': '回复', 'parent_id': '9' * 25},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_a_minutes_revision_beyond_the_range_is_a_form_error(client, db, auth, cast, csrf, open_meeting):
    auth.login(cast.staff)
    response = client.post(
        f'/meetings/{open_meeting.id}/minutes',
        data={'csrf_token': csrf(), 'minutes': '纪要', 'rev': str(2**31)},
        headers={'Accept': 'application/json'},
    )
    assert response.status_code == 400
    assert response.get_json()['ok'] is False


def _schedule(client, csrf, cast, announced, starts_at):
    return client.post(
        f'/meetings/new/{announced.id}',
        data={
            'csrf_token': csrf(),
            'title': '议事会',
            'kind': 'residents_meeting',
            'form': 'online',
            'starts_at': starts_at,
            'chair_id': cast.director.id,
            'secretary_id': cast.staff.id,
            'agenda': '讨论 | 30',
        },
    )


@pytest.mark.parametrize('starts_at', ['0001-01-01T00:00', '9999-12-31T23:59', '2000-01-01T10:00'])
def test_a_meeting_outside_the_scheduling_window_is_refused_with_a_message(
    client, db, auth, cast, csrf, announced, starts_at
):
    auth.login(cast.staff)
    response = _schedule(client, csrf, cast, announced, starts_at)
    assert response.status_code == 200
    assert 'A meeting starts between yesterday and two years from now.' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_the_operation_refuses_a_meeting_years_ahead(db, cast, announced):
    from consult.kernel.refusals import Refusal
    from consult.meetings import operations as ops
    from tests.meetings.conftest import schedule_data

    with pytest.raises(Refusal) as refused:
        ops.schedule(cast.staff, announced, schedule_data(cast, starts_at=utcnow() + timedelta(days=800)))
    assert refused.value.code == 'bad_time'


@pytest.mark.parametrize('birth_date', ['0001-01-01', '9999-12-31', '1899-12-31'])
def test_a_birth_date_out_of_range_is_a_field_error(client, db, csrf, birth_date):
    response = client.post(
        '/account/register',
        data={
            'csrf_token': csrf('/account/register'),
            'identifier': '13912345678',
            'display_name': '新居民',
            'real_name': '张三',
            'birth_date': birth_date,
            'password': 'correct-horse-9',
            'confirm': 'correct-horse-9',
        },
    )
    assert response.status_code == 200
    assert 'Enter a date between 1900 and today.' in response.get_data(as_text=True)


def test_socket_integers_beyond_the_range_are_malformed(db, sockets, cast, open_meeting):
    sio = sockets(cast.resident)
    ack = sio.emit('meeting:join', {'meeting': open_meeting.id, 'last_seq': 2**63}, callback=True)
    assert ack['code'] == 'bad_payload'
    ack = sio.emit('meeting:join', {'meeting': 10**24}, callback=True)
    assert ack['code'] == 'bad_payload'
    sio.get_received()
    sio.emit('join_topic', {'topic_id': 2**31})
    assert [e['code'] for e in events(sio, 'error')] == ['not_found']


@pytest.mark.parametrize('body', ['\ud800', 'a\x00b'])
def test_a_chat_message_with_unstorable_text_is_refused_with_a_clear_error(db, sockets, cast, open_meeting, body):
    sio = sockets(cast.resident)
    assert sio.emit('meeting:join', {'meeting': open_meeting.id}, callback=True)['ok']
    sio.get_received()
    ack = sio.emit('meeting:say', {'meeting': open_meeting.id, 'body': body, 'client_id': 'c-1'}, callback=True)
    assert ack['ok'] is False
    assert ack['code'] == 'bad_text'
    errors = events(sio, 'error')
    assert [e['code'] for e in errors] == ['bad_text']
    assert '无法保存的字符' in errors[0]['message']  # the socket's language: the handshake's (none: zh_Hans)
    assert sio.emit('meeting:say', {'meeting': open_meeting.id, 'body': '好', 'client_id': 'c-2'}, callback=True)['ok']
