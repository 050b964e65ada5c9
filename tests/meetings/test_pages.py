"""Meeting pages through HTTP: schedule, detail, roster, QR sign-in, minutes, close, record."""

import re
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.meetings import checkin
from consult.meetings.models import Attendance
from consult.meetings.models import Meeting
from consult.meetings.models import Participant


def test_schedule_through_the_form_in_beijing_time(client, auth, csrf, db, cast, announced):
    auth.login(cast.staff)
    page = client.get(f'/meetings/new/{announced.id}')
    assert page.status_code == 200
    assert '电梯' in page.get_data(as_text=True)
    local = (datetime.now(ZoneInfo('Asia/Shanghai')) + timedelta(days=12)).replace(second=0, microsecond=0)
    response = client.post(
        f'/meetings/new/{announced.id}',
        data={
            'csrf_token': csrf(),
            'title': '议事会',
            'kind': 'residents_meeting',
            'form': 'hybrid',
            'starts_at': local.strftime('%Y-%m-%dT%H:%M'),
            'place': '社区活动室',
            'chair_id': cast.director.id,
            'secretary_id': cast.staff.id,
            'agenda': '介绍 | 10\n讨论 | 40',
        },
    )
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.starts_at == local.astimezone(ZoneInfo('UTC'))
    detail = client.get(response.headers['Location']).get_data(as_text=True)
    assert '讨论' in detail
    assert 'Send the notice' in detail


def test_a_bad_agenda_is_shown_on_the_form_and_nothing_is_saved(client, auth, csrf, db, cast, announced):
    auth.login(cast.staff)
    response = client.post(
        f'/meetings/new/{announced.id}',
        data={
            'csrf_token': csrf(),
            'title': '议事会',
            'kind': 'residents_meeting',
            'form': 'online',
            'starts_at': (utcnow() + timedelta(days=30)).strftime('%Y-%m-%dT%H:%M'),
            'chair_id': cast.director.id,
            'secretary_id': cast.staff.id,
            'agenda': '讨论 | 很久',
        },
    )
    assert response.status_code == 200
    assert 'time box must be a number' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_topic_page_lists_its_meetings(client, db, cast, make_meeting):
    meeting = make_meeting()
    page = client.get(f'/topics/{meeting.topic_id}').get_data(as_text=True)
    assert f'/meetings/{meeting.id}' in page


def test_qr_sign_in_through_the_pages(client, auth, csrf, db, cast, open_meeting):
    auth.login(cast.staff)
    svg = client.get(f'/meetings/{open_meeting.id}/checkin-code.svg')
    assert svg.status_code == 200
    assert svg.mimetype == 'image/svg+xml'
    assert svg.headers['Cache-Control'] == 'no-store'
    code = checkin.code_for(open_meeting)
    auth.logout()
    auth.login(cast.resident)
    page = client.get(f'/meetings/{open_meeting.id}/checkin?code={code}')
    assert page.status_code == 200
    response = client.post(f'/meetings/{open_meeting.id}/checkin', data={'csrf_token': csrf(), 'code': code})
    assert response.status_code == 302, re.findall(
        r'class="(?:flash|error)[^"]*">([^<]*)', response.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(Attendance.method).where(Attendance.user_id == cast.resident.id)) == 'qr'
    response = client.post(f'/meetings/{open_meeting.id}/checkin', data={'csrf_token': csrf(), 'code': 'f' * 16})
    assert response.status_code == 200
    assert 'expired or is wrong' in response.get_data(as_text=True)


def test_roster_page_is_paginated_with_a_fixed_number_of_queries(
    client, auth, db, cast, make_meeting, make_resident, count_queries
):
    meeting = make_meeting(ready=False)
    auth.login(cast.staff)
    client.get(f'/meetings/{meeting.id}/roster')
    with count_queries() as few:
        client.get(f'/meetings/{meeting.id}/roster')
    homes = cast.place.households(cast.place.a)
    for n in range(12):
        make_resident(homes[10 + n % 5])
    from consult.meetings import roster

    roster.build_from_criteria(cast.staff, meeting, 'adults', False)
    db.session.commit()
    client.get(f'/meetings/{meeting.id}/roster')
    with count_queries() as many:
        page = client.get(f'/meetings/{meeting.id}/roster').get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) > 12
    assert many.count == few.count, '\n'.join(many.statements[few.count - 2 :])
    assert 'Mark present' in page


