"""A comment or a reply posted twice is posted once (issue 11, item 10)."""

import re

import sqlalchemy as sa

from consult.comments.models import Comment
from tests.comments.conftest import post
from tests.support import submission_token


def _page(client, topic) -> str:
    return client.get(f'/topics/{topic.id}').get_data(as_text=True)


def test_a_comment_posted_twice_is_posted_once(db, client, auth, csrf, cast, consulting):
    auth.login(cast.neighbour)
    token = submission_token(_page(client, consulting))
    data = {'csrf_token': csrf(f'/topics/{consulting.id}'), 'body': '支持', 'stance': 'for', 'submission_token': token}
    first = client.post(f'/comments/topic/{consulting.id}/post', data=data)
    second = client.post(f'/comments/topic/{consulting.id}/post', data=data)
    (comment,) = db.session.scalars(sa.select(Comment).where(Comment.topic_id == consulting.id)).all()
    assert first.status_code == second.status_code == 302
    assert second.headers['Location'].endswith(f'/topics/{consulting.id}#comment-{comment.id}')
    assert 'This form was already submitted' in _page(client, consulting)


def test_a_reply_form_carries_its_own_token(db, client, auth, csrf, cast, consulting):
    root = post(cast.representative, consulting, body='先公示方案')
    db.session.commit()
    auth.login(cast.neighbour)
    page = _page(client, consulting)
    reply = re.search(r'<form[^>]*class="form reply-form">.*?</form>', page, re.S).group(0)
    token = submission_token(reply)
    assert token != submission_token(page)  # the comment form's own
    data = {'csrf_token': csrf(f'/topics/{consulting.id}'), 'body': '同意', 'parent_id': root.id}
    for _ in range(2):
        client.post(f'/comments/topic/{consulting.id}/post', data={**data, 'submission_token': token})
    replies = db.session.scalars(sa.select(Comment).where(Comment.parent_id == root.id)).all()
    assert len(replies) == 1
