"""Co-signing: who may, once only (also under concurrent requests), withdrawal before review, live counter."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics import operations
from consult.topics.models import CoSign
from consult.topics.models import SourceChannel
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.topics.queries import active_cosign_count
from tests.topics.conftest import CONTENT
from tests.topics.conftest import at_least


@pytest.fixture
def open_topic(db, cast, cosign_rule):
    cosign_rule(at_least(3))
    topic = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.submit_topic(cast.resident, topic)
    db.session.commit()
    return topic


def test_duplicate_cosign_is_refused(db, cast, open_topic):
    operations.cosign(cast.neighbour, open_topic)
    with pytest.raises(Refusal) as info:
        operations.cosign(cast.neighbour, open_topic)
    assert info.value.code == 'duplicate'
    assert active_cosign_count(open_topic.id) == 1


def test_concurrent_duplicate_hits_the_unique_index(db, cast, open_topic, monkeypatch):
    """The second request passed the read check before the first inserted: the partial index refuses it."""
    db.session.add(CoSign(topic_id=open_topic.id, user_id=cast.neighbour.id))
    db.session.flush()
    monkeypatch.setattr(operations, 'active_cosign', lambda topic_id, user_id: None)
    with pytest.raises(Refusal) as info:
        operations.cosign(cast.neighbour, open_topic)
    assert info.value.code == 'duplicate'
    assert active_cosign_count(open_topic.id) == 1


def test_concurrent_cosigns_at_the_threshold_queue_once_and_both_count(db, cast, open_topic):
    operations.cosign(cast.neighbour, open_topic)
    operations.cosign(cast.neighbour2, open_topic)
    # Another request's co-sign reached the threshold and queued the topic; this request's copy is stale.
    db.session.add(CoSign(topic_id=open_topic.id, user_id=cast.representative.id))
    db.session.execute(sa.update(Topic).where(Topic.id == open_topic.id).values(queued_at=utcnow()))
    set_committed_value(open_topic, 'queued_at', None)
    operations.refresh_count(open_topic)
    assert open_topic.cosign_count == 3
    assert open_topic.queued_at is not None
    queued = db.session.scalar(
        sa.select(sa.func.count()).where(TopicEvent.topic_id == open_topic.id, TopicEvent.action == 'queue')
    )
    assert queued == 0  # the other request wrote its own event; this one wrote none


@pytest.mark.parametrize('who', ['resident', 'minor', 'outsider', 'stranger', 'staff', 'party'])
def test_ineligible_cosigners(db, cast, open_topic, who):
    with pytest.raises(Refusal) as info:
        operations.cosign(getattr(cast, who), open_topic)
    assert info.value.code == 'forbidden'


def test_originator_cannot_cosign_a_topic_submitted_for_them(db, cast, make_topic):
    topic = make_topic('draft', originator=cast.neighbour)
    operations.submit_topic(cast.staff, topic)
    with pytest.raises(Refusal):
        operations.cosign(cast.neighbour, topic)


def test_withdraw_before_review_only(db, cast, open_topic):
    operations.cosign(cast.neighbour, open_topic)
    operations.withdraw_cosign(cast.neighbour, open_topic)
    assert open_topic.cosign_count == 0
    with pytest.raises(Refusal) as info:
        operations.withdraw_cosign(cast.neighbour, open_topic)
    assert info.value.code == 'not_cosigned'
    operations.cosign(cast.neighbour, open_topic)  # may co-sign again after withdrawing
    operations.cosign(cast.neighbour2, open_topic)
    operations.cosign(cast.representative, open_topic)
    assert open_topic.queued_at is not None
    with pytest.raises(Refusal) as info:
        operations.withdraw_cosign(cast.neighbour, open_topic)
    assert info.value.code == 'wrong_state'


def test_cosign_only_while_submitted(db, cast, make_topic):
    for state in ('draft', 'screening', 'rejected'):
        with pytest.raises(Refusal) as info:
            operations.cosign(cast.neighbour, make_topic(state))
        assert info.value.code == 'wrong_state'


def test_counter_is_pushed_to_viewers_of_the_topic(db, client, auth, cast, open_topic, socket_client):
    auth.login(cast.neighbour2)
    viewer = socket_client()
    viewer.emit('join_topic', {'topic_id': open_topic.id})
    viewer.get_received()
    operations.cosign(cast.neighbour, open_topic)
    db.session.commit()
    received = [m for m in viewer.get_received() if m['name'] == 'cosign_count']
    assert received[-1]['args'][0] == {'topic_id': open_topic.id, 'count': 1, 'required': 2}


def test_viewers_cannot_join_a_draft_they_cannot_see(db, client, auth, cast, make_topic, socket_client):
    draft = make_topic('draft')
    auth.login(cast.neighbour)
    viewer = socket_client()
    viewer.get_received()
    viewer.emit('join_topic', {'topic_id': draft.id})
    viewer.emit('join_topic', {'topic_id': 'x'})
    errors = [m for m in viewer.get_received() if m['name'] == 'error']
    assert [e['args'][0]['code'] for e in errors] == ['not_found', 'not_found']


def test_still_needed_takes_the_nearest_alternative_and_all_its_conditions():
    from consult.rules.engine import Condition
    from consult.rules.engine import Rule
    from consult.rules.engine import Threshold
    from consult.rules.engine import evaluate
    from consult.topics.guards import still_needed

    threshold = Threshold(
        (
            Rule((Condition('signatures', '>=', 10, 1, 'one'),)),
            Rule((Condition('signatures', '>=', 3, 1, 'one'), Condition('signatures', '>', 1, 2, 'adults'))),
        )
    )
    counts = {('signatures', 'head'): 2, ('adults', 'head'): 10}
    assert still_needed(evaluate(threshold, counts)) == 4  # 6 for more than half of 10, so 4 more
    counts[('signatures', 'head')] = 6
    assert still_needed(evaluate(threshold, counts)) == 0


def test_topic_page_shows_how_many_are_still_needed(db, client, cast, open_topic):
    operations.cosign(cast.neighbour, open_topic)
    db.session.commit()
    page = client.get(f'/topics/{open_topic.id}').get_data(as_text=True)
    assert '<strong id="cosign-needed">2</strong>' in page