def test_minutes_by_fetch_and_close_through_the_form(client, auth, csrf, db, cast, open_meeting):
    auth.login(cast.staff)
    response = client.post(
        f'/meetings/{open_meeting.id}/minutes',
        data={'csrf_token': csrf(), 'minutes': '记录', 'rev': 0},
        headers={'Accept': 'application/json'},
    )
    assert response.json == {'ok': True, 'rev': 1}
    stale = client.post(
        f'/meetings/{open_meeting.id}/minutes',
        data={'csrf_token': csrf(), 'minutes': '旧', 'rev': 0},
        headers={'Accept': 'application/json'},
    )
    assert stale.status_code == 409
    assert stale.json['code'] == 'conflict'
    no_token = client.post(
        f'/meetings/{open_meeting.id}/minutes', data={'minutes': 'x', 'rev': 1}, headers={'Accept': 'application/json'}
    )
    assert no_token.status_code == 400
    for person in (cast.resident, cast.neighbour, cast.neighbour2):
        checkin.mark_present(cast.staff, open_meeting, person)
    db.session.commit()
    auth.logout()
    auth.login(cast.director)
    response = client.post(
        f'/meetings/{open_meeting.id}/close',
        data={'csrf_token': csrf(), 'outcome': 'consensus', 'conclusion': '同意方案二'},
    )
    assert response.status_code == 302
    page = client.get(f'/meetings/{open_meeting.id}').get_data(as_text=True)
    assert '同意方案二' in page
    record = client.get(f'/meetings/{open_meeting.id}/record').get_data(as_text=True)
    assert re.search(r'Sign-in sheet.*\(3\)', record)


def test_detail_page_in_chinese_by_default(client, db, cast, make_meeting):
    meeting = make_meeting()
    page = client.get(f'/meetings/{meeting.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
    assert '议程' in page


def test_opening_too_early_shows_the_rule(client, auth, csrf, db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    auth.login(cast.director)
    response = client.post(f'/meetings/{meeting.id}/open', data={'csrf_token': csrf()}, follow_redirects=True)
    assert 'notice has not been sent' in response.get_data(as_text=True)
    assert 'art 21' in response.get_data(as_text=True)
    assert meeting.status == 'scheduled'
    assert utcnow()


def test_my_meetings_lists_roster_meetings_in_session_first_with_fixed_queries(
    client, auth, db, cast, make_meeting, count_queries
):
    from consult.meetings import operations as ops

    later = make_meeting(title='下次会议')
    now_on = make_meeting(title='正在开会')
    ops.open_meeting(cast.director, now_on)
    db.session.commit()
    auth.login(cast.resident)
    client.get('/meetings/mine')
    db.session.expire_all()
    with count_queries() as two:
        page = client.get('/meetings/mine').get_data(as_text=True)
    assert page.index('正在开会') < page.index('下次会议')
    for n in range(5):
        make_meeting(title=f'会议{n}')
    db.session.expire_all()
    with count_queries() as seven:
        client.get('/meetings/mine')
    assert seven.count == two.count
    auth.logout()
    auth.login(cast.outsider)
    assert '下次会议' not in client.get('/meetings/mine').get_data(as_text=True)
    assert later.id


def test_the_topic_page_offers_session_steps_only_through_meetings(client, auth, db, cast, open_meeting):
    auth.login(cast.staff)
    page = client.get(f'/topics/{open_meeting.topic_id}').get_data(as_text=True)
    for action in ('open_session', 'form_opinion', 'defer', 'reschedule'):
        assert f'/step/{action}' not in page
    assert client.get(f'/topics/{open_meeting.topic_id}/step/form_opinion').status_code in (403, 404)


def test_the_room_says_the_quorum_in_the_meeting_pages_sentence(client, auth, db, cast, open_meeting):
    """One wording (meetings/_quorum.html): the meeting page fills it in, the live room's script fills it live."""
    auth.login(cast.resident)
    zh = {'Accept-Language': 'zh-CN'}
    detail = client.get(f'/meetings/{open_meeting.id}', headers=zh).get_data(as_text=True)
    assert re.search(r'\d+ 名有表决权成员中 \d+ 人到会；法定人数 \d+ 人。', detail)
    room = client.get(f'/meetings/{open_meeting.id}/room', headers=zh).get_data(as_text=True)
    assert 'data-t-quorum="{members} 名有表决权成员中 {present} 人到会；法定人数 {required} 人。"' in room
    assert 'data-zone="Asia/Shanghai"' in room  # messages show their time in the city's zone
