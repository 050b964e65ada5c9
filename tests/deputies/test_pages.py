"""The deputies' pages: the dashboard (charts drawn from tables, fixed statements), observing a meeting, the note
form, the public suggestions and work record (page, print, CSV)."""

import csv
import io

import pytest
import sqlalchemy as sa

from consult.deputies import operations
from consult.deputies.models import DeputyNote
from consult.deputies.models import DeputyObservation
from consult.deputies.models import DeputySuggestion
from tests.conftest import csrf_token

from .conftest import NOTE


def test_the_dashboard_shows_each_chart_with_its_table(db, client, auth, cast, open_meeting, send):
    send()
    auth.login(cast.deputy)
    page = client.get('/deputies/')
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for chart in ('chart-stages', 'chart-implementation'):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html
    assert html.count('role="img"') >= 2
    assert html.count('<table class="table') >= 4
    assert open_meeting.title in html
    assert f'/deputies/meetings/{open_meeting.id}/observe' in html
    assert '<script' not in html.split('<main', 1)[1].split('</main>', 1)[0]


@pytest.mark.parametrize('who', ['resident', 'staff', 'director', 'department', 'representative'])
def test_the_dashboard_is_the_deputies_own(db, client, auth, cast, who):
    auth.login(getattr(cast, who))
    assert client.get('/deputies/').status_code == 403


def test_the_dashboard_reads_a_fixed_number_of_statements(db, client, auth, cast, make_topic, count_queries, send):
    auth.login(cast.deputy)
    client.get('/deputies/')
    with count_queries() as few:
        assert client.get('/deputies/').status_code == 200
    for state in ('announced', 'in_consultation', 'submitted', 'announced', 'screening'):
        make_topic(state)
    send()
    send(committee=True)
    with count_queries() as many:
        assert client.get('/deputies/').status_code == 200
    assert few.count == many.count


def test_observing_records_the_visit_once_and_opens_the_room(db, client, auth, cast, open_meeting):
    auth.login(cast.deputy)
    for _ in range(2):
        response = client.post(
            f'/deputies/meetings/{open_meeting.id}/observe', data={'csrf_token': csrf_token(client, '/deputies/')}
        )
        assert response.status_code == 302
        assert response.headers['Location'].endswith(f'/meetings/{open_meeting.id}/room')
    assert db.session.scalar(sa.select(sa.func.count(DeputyObservation.id))) == 1
    room = client.get(f'/meetings/{open_meeting.id}/room')
    assert room.status_code == 200
    assert f'/deputies/topics/{open_meeting.topic_id}/note?meeting={open_meeting.id}' in room.get_data(as_text=True)


def test_a_deputy_not_on_the_roster_enters_the_room_as_an_observer(db, cast, open_meeting, make_user, grant):
    from consult.kernel.actions import may
    from consult.meetings.permissions import participant_of
    from consult.roles.models import Role

    other = make_user()
    grant(other, Role.NPC_DEPUTY, community=cast.place.a)
    assert participant_of(other, open_meeting) is None
    assert may(other, 'meeting.room', open_meeting)
    assert may(other, 'deputy.observe', open_meeting)
    assert not may(other, 'meeting.say', open_meeting)
    assert not may(other, 'meeting.checkin', open_meeting)


def test_observing_without_the_form_token_or_role_is_refused(db, client, auth, cast, open_meeting):
    auth.login(cast.deputy)
    assert client.post(f'/deputies/meetings/{open_meeting.id}/observe').status_code == 400
    auth.logout()
    auth.login(cast.resident)
    token = csrf_token(client, '/')
    assert client.post(f'/deputies/meetings/{open_meeting.id}/observe', data={'csrf_token': token}).status_code == 403
    assert client.post('/deputies/meetings/999999/observe', data={'csrf_token': token}).status_code == 404
    assert not db.session.scalar(sa.select(sa.func.count(DeputyObservation.id)))


def test_a_closed_meeting_is_not_observed(db, client, auth, cast, open_meeting):
    open_meeting.status = 'closed'
    db.session.commit()
    auth.login(cast.deputy)
    response = client.post(
        f'/deputies/meetings/{open_meeting.id}/observe', data={'csrf_token': csrf_token(client, '/deputies/')}
    )
    assert response.status_code == 302
    assert response.headers['Location'].endswith('/deputies/')
    assert not db.session.scalar(sa.select(sa.func.count(DeputyObservation.id)))


