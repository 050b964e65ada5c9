"""Pages of the use of results: the public page and the topic's section (no login, no personal data, a fixed
number of statements), the committee's page, the forms' bad input, notifications and the dispatched item."""

from datetime import date
from datetime import timedelta

import sqlalchemy as sa

from consult.comments.models import Comment
from consult.comments.queries import latest_period
from consult.implementation import operations
from consult.implementation import ratings
from consult.implementation.models import Rating
from consult.implementation.models import Task
from consult.implementation.progress import post_update
from consult.implementation.public import public_implementation
from consult.kernel.clock import today as city_today
from consult.kernel.clock import utcnow
from consult.notifications.models import Notification
from tests.conftest import csrf_token


def _page(client, url) -> str:
    response = client.get(url, headers={'Accept-Language': 'zh-CN'})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_public_page_needs_no_login_and_shows_tasks_and_flags(db, client, cast, implementing, make_task):
    late = make_task(implementing, title='加装电梯井道')
    late.due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    post_update(cast.staff, late, '井道施工中。')
    db.session.commit()
    page = _page(client, f'/implementation/topic/{implementing.id}/public')
    assert '加装电梯井道' in page
    assert '井道施工中。' in page
    assert 'overdue-badge' in page


def test_a_private_topic_has_no_public_page(db, client, cast, implementing):
    implementing.public = False
    db.session.commit()
    response = client.get(f'/implementation/topic/{implementing.id}/public')
    assert response.status_code in (302, 403, 404)  # anonymous: sent to log in, as for the topic page
    assert response.status_code != 302 or '/account/login' in response.headers['Location']


def test_public_section_reads_a_fixed_number_of_statements(db, cast, fed_back, make_user, count_queries):
    def measure():
        with count_queries() as counter:
            section = public_implementation(fed_back, utcnow())
        return counter.count, section

    from consult.implementation.models import TaskUpdate

    first = db.session.scalar(sa.select(Task))
    db.session.add(TaskUpdate(task_id=first.id, author_id=cast.staff.id, author_role='committee', body='开工'))
    db.session.add(Rating(topic_id=fed_back.id, user_id=cast.resident.id, score=5, comment='好'))
    db.session.commit()
    few, _section = measure()
    for n in range(4):
        db.session.add(
            Task(
                topic_id=fed_back.id,
                title=f'任务{n}',
                owner='grid',
                grid_id=cast.place.a.grids[n % 2].id,
                due_at=utcnow(),
                report_due_at=utcnow(),
                created_by_id=cast.staff.id,
            )
        )
    db.session.flush()
    for task in db.session.scalars(sa.select(Task)):
        for n in range(3):
            db.session.add(
                TaskUpdate(task_id=task.id, author_id=cast.staff.id, author_role='committee', body=f'进展{n}')
            )
    for n in range(8):
        db.session.add(Rating(topic_id=fed_back.id, user_id=make_user().id, score=1 + n % 5, comment=f'意见{n}'))
    db.session.commit()
    many, section = measure()
    assert len(section.tasks) == 5
    assert section.ratings.count == 9
    assert many == few, (few, many)


def test_no_personal_data_on_the_public_page_or_the_topic_page(db, client, cast, fed_back):
    people = [cast.resident, cast.neighbour, cast.staff, cast.director, cast.grid_worker, cast.department]
    for n, person in enumerate(people):
        person.mobile = f'1999{n:07d}'
        person.email = f'marker{n}@example.test'
        person.real_name = f'真名标记{n}'
        person.display_name = f'昵称标记{n}'
        person.birth_date = date(1911, 11, 11)
    for household in cast.place.households(cast.place.a):
        household.number = f'门牌标记{household.id}'
    ratings.rate(cast.resident, fed_back, 4, '不错')
    ratings.rate(cast.neighbour, fed_back, 2, '一般')
    db.session.commit()
    markers = ['1999', 'marker', '真名标记', '昵称标记', '门牌标记', '1911']
    for url in (f'/implementation/topic/{fed_back.id}/public', f'/topics/{fed_back.id}'):
        page = _page(client, url)
        # The implementation section only: the topic page's timeline names staff, as it always did.
        section = page.split('id="implementation"', 1)[1].split('</section>', 1)[0].split('</article>', 1)[0]
        assert '不错' in section
        assert '一般' in section
        assert not [m for m in markers if m in section], (url, [m for m in markers if m in section])


def test_committee_page_is_the_committees_and_the_grid_workers(db, client, auth, cast, implementing, make_task):
    make_task(implementing)
    auth.login(cast.staff)
    assert '安装电梯' in _page(client, f'/implementation/topic/{implementing.id}')
    auth.logout()
    auth.login(cast.resident)
    assert client.get(f'/implementation/topic/{implementing.id}').status_code == 403


