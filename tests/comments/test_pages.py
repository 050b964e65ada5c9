"""Comment pages over HTTP: the section on the topic page, the forms, hiding, live events and query counts."""

from datetime import timedelta

import sqlalchemy as sa

from consult.comments import operations
from consult.comments.models import Comment
from consult.comments.queries import latest_period
from consult.kernel.clock import utcnow
from consult.topics.models import TopicStatus
from tests.comments.conftest import post


def _page(client, topic, **args) -> str:
    response = client.get(f'/topics/{topic.id}', query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_section_shows_name_badge_and_stance_but_never_the_mobile(db, client, cast, consulting):
    post(cast.representative, consulting, body='建议先做方案公示', stance='neutral')
    db.session.commit()
    page = _page(client, consulting)
    assert 'id="comments"' in page
    assert cast.representative.display_name in page
    assert 'badge-representative">Residents' in page
    assert 'stance-neutral' in page
    assert '建议先做方案公示' in page
    assert cast.representative.mobile not in page
    assert 'id="tally-neutral">1<' in page


def test_resident_posts_through_the_form_and_everyone_sees_it(db, client, auth, csrf, cast, consulting):
    auth.login(cast.neighbour)
    token = csrf(f'/topics/{consulting.id}')
    assert 'id="comment-form"' in _page(client, consulting)
    response = client.post(
        f'/comments/topic/{consulting.id}/post', data={'csrf_token': token, 'body': '支持', 'stance': 'for'}
    )
    assert response.status_code == 302
    assert response.headers['Location'].endswith(f'/topics/{consulting.id}#comments')
    comment = db.session.scalar(sa.select(Comment).where(Comment.topic_id == consulting.id))
    assert comment.body == '支持'
    auth.logout()
    assert '支持' in _page(client, consulting)


def test_refusal_is_flashed_in_the_users_words(db, client, auth, csrf, cast, consulting):
    auth.login(cast.neighbour)
    token = csrf(f'/topics/{consulting.id}')
    response = client.post(
        f'/comments/topic/{consulting.id}/post',
        data={'csrf_token': token, 'body': '  ', 'stance': 'for'},
        follow_redirects=True,
    )
    assert 'Write a comment first.' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_rate_limited_post_is_refused_with_a_message(db, client, auth, csrf, cast, consulting):
    auth.login(cast.neighbour)
    token = csrf(f'/topics/{consulting.id}')
    for n in range(6):
        response = client.post(
            f'/comments/topic/{consulting.id}/post',
            data={'csrf_token': token, 'body': f'意见{n}', 'stance': 'for'},
            headers={'Accept-Language': 'zh-CN'},
            follow_redirects=True,
        )
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 5
    assert 'flash-error' in response.get_data(as_text=True)


def test_non_participant_cannot_post(db, client, auth, csrf, cast, consulting):
    auth.login(cast.outsider)
    token = csrf(f'/topics/{consulting.id}')
    assert 'id="comment-form"' not in _page(client, consulting)
    response = client.post(f'/comments/topic/{consulting.id}/post', data={'csrf_token': token, 'body': 'x'})
    assert response.status_code == 403


def test_hidden_comment_shows_the_reason_to_the_public_and_the_text_to_the_committee(
    db, client, auth, cast, consulting
):
    comment = post(cast.neighbour, consulting, body='不当言论内容', stance='against')
    operations.hide_comment(cast.staff, comment, '人身攻击')
    db.session.commit()
    public = _page(client, consulting)
    assert 'Hidden by the committee: 人身攻击' in public
    assert '不当言论内容' not in public
    auth.login(cast.staff)
    assert '不当言论内容' in _page(client, consulting)


def test_committee_hides_through_the_form(db, client, auth, csrf, cast, consulting):
    comment = post(cast.neighbour, consulting)
    db.session.commit()
    auth.login(cast.staff)
    token = csrf(f'/comments/{comment.id}/hide')
    response = client.post(f'/comments/{comment.id}/hide', data={'csrf_token': token, 'reason': ''})
    assert response.status_code == 200
    assert 'Give the reason' in response.get_data(as_text=True)
    response = client.post(f'/comments/{comment.id}/hide', data={'csrf_token': token, 'reason': '广告'})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).hidden_reason == '广告'


def test_open_close_summarise_and_conclude_through_the_pages(db, client, auth, csrf, cast, announced):
    auth.login(cast.staff)
    assert f'/comments/topic/{announced.id}/open' in _page(client, announced)
    token = csrf(f'/comments/topic/{announced.id}/open')
    response = client.post(f'/comments/topic/{announced.id}/open', data={'csrf_token': token, 'days': '61'})
    assert response.status_code == 200
    response = client.post(f'/comments/topic/{announced.id}/open', data={'csrf_token': token, 'days': '7'})
    assert response.status_code == 302
    db.session.expire_all()
    assert announced.status == TopicStatus.IN_CONSULTATION
    response = client.post(f'/comments/topic/{announced.id}/close', data={'csrf_token': token, 'reason': '提前结束'})
    assert response.status_code == 302
    response = client.post(f'/comments/topic/{announced.id}/summary', data={'csrf_token': token, 'summary': ''})
    assert 'Write the summary.' in response.get_data(as_text=True)
    response = client.post(
        f'/comments/topic/{announced.id}/summary', data={'csrf_token': token, 'summary': '多数居民**赞成**'}
    )
    assert response.status_code == 302
    page = _page(client, announced)
    assert '<strong>赞成</strong>' in page
    assert f'/comments/topic/{announced.id}/conclude' in page
    response = client.post(f'/comments/topic/{announced.id}/conclude', data={'csrf_token': token})
    assert response.status_code == 302
    db.session.expire_all()
    assert announced.status == TopicStatus.OPINION_FORMED


