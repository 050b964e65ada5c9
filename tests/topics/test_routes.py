"""Topic pages over HTTP: the form, the steps, what the public sees, the queues and their query counts."""

from datetime import timedelta

import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.topics import states
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from tests import support
from tests.topics.conftest import CONFIRM


def _form(csrf, **values):
    data = {
        'csrf_token': csrf('/topics/new'),
        'community_id': '',
        'channel': 'online',
        'title': '小区停车难',
        'body': '晚上**车位**不够',
        'categories': ['public_affairs'],
        'area_kind': 'community',
        'declared_not_excluded': 'y',
    }
    data.update(values)
    return data


def test_resident_submits_through_the_form(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    response = client.post('/topics/new', data=_form(csrf, community_id=str(cast.place.a.id), submit_now='Submit'))
    assert response.status_code == 302
    topic = db.session.scalar(sa.select(Topic).where(Topic.title == '小区停车难'))
    assert topic.status == TopicStatus.SUBMITTED
    assert '<strong>车位</strong>' in topic.body_html
    page = client.get(response.headers['Location']).get_data(as_text=True)
    assert '小区停车难' in page
    assert 'cosign-count' in page


def test_form_refusal_is_shown_and_nothing_saved(db, client, auth, csrf, cast):
    auth.login(cast.resident)
    data = _form(csrf, community_id=str(cast.place.a.id), submit_now='Submit')
    del data['declared_not_excluded']
    response = client.post('/topics/new', data=data)
    assert response.status_code == 200
    assert 'Declare that the matter is none of the excluded types' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Topic).where(Topic.title == '小区停车难')) is None


def test_rejected_topic_shows_reason_and_redirect_publicly(db, client, cast, make_topic):
    topic = make_topic('submitted')
    states.apply(topic, 'reject', cast.staff, reason='属于部门法定职责', exclusion='department_duty')
    db.session.commit()
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    assert '属于部门法定职责' in page
    assert 'Dispatched to the responsible department' in page
    assert 'Longgang Community Governance Regulation art 5' in page


def test_private_matter_only_to_submitter_originator_and_committee(db, client, auth, cast, make_topic):
    topic = make_topic('submitted', private=True)
    assert client.get(f'/topics/{topic.id}').status_code == 302  # anonymous: log in first
    for user, status in [(cast.neighbour, 404), (cast.party, 404), (cast.resident, 200), (cast.director, 200)]:
        auth.login(user)
        assert client.get(f'/topics/{topic.id}').status_code == status
        auth.logout()


def test_staff_accept_and_party_confirm_through_the_step_pages(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('submitted')
    auth.login(cast.staff)
    assert client.post(f'/topics/{topic.id}/step/accept', data={'csrf_token': csrf()}).status_code == 302
    auth.logout()
    auth.login(cast.party)
    url = f'/topics/{topic.id}/step/confirm'
    data = {
        'csrf_token': csrf(url),
        'categories': CONFIRM['categories'],
        'participant_scope': CONFIRM['participant_scope'],
        'consultation_form': 'hybrid',
        'form_reason': '',
    }
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert 'Give the reason for the form chosen' in response.get_data(as_text=True)
    data['form_reason'] = '老人现场参加，上班族线上参加'
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).status == TopicStatus.ANNOUNCED
    auth.logout()
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    assert '老人现场参加，上班族线上参加' in page
    assert 'Topic announcement' in page
    assert 'Community Party organisation' in page  # the timeline names the role


def test_step_page_refuses_actions_not_allowed(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('submitted')
    auth.login(cast.party)
    assert client.get(f'/topics/{topic.id}/step/confirm').status_code == 403
    assert client.get(f'/topics/{topic.id}/step/explode').status_code == 404


def test_review_queue_flags_overdue_at_the_second(db, client, auth, cast, make_topic):
    due = make_topic('submitted', title='到期议题')
    later = make_topic('submitted', title='未到期议题')
    now = utcnow()
    db.session.execute(sa.update(Topic).where(Topic.id == due.id).values(review_due_at=now - timedelta(seconds=1)))
    db.session.execute(sa.update(Topic).where(Topic.id == later.id).values(review_due_at=now + timedelta(seconds=30)))
    db.session.commit()
    auth.login(cast.staff)
    page = client.get('/topics/review').get_data(as_text=True)
    assert f'review-item overdue" data-topic="{due.id}"' in page
    assert f'review-item" data-topic="{later.id}"' in page


def test_review_deadline_is_the_rule_sets_days(db, cast, make_topic):
    topic = make_topic('submitted')
    assert topic.review_due_at - topic.queued_at == timedelta(days=7)


def test_queues_take_a_fixed_number_of_queries(db, client, auth, cast, make_topic, count_queries):
    auth.login(cast.staff)
    make_topic('submitted')
    with count_queries() as few:
        client.get('/topics/review')
    for _ in range(5):
        make_topic('submitted', originator=cast.neighbour)
    with count_queries() as many:
        client.get('/topics/review')
    assert many.count == few.count
    auth.logout()
    auth.login(cast.party)
    make_topic('screening')
    with count_queries() as few:
        client.get('/topics/confirmation')
    for _ in range(5):
        make_topic('screening')
    with count_queries() as many:
        client.get('/topics/confirmation')
    assert many.count == few.count


def test_cosign_button_posts_and_counts(db, client, auth, csrf, cast, cosign_rule):
    from tests.topics.conftest import at_least

    cosign_rule(at_least(5))
    from consult.topics import operations
    from tests.topics.conftest import CONTENT

    topic = operations.create_draft(cast.resident, cast.place.a, 'online', CONTENT)
    operations.submit_topic(cast.resident, topic)
    db.session.commit()
    auth.login(cast.neighbour)
    assert client.post(f'/topics/{topic.id}/cosign', data={'csrf_token': csrf()}).status_code == 302
    response = client.post(f'/topics/{topic.id}/cosign', data={'csrf_token': csrf()}, follow_redirects=True)
    assert 'You have already co-signed this topic' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).cosign_count == 1