def test_adding_a_task_through_the_page_and_bad_input(db, client, auth, cast, implementing):
    auth.login(cast.staff)
    url = f'/implementation/topic/{implementing.id}/tasks'
    due = (city_today() + timedelta(days=20)).isoformat()
    for data in (
        {'title': '', 'owner': 'committee', 'due': due},
        {'title': '任务', 'owner': 'committee', 'due': 'not-a-date'},
        {'title': '任务', 'owner': 'nobody', 'due': due},
        {'title': '任务', 'owner': 'grid', 'grid_id': '99999999999999999999', 'due': due},
        {'title': '任务', 'owner': 'committee', 'due': '2001-01-01'},
    ):
        response = client.post(url, data={**data, 'csrf_token': csrf_token(client)}, follow_redirects=True)
        assert response.status_code == 200
        assert 'class="flash' in response.get_data(as_text=True) or 'error' in response.get_data(as_text=True)
    assert not db.session.scalars(sa.select(Task)).all()
    response = client.post(
        url, data={'title': '更换路灯', 'owner': 'committee', 'due': due, 'csrf_token': csrf_token(client)}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Task.title)) == '更换路灯'


def test_rating_through_the_topic_page(db, client, auth, cast, fed_back):
    auth.login(cast.resident)
    page = _page(client, f'/topics/{fed_back.id}')
    assert f'/implementation/topic/{fed_back.id}/rate' in page
    url = f'/implementation/topic/{fed_back.id}/rate'
    for score in ('0', '6', '100000000000000000000', ''):
        response = client.post(url, data={'score': score, 'csrf_token': csrf_token(client)}, follow_redirects=True)
        assert response.status_code == 200
    assert not db.session.scalars(sa.select(Rating)).all()
    client.post(url, data={'score': '5', 'comment': '满意', 'csrf_token': csrf_token(client)})
    assert db.session.scalar(sa.select(Rating.score)) == 5
    assert client.post(url, data={'score': '5'}).status_code == 400  # no CSRF token


def test_everyone_who_took_part_is_told_of_the_result(db, cast, implementing, make_task):
    period = latest_period(implementing.id)
    for author in (cast.neighbour, cast.neighbour2):
        db.session.add(
            Comment(
                period_id=period.id,
                topic_id=implementing.id,
                author_id=author.id,
                stance='for',
                body='支持',
                badge='resident',
                created_at=utcnow(),
            )
        )
    # The representative objected to the published result (answered, not upheld) and co-signed nothing.
    from consult.disclosure.models import Objection
    from consult.disclosure.models import Publication

    publication = Publication(topic_id=implementing.id, round=1, prepared_by_id=cast.staff.id, published_at=utcnow())
    db.session.add(publication)
    db.session.flush()
    db.session.add(
        Objection(
            publication_id=publication.id,
            topic_id=implementing.id,
            author_id=cast.representative.id,
            reasons='太急',
            answer_due_at=utcnow(),
        )
    )
    db.session.commit()
    operations.mark_done(cast.staff, make_task(implementing))
    operations.finish(cast.director, implementing, 'completed', '已完成。')
    db.session.commit()
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.topic_id == implementing.id, Notification.kind == 'implementation_result'
            )
        )
    )
    assert told == {cast.neighbour.id, cast.neighbour2.id, cast.representative.id}
    # The originator (and the staff who submitted it) hear of the step itself, once.
    stepped = db.session.scalars(
        sa.select(Notification.user_id).where(
            Notification.topic_id == implementing.id, Notification.kind == 'complete_implementation'
        )
    ).all()
    assert sorted(stepped) == sorted({cast.resident.id, cast.staff.id})


def test_a_departments_item_shows_the_ratings_of_the_result(db, client, auth, cast, implementing, make_task):
    task = make_task(implementing, 'department', actor=cast.director, department=cast.place.department)
    from consult.dispatch import operations as dispatch
    from consult.dispatch.models import DispatchTicket

    ticket = db.session.get(DispatchTicket, task.ticket_id)
    dispatch.report(cast.department, ticket)
    dispatch.close(cast.department, ticket, '已完成。')
    operations.finish(cast.director, implementing, 'completed', '已完成。')
    ratings.rate(cast.resident, implementing, 3)
    db.session.commit()
    auth.login(cast.department)
    page = _page(client, f'/dispatch/{ticket.id}')
    assert 'im-ticket-title' in page
    assert '3/5: 1' in page


def test_a_commenter_is_told_live_and_by_email(
    db, client, auth, cast, implementing, make_task, socket_client, mail_server
):
    period = latest_period(implementing.id)
    cast.neighbour.email = 'neighbour@example.org'
    db.session.add(
        Comment(
            period_id=period.id,
            topic_id=implementing.id,
            author_id=cast.neighbour.id,
            stance='for',
            body='支持',
            badge='resident',
            created_at=utcnow(),
        )
    )
    db.session.commit()
    auth.login(cast.neighbour)
    listener = socket_client()
    listener.get_received()
    operations.mark_done(cast.staff, make_task(implementing))
    operations.finish(cast.director, implementing, 'completed', '已完成。')
    assert mail_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    pushed = [m['args'][0] for m in listener.get_received() if m['name'] == 'topic_changed']
    assert {'topic_id': implementing.id, 'status': 'feedback_given', 'action': 'implementation_result'} in pushed
    assert 'neighbour@example.org' in mail_server.recipients()