def test_generic_step_page_does_not_take_comment_steps(db, client, auth, cast, announced):
    auth.login(cast.staff)
    assert client.get(f'/topics/{announced.id}/step/open_comments').status_code == 404


def test_roots_are_paginated_50_a_page(db, client, cast, consulting):
    period = latest_period(consulting.id)
    now = utcnow()
    db.session.add_all(
        Comment(
            period_id=period.id,
            topic_id=consulting.id,
            author_id=cast.neighbour.id,
            stance='for',
            body=f'意见{n}',
            badge='resident',
            created_at=now + timedelta(seconds=n),
        )
        for n in range(51)
    )
    db.session.commit()
    first = _page(client, consulting)
    assert first.count('class="thread"') == 50
    assert '意见50' in first
    second = _page(client, consulting, comments_page=2)
    assert second.count('class="thread"') == 1
    assert '>意见0<' in second


def _add_threads(db, topic, people, roots: int, replies: int) -> None:
    period = latest_period(topic.id)
    now = utcnow()
    for n in range(roots):
        root = Comment(
            period_id=period.id,
            topic_id=topic.id,
            author_id=people[n % len(people)].id,
            stance='for',
            body=f'根{n}',
            badge='resident',
            created_at=now,
        )
        db.session.add(root)
        db.session.flush()
        for m in range(replies):
            db.session.add(
                Comment(
                    period_id=period.id,
                    topic_id=topic.id,
                    author_id=people[(n + m + 1) % len(people)].id,
                    parent_id=root.id,
                    body=f'回复{n}-{m}',
                    badge='resident',
                    created_at=now,
                )
            )
    db.session.commit()


def test_query_count_does_not_grow_with_comments(db, client, cast, consulting, count_queries):
    people = [cast.resident, cast.neighbour, cast.neighbour2, cast.representative, cast.deputy]

    def statements():
        with count_queries() as counter:
            page = _page(client, consulting)
        return counter.count, page.count('<article class="comment"')

    _add_threads(db, consulting, people, roots=2, replies=1)
    few, shown = statements()
    assert shown == 4
    _add_threads(db, consulting, people, roots=30, replies=3)
    many, shown = statements()
    assert shown == 4 + 30 * 4
    assert many == few


def test_posting_emits_to_the_topic_room_after_commit(db, client, auth, csrf, cast, consulting, socket_client):
    auth.login(cast.neighbour)
    token = csrf(f'/topics/{consulting.id}')
    viewer = socket_client()
    viewer.emit('join_topic', {'topic_id': consulting.id})
    viewer.get_received()
    client.post(f'/comments/topic/{consulting.id}/post', data={'csrf_token': token, 'body': '支持', 'stance': 'for'})
    events = [e for e in viewer.get_received() if e['name'] == 'comment_posted']
    assert len(events) == 1
    payload = events[0]['args'][0]
    assert payload['body'] == '支持'
    assert payload['author'] == cast.neighbour.display_name
    assert payload['badge'] == 'resident'
    assert payload['tally'] == {'for': 1, 'against': 0, 'neutral': 0}
    assert cast.neighbour.mobile not in str(payload)


def test_refused_post_emits_nothing(db, client, auth, csrf, cast, consulting, socket_client):
    auth.login(cast.neighbour)
    token = csrf(f'/topics/{consulting.id}')
    viewer = socket_client()
    viewer.emit('join_topic', {'topic_id': consulting.id})
    viewer.get_received()
    client.post(f'/comments/topic/{consulting.id}/post', data={'csrf_token': token, 'body': '', 'stance': 'for'})
    assert not [e for e in viewer.get_received() if e['name'] == 'comment_posted']


def test_hiding_emits_comment_hidden(db, client, auth, csrf, cast, consulting, socket_client):
    comment = post(cast.neighbour, consulting, stance='against')
    db.session.commit()
    auth.login(cast.staff)
    token = csrf(f'/comments/{comment.id}/hide')
    viewer = socket_client()
    viewer.emit('join_topic', {'topic_id': consulting.id})
    viewer.get_received()
    client.post(f'/comments/{comment.id}/hide', data={'csrf_token': token, 'reason': '广告'})
    events = [e['args'][0] for e in viewer.get_received() if e['name'] == 'comment_hidden']
    assert events == [
        {
            'topic_id': consulting.id,
            'comment_id': comment.id,
            'reason': '广告',
            'tally': {'for': 0, 'against': 0, 'neutral': 0},
        }
    ]
