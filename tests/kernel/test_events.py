"""Domain events: listeners in the transaction, after the commit only, once each, by event class."""

from dataclasses import FrozenInstanceError
from datetime import UTC
from datetime import datetime

import pytest

from consult.kernel import events
from consult.kernel.events import DomainEvent
from consult.kernel.events import ResidenceChanged
from consult.kernel.events import StateChanged
from consult.kernel.events import TopicMoved
from consult.kernel.refusals import Refusal
from consult.topics import states

AT = datetime(2026, 12, 4, tzinfo=UTC)


@pytest.fixture
def listen():
    """``listen(event_type, listener, after_commit=False)``: subscribe for this test only."""
    connected = []

    def connect(event_type, listener, after_commit=False):
        events.subscribe(event_type, listener, after_commit=after_commit)
        connected.append((event_type, listener, after_commit))

    yield connect
    for event_type, listener, after_commit in connected:
        events.unsubscribe(event_type, listener, after_commit=after_commit)


def _changed(*ids):
    return ResidenceChanged(community_ids=frozenset(ids), at=AT)


def test_events_are_frozen():
    with pytest.raises(FrozenInstanceError):
        _changed(1).at = None


def test_a_listener_in_the_transaction_runs_at_once(app, db, listen):
    seen = []
    listen(ResidenceChanged, seen.append)
    events.publish(_changed(1))
    assert seen == [_changed(1)]


def test_subscribing_twice_delivers_once(app, db, listen):
    seen = []
    listen(ResidenceChanged, seen.append)
    listen(ResidenceChanged, seen.append)
    events.publish(_changed(2))
    assert seen == [_changed(2)]


def test_after_commit_listeners_wait_for_the_commit(app, db, listen):
    seen = []
    listen(ResidenceChanged, seen.append, after_commit=True)
    events.publish(_changed(3))
    assert seen == []
    db.session.commit()
    assert seen == [_changed(3)]


def test_after_commit_listeners_never_hear_of_a_rollback(app, db, listen):
    seen = []
    listen(ResidenceChanged, seen.append, after_commit=True)
    events.publish(_changed(4))
    db.session.rollback()
    db.session.commit()
    assert seen == []


def test_a_failing_after_commit_listener_does_not_undo_the_step(app, db, caplog, listen):
    def broken(event):
        raise RuntimeError('listener broke')

    listen(ResidenceChanged, broken, after_commit=True)
    events.publish(_changed(5))
    db.session.commit()
    assert 'after-commit listener failed' in caplog.text


def test_a_base_class_hears_every_subclass(app, db, make_topic, cast, listen):
    heard = []
    listen(StateChanged, heard.append)
    topic = make_topic('submitted')
    states.apply(topic, 'accept', cast.staff)
    moved = [event for event in heard if isinstance(event, TopicMoved) and event.subject_id == topic.id]
    assert moved[-1] == TopicMoved(
        machine='topic',
        subject_id=topic.id,
        action='accept',
        source='submitted',
        target='screening',
        actor_id=cast.staff.id,
        reason='',
    )


def test_a_refused_step_publishes_nothing(app, db, make_topic, cast, listen):
    heard = []
    listen(TopicMoved, heard.append)
    topic = make_topic('draft')
    with pytest.raises(Refusal) as refused:
        states.apply(topic, 'accept', cast.staff)
    assert refused.value.code == 'wrong_state'
    assert heard == []


def test_every_published_class_is_a_domain_event():
    catalogue = [getattr(events, name) for name in dir(events) if isinstance(getattr(events, name), type)]
    published = [cls for cls in catalogue if issubclass(cls, DomainEvent)]
    assert {cls.__name__ for cls in published} >= {
        'TopicMoved',
        'TicketMoved',
        'PetitionMoved',
        'ClaimDecided',
        'MeetingMoved',
        'ResidenceChanged',
        'TopicNoted',
    }


def test_a_released_savepoint_is_not_a_commit(app, db, listen):
    """SQLAlchemy calls after_commit when a SAVEPOINT is released; listeners wait for the real commit."""
    seen = []
    listen(ResidenceChanged, seen.append, after_commit=True)
    events.publish(_changed(6))
    with db.session.begin_nested():
        pass
    assert seen == []
    db.session.commit()
    assert seen == [_changed(6)]
