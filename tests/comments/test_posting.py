"""Posting, replying, hiding and the tally: deadlines, who may comment, bad input, pace and duplicates."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.comments import operations
from consult.comments.models import Comment
from consult.comments.queries import latest_period
from consult.comments.queries import tally
from consult.kernel.refusals import Refusal
from tests.comments.conftest import post


def test_posting_one_second_before_closes_at_is_allowed(db, cast, consulting, clock):
    period = latest_period(consulting.id)
    clock.set(period.closes_at - timedelta(seconds=1))
    assert post(cast.neighbour, consulting).created_at == period.closes_at - timedelta(seconds=1)


def test_posting_at_closes_at_is_refused(db, cast, consulting, clock):
    clock.set(latest_period(consulting.id).closes_at)
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting)
    assert caught.value.code == 'period_closed'


def test_posting_before_any_period_is_refused(db, cast, announced):
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, announced)
    assert caught.value.code == 'period_closed'


@pytest.mark.parametrize(
    ('role', 'badge'),
    [
        ('neighbour', 'resident'),
        ('resident', 'resident'),
        ('representative', 'representative'),
        ('deputy', 'observer'),
        ('staff', 'staff'),
        ('director', 'staff'),
    ],
)
def test_who_may_comment_and_their_badge(db, cast, consulting, role, badge):
    assert post(getattr(cast, role), consulting).badge == badge


def test_expert_comments_with_the_expert_badge(db, cast, consulting, expert):
    assert post(expert, consulting).badge == 'expert'


@pytest.mark.parametrize('role', ['minor', 'outsider', 'stranger', 'grid_worker', 'party', 'department', 'staff_b'])
def test_others_may_not_comment(db, cast, consulting, role):
    with pytest.raises(Refusal) as caught:
        post(getattr(cast, role), consulting)
    assert caught.value.code == 'forbidden'


@pytest.mark.parametrize('body', ['', '   ', '<b></b>', None])
def test_empty_comment_is_refused(db, cast, consulting, body):
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting, body=body)
    assert caught.value.code == 'empty'


def test_2000_characters_pass_and_2001_are_refused(db, cast, consulting):
    assert len(post(cast.neighbour, consulting, body='意' * 2000).body) == 2000
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour2, consulting, body='意' * 2001)
    assert caught.value.code == 'too_long'


def test_markup_is_stored_as_plain_text(db, cast, consulting):
    comment = post(cast.neighbour, consulting, body='<script>x()</script><b>同意</b>')
    assert '<' not in comment.body
    assert '同意' in comment.body


@pytest.mark.parametrize(('stance', 'code'), [(None, 'no_stance'), ('', 'no_stance'), ('maybe', 'bad_stance')])
def test_root_comment_needs_a_valid_stance(db, cast, consulting, stance, code):
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting, stance=stance)
    assert caught.value.code == code


def test_reply_stance_is_optional_and_a_reply_to_a_reply_attaches_to_the_root(db, cast, consulting):
    root = post(cast.neighbour, consulting)
    reply = post(cast.neighbour2, consulting, body='为什么？', stance=None, parent=root)
    deeper = post(cast.representative, consulting, body='因为老人多', stance='for', parent=reply)
    assert reply.parent_id == root.id
    assert reply.stance is None
    assert deeper.parent_id == root.id


def test_reply_to_a_comment_of_another_topic_is_refused(db, cast, consulting, make_topic):
    other = make_topic('announced')
    from tests.topics.conftest import end_publicity

    end_publicity(other)
    operations.open_period(cast.staff, other, 5)
    elsewhere = post(cast.neighbour, other)
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour2, consulting, stance=None, parent=elsewhere)
    assert caught.value.code == 'bad_parent'


def test_same_text_within_a_minute_is_a_duplicate(db, cast, consulting, clock):
    first = post(cast.neighbour, consulting, body='同意')
    clock.set(first.created_at + timedelta(seconds=59))
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting, body=' 同意 ')
    assert caught.value.code == 'duplicate'
    clock.set(first.created_at + timedelta(seconds=61))
    assert post(cast.neighbour, consulting, body='同意').id != first.id


def test_the_same_text_by_someone_else_is_not_a_duplicate(db, cast, consulting):
    post(cast.neighbour, consulting, body='同意')
    post(cast.neighbour2, consulting, body='同意')


def test_sixth_comment_within_a_minute_is_rate_limited(db, cast, consulting):
    for n in range(5):
        post(cast.neighbour, consulting, body=f'第{n}条意见')
    with pytest.raises(Refusal) as caught:
        post(cast.neighbour, consulting, body='第六条意见')
    assert caught.value.code == 'rate_limited'
    assert '5' in caught.value.message
    assert '60' in caught.value.message
    post(cast.neighbour2, consulting, body='别人不受影响')


def test_tally_counts_visible_stances(db, cast, consulting):
    root = post(cast.neighbour, consulting, stance='for')
    post(cast.neighbour2, consulting, stance='against', body='反对')
    post(cast.representative, consulting, stance='neutral', body='中立')
    post(cast.resident, consulting, stance=None, body='补充', parent=root)
    post(cast.deputy, consulting, stance='for', body='我也赞成', parent=root)
    assert tally(consulting.id) == {'for': 2, 'against': 1, 'neutral': 1}


def test_committee_hides_with_a_reason_and_the_text_stays(db, cast, consulting):
    comment = post(cast.neighbour, consulting, body='含有他人电话的意见', stance='against')
    operations.hide_comment(cast.staff, comment, '含个人信息')
    db.session.expire_all()
    kept = db.session.get(Comment, comment.id)
    assert kept.body == '含有他人电话的意见'
    assert kept.hidden_reason == '含个人信息'
    assert tally(consulting.id)['against'] == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'comments.hide'))
    assert entry.subject_id == cast.neighbour.id
    assert entry.reason == '含个人信息'
    assert entry.details['comment_id'] == comment.id


@pytest.mark.parametrize('role', ['neighbour', 'representative', 'party', 'deputy', 'staff_b'])
def test_hide_by_non_committee_is_refused(db, cast, consulting, role):
    comment = post(cast.resident, consulting)
    with pytest.raises(Refusal) as caught:
        operations.hide_comment(getattr(cast, role), comment, '不当')
    assert caught.value.code == 'forbidden'
    assert comment.hidden_at is None


def test_hide_needs_a_reason(db, cast, consulting):
    comment = post(cast.resident, consulting)
    with pytest.raises(Refusal) as caught:
        operations.hide_comment(cast.staff, comment, '')
    assert caught.value.code == 'reason_required'