@pytest.mark.parametrize(('body', 'status'), [('', 200), (' ' * 5, 200), ('x' * 4001, 200), ('\x00', 400)])
def test_the_note_form_explains_a_refusal_and_saves_nothing(db, client, auth, cast, announced, body, status):
    auth.login(cast.deputy)
    url = f'/deputies/topics/{announced.id}/note'
    page = client.post(url, data={'csrf_token': csrf_token(client, url), 'body': body})
    assert page.status_code == status  # a NUL byte is refused where input enters (consult.inputs), with a message
    if status == 200:
        assert 'role="alert"' in page.get_data(as_text=True)
    assert not db.session.scalar(sa.select(sa.func.count(DeputyNote.id)))


def test_the_note_form_files_a_note_once(db, client, auth, cast, announced):
    from tests.support import submission_token

    auth.login(cast.deputy)
    url = f'/deputies/topics/{announced.id}/note'
    form = client.get(url).get_data(as_text=True)
    data = {'csrf_token': csrf_token(client, url), 'body': NOTE, 'submission_token': submission_token(form)}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(DeputyNote.id))) == 1


def test_the_suggestion_form_sends_and_refuses_bad_input(db, client, auth, cast):
    auth.login(cast.deputy)
    url = '/deputies/suggestions/new'
    token = csrf_token(client, url)
    base = {'csrf_token': token, 'community': str(cast.place.a.id), 'body_choice': 'committee'}
    for bad in (
        {'title': '', 'body': 'b'},
        {'title': 't', 'body': 'x' * 8001},
        {'title': 't', 'body': 'b', 'community': '999'},
    ):
        page = client.post(url, data={**base, **bad})
        assert page.status_code == 200
    assert not db.session.scalar(sa.select(sa.func.count(DeputySuggestion.id)))
    response = client.post(
        url, data={**base, 'title': '路灯', 'body': '请修复路灯。', 'body_choice': str(cast.place.department.id)}
    )
    assert response.status_code == 302
    suggestion = db.session.scalar(sa.select(DeputySuggestion))
    assert suggestion.department_id == cast.place.department.id


def test_public_pages_show_the_timer_reply_and_assessment_without_personal_fields(db, client, cast, send):
    from datetime import timedelta

    from consult.kernel.clock import utcnow

    overdue, answered = send(title='逾期的建议'), send(title='已答复的建议')
    overdue.due_at = utcnow() - timedelta(days=1)
    operations.reply(cast.department, answered, '部门的答复')
    operations.assess(cast.deputy, answered, 'not_satisfied', '答复没有说明时间')
    db.session.commit()
    listing = client.get('/deputies/suggestions').get_data(as_text=True)
    assert listing.index('逾期的建议') < listing.index('已答复的建议')  # overdue ones first
    assert 'is-overdue' in listing
    assert 'overdue-badge' in listing
    detail = client.get(f'/deputies/suggestions/{answered.id}').get_data(as_text=True)
    assert '部门的答复' in detail
    assert '答复没有说明时间' in detail
    assert cast.department.display_name not in detail  # the body replies, not a named person
    record = client.get(f'/deputies/{cast.deputy.id}').get_data(as_text=True)
    assert '已答复的建议' in record
    assert cast.deputy.mobile not in record
    assert client.get(f'/deputies/{cast.resident.id}').status_code == 404


def test_the_work_record_exports_as_csv_and_prints(db, client, cast, announced, send):
    operations.file_note(cast.deputy, announced, '=HYPERLINK("x")')
    send()
    db.session.commit()
    response = client.get(f'/deputies/{cast.deputy.id}/record.csv')
    assert response.status_code == 200
    assert response.headers['Content-Type'].startswith('text/csv')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip('\ufeff'))))
    assert [row[0] for row in rows[1:]] == ['note', 'suggestion']
    assert rows[1][5] == '\'=HYPERLINK("x")'  # never run as a formula
    printed = client.get(f'/deputies/{cast.deputy.id}/print')
    assert printed.status_code == 200
    assert '加快老旧小区改造' in printed.get_data(as_text=True)


def test_the_record_lists_are_paginated(db, client, cast, announced):
    for i in range(12):
        operations.file_note(cast.deputy, announced, f'第{i}条')
    db.session.commit()
    first = client.get(f'/deputies/{cast.deputy.id}').get_data(as_text=True)
    second = client.get(f'/deputies/{cast.deputy.id}?notes=2').get_data(as_text=True)
    assert '第11条' in first
    assert '第0条' not in first
    assert '第0条' in second
    assert 'rel="prev"' in second