def test_notifications_page_lists_steps(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('screening')
    auth.login(cast.resident)
    page = client.get('/topics/notifications').get_data(as_text=True)
    assert topic.title in page
    assert 'Accepted for topic selection' in page
    assert client.post('/topics/notifications', data={'csrf_token': csrf()}).status_code == 302


def test_submitter_edits_a_draft_and_withdraws_it(db, client, auth, csrf, cast, make_topic):
    topic = make_topic('draft')
    auth.login(cast.staff)
    url = f'/topics/{topic.id}/edit'
    assert client.get(url).status_code == 200
    data = _form(csrf, title='改过的标题', channel='counter', community_id=str(cast.place.a.id), save='Save draft')
    data['csrf_token'] = csrf(url)
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).title == '改过的标题'
    url = f'/topics/{topic.id}/step/withdraw'
    assert client.post(url, data={'csrf_token': csrf(url)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).status == TopicStatus.WITHDRAWN


def test_email_goes_out_after_commit_only_when_smtp_is_configured(app, db, cast, make_topic, monkeypatch):
    cast.resident.email = 'resident@example.org'
    db.session.commit()
    topic = make_topic('submitted')  # MAIL_SERVER unset: nothing is sent (no server to send to)
    server = support.MailServer().start()
    try:
        monkeypatch.setitem(app.config, 'MAIL_SERVER', server.host)
        monkeypatch.setitem(app.config, 'MAIL_PORT', server.port)
        monkeypatch.setitem(app.config, 'MAIL_DEFAULT_SENDER', 'consult@example.org')
        states.apply(topic, 'accept', cast.staff)
        assert server.messages == []  # not before the commit
        db.session.commit()
        assert server.recipients() == ['resident@example.org']
        sender, _rcpts, message = server.messages[0]
        assert sender == 'consult@example.org'
        assert message['From'] == 'consult@example.org'
        assert topic.title in message['Subject']
        assert f'/topics/{topic.id}' in message.get_content()
        states.apply(topic, 'confirm', cast.party, **CONFIRM)
        db.session.rollback()
        assert len(server.messages) == 1  # a rolled-back step sends nothing
    finally:
        server.stop()


def test_a_mail_server_that_is_down_does_not_undo_the_step(app, db, cast, make_topic, monkeypatch, caplog):
    server = support.MailServer()  # never started: nothing listens on its port
    cast.resident.email = 'resident@example.org'
    db.session.commit()
    topic = make_topic('submitted')
    monkeypatch.setitem(app.config, 'MAIL_SERVER', server.host)
    monkeypatch.setitem(app.config, 'MAIL_PORT', server.port)
    states.apply(topic, 'accept', cast.staff)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).status == TopicStatus.SCREENING
    assert 'mail failed' in caplog.text


def test_pages_render_in_chinese_by_default(db, client, auth, cast, make_topic):
    topic = make_topic('announced')
    page = client.get(f'/topics/{topic.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
    assert topic.title in page
    auth.login(cast.staff)
    for url in ('/topics/new', '/topics/mine', '/topics/review', f'/topics/{topic.id}/step/withdraw_by_committee'):
        assert client.get(url, headers={'Accept-Language': ''}).status_code == 200, url


def test_staff_see_topics_still_gathering_cosigns_separately(db, client, auth, cast, cosign_rule):
    from consult.topics import operations
    from tests.topics.conftest import CONTENT
    from tests.topics.conftest import at_least

    cosign_rule(at_least(5))
    topic = operations.create_draft(cast.resident, cast.place.a, 'online', {**CONTENT, 'title': '等待联署'})
    operations.submit_topic(cast.resident, topic)
    db.session.commit()
    auth.login(cast.staff)
    assert '等待联署' not in client.get('/topics/review').get_data(as_text=True)
    assert '等待联署' in client.get('/topics/review?waiting=1').get_data(as_text=True)
