"""Dispatch pages: proposing, signing off, the department's queue and steps, the reply on the public page."""

from datetime import timedelta

import sqlalchemy as sa

from consult.dispatch.models import DispatchTicket
from consult.dispatch.queries import live_ticket


def _post(client, csrf, url, **data):
    return client.post(url, data={'csrf_token': csrf(), **data})


def test_staff_propose_and_director_sign_off_through_the_pages(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('submitted')
    auth.login(cast.staff)
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    assert f'/dispatch/topic/{topic.id}/propose' in page
    form = client.get(f'/dispatch/topic/{topic.id}/propose').get_data(as_text=True)
    assert cast.place.department.name in form
    response = _post(
        client,
        csrf,
        f'/dispatch/topic/{topic.id}/propose',
        department_id=cast.place.department.id,
        kind='complex',
        reason='路灯属于部门职责',
    )
    assert response.status_code == 302
    ticket = live_ticket(topic.id)
    assert ticket.status == 'proposed'
    assert _post(client, csrf, f'/dispatch/{ticket.id}/sign-off').status_code == 403
    auth.logout()
    auth.login(cast.director)
    assert 'Sign off and dispatch' in client.get(f'/dispatch/{ticket.id}').get_data(as_text=True)
    assert _post(client, csrf, f'/dispatch/{ticket.id}/sign-off').status_code == 302
    db.session.expire_all()
    assert ticket.status == 'dispatched'
    assert topic.status == 'redirected'


def test_propose_form_shows_the_refusal_with_its_rule(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('submitted')
    auth.login(cast.staff)
    response = _post(
        client, csrf, f'/dispatch/topic/{topic.id}/propose', department_id=cast.place.department.id, kind='simple'
    )
    assert response.status_code == 200
    assert 'Rule:' in response.get_data(as_text=True)
    assert live_ticket(topic.id) is None


def test_department_answers_and_the_reply_is_public(db, client, auth, csrf, cast, make_ticket):
    ticket = make_ticket('dispatched')
    auth.login(cast.department)
    assert 'Acknowledge' in client.get(f'/dispatch/{ticket.id}').get_data(as_text=True)
    assert _post(client, csrf, f'/dispatch/{ticket.id}/report').status_code == 302
    assert _post(client, csrf, f'/dispatch/{ticket.id}/progress', text='已派人').status_code == 302
    response = _post(client, csrf, f'/dispatch/{ticket.id}/close', reply='')
    assert response.status_code == 302
    page = client.get(f'/dispatch/{ticket.id}').get_data(as_text=True)
    assert 'Rule:' in page  # the refusal is flashed with its rule
    db.session.expire_all()
    assert ticket.status == 'handling'
    assert _post(client, csrf, f'/dispatch/{ticket.id}/close', reply='路灯已修复 <b>完毕</b>').status_code == 302
    db.session.expire_all()
    assert ticket.status == 'closed'
    auth.logout()
    public = client.get(f'/topics/{ticket.topic_id}').get_data(as_text=True)
    assert '路灯已修复 完毕' in public
    assert '<b>完毕' not in public
    assert cast.place.department.name in public


def test_private_topic_reply_is_not_public(db, client, cast, make_ticket):
    ticket = make_ticket('closed')
    ticket.topic.public = False
    db.session.commit()
    response = client.get(f'/topics/{ticket.topic_id}')
    assert response.status_code in (302, 403, 404)
    assert '已修复路灯' not in response.get_data(as_text=True)
    assert client.get('/topics/').get_data(as_text=True).count(ticket.topic.title) == 0


def test_wrong_department_cannot_open_or_answer(db, client, auth, csrf, cast, make_ticket, other_department):
    ticket = make_ticket('reported')
    auth.login(other_department[1])
    assert client.get(f'/dispatch/{ticket.id}').status_code == 403
    assert _post(client, csrf, f'/dispatch/{ticket.id}/close', reply='回复').status_code == 403
    db.session.expire_all()
    assert ticket.status == 'reported'


def test_queue_is_scoped(db, client, auth, cast, make_ticket, other_department):
    mine = make_ticket('dispatched')
    proposed = make_ticket('proposed')
    auth.login(cast.department)
    page = client.get('/dispatch/').get_data(as_text=True)
    assert f'data-ticket="{mine.id}"' in page
    assert f'data-ticket="{proposed.id}"' not in page  # not signed off yet
    auth.logout()
    auth.login(other_department[1])
    page = client.get('/dispatch/').get_data(as_text=True)
    assert 'data-ticket=' not in page
    auth.logout()
    auth.login(cast.staff)
    page = client.get('/dispatch/').get_data(as_text=True)
    assert f'data-ticket="{mine.id}"' in page
    assert f'data-ticket="{proposed.id}"' in page
    auth.logout()
    auth.login(cast.staff_b)
    assert 'data-ticket=' not in client.get('/dispatch/').get_data(as_text=True)
    auth.logout()
    auth.login(cast.resident)
    assert client.get('/dispatch/').status_code == 403


def test_overdue_is_shown_first_with_a_badge(db, client, auth, cast, make_ticket):
    on_time = make_ticket('dispatched')
    late = make_ticket('reported')
    db.session.execute(
        sa.update(DispatchTicket)
        .where(DispatchTicket.id == late.id)
        .values(deadline_at=late.dispatched_at - timedelta(seconds=1))
    )
    db.session.commit()
    auth.login(cast.department)
    page = client.get('/dispatch/').get_data(as_text=True)
    assert page.index(f'data-ticket="{late.id}"') < page.index(f'data-ticket="{on_time.id}"')
    assert page.count('overdue-badge') == 1


def test_queue_query_count_does_not_grow_with_page_size(db, client, auth, cast, make_ticket, count_queries):
    auth.login(cast.department)

    def statements(**args):
        db.session.expire_all()  # each request loads its user afresh, as in production
        with count_queries() as counter:
            response = client.get('/dispatch/', query_string=args)
            assert response.status_code == 200
        return counter.count, response.get_data(as_text=True).count('data-ticket=')

    # Pages are full in each case, so the pagination's count query runs every time.
    for _n in range(2):
        make_ticket('dispatched')
    few, shown = statements(per_page=2)
    assert shown == 2
    for _n in range(6):
        make_ticket('reported')
    assert statements(per_page=3) == (few, 3)
    assert statements(per_page=8) == (few, 8)
    assert statements(page=2, per_page=5) == (few, 3)
