"""The disclosure steps at their boundaries: publish (prepared, two people), the window (to the second, every
objection answered), adopted or not, entrusted or not, an upheld objection."""

from datetime import timedelta

import pytest

from consult.disclosure import operations
from consult.disclosure import sweeps
from consult.disclosure.queries import current_publication
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics import states
from tests.disclosure.conftest import OBJECTION
from tests.disclosure.conftest import end_window


def _refused(code, call, *args, **kwargs):
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    assert caught.value.rule is not None  # every refusal cites its source
    return caught.value


def test_publish_without_a_prepared_publication_is_refused(db, cast, ready):
    _refused('not_prepared', operations.publish_result, cast.director, ready)
    assert ready.status == 'legality_reviewed'


def test_staff_prepare_but_do_not_sign_off(db, cast, prepared):
    _refused('forbidden', operations.publish_result, cast.staff, prepared)
    assert prepared.status == 'legality_reviewed'


def test_the_director_who_prepared_it_does_not_sign_it_off(db, cast, ready):
    operations.prepare_publication(cast.director, ready, '')
    db.session.commit()
    _refused('same_person', operations.publish_result, cast.director, ready)
    assert ready.status == 'legality_reviewed'


def test_preparing_twice_is_refused(db, cast, prepared):
    _refused('prepared', operations.prepare_publication, cast.director, prepared, '')


def test_a_second_approval_that_missed_the_first_is_refused_by_the_database(db, cast, prepared, monkeypatch):
    """Two staff approving at once: the second looked for a waiting publication before the first was committed,
    then counted the round after it. The one-waiting-publication index refuses it, not a second notice."""
    from consult.disclosure import queries
    from consult.disclosure.models import Publication

    monkeypatch.setattr(queries, 'pending_publication', lambda topic_id: None)
    _refused('conflict', operations.prepare_publication, cast.director, prepared, '')
    waiting = db.session.query(Publication).filter_by(topic_id=prepared.id, published_at=None).count()
    assert waiting == 1


def test_only_a_checked_result_is_prepared(db, cast, make_topic):
    topic = make_topic('opinion_formed')
    _refused('wrong_state', operations.prepare_publication, cast.staff, topic, '')


def test_publish_stamps_the_periods_from_the_rule_set(db, cast, published):
    publication = current_publication(published.id)
    assert publication.adopted is True
    assert publication.signed_off_by_id == cast.director.id
    assert publication.prepared_by_id == cast.staff.id
    assert publication.publicity_ends_at - publication.published_at == timedelta(days=7)
    assert publication.objection_ends_at - publication.published_at == timedelta(days=5)
    assert publication.reply_days == 3


def test_a_failed_vote_is_published_not_adopted(db, cast, failed_vote):
    operations.prepare_publication(cast.staff, failed_vote, '')
    operations.publish_result(cast.director, failed_vote)
    db.session.commit()
    assert failed_vote.status == 'result_published'
    assert current_publication(failed_vote.id).adopted is False


def test_no_other_step_reaches_result_published():
    sources = [t for t in states.TRANSITIONS.values() if str(t.target) == 'result_published']
    assert [t.action for t in sources] == ['publish']


def test_the_window_closes_at_the_second(db, cast, published):
    publication = end_window(published, seconds_ago=0)
    ends = publication.publicity_ends_at
    assert sweeps.close_windows(ends - timedelta(seconds=1)) == []
    db.session.commit()
    assert published.status == 'result_published'
    assert sweeps.close_windows(ends) == [(published.id, 'close_window')]
    db.session.commit()
    db.session.refresh(published)
    assert published.status == 'implementing'
    assert current_publication(published.id).window_closed_at == ends
    assert sweeps.close_windows(ends + timedelta(seconds=5)) == []  # once


def test_the_step_itself_refuses_before_the_end(db, cast, published):
    publication = end_window(published, seconds_ago=0)
    refusal = _refused(
        'period_running',
        states.apply,
        published,
        'close_window',
        None,
        now=publication.publicity_ends_at - timedelta(seconds=1),
    )
    assert refusal.rule.code == 'publicity_period'


def test_an_unanswered_objection_keeps_the_window_open(db, cast, published):
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    end_window(published, seconds_ago=10)
    assert sweeps.close_windows(utcnow()) == []
    _refused('unanswered', states.apply, published, 'close_window', None)
    operations.answer_objection(cast.staff, objection, 'not_upheld', '方案已兼顾一楼住户。')
    db.session.commit()
    assert sweeps.close_windows(utcnow()) == [(published.id, 'close_window')]


def test_a_result_not_adopted_stays_published_with_its_window_closed(db, cast, failed_vote):
    operations.prepare_publication(cast.staff, failed_vote, '')
    operations.publish_result(cast.director, failed_vote)
    db.session.commit()
    end_window(failed_vote, seconds_ago=1)
    assert sweeps.close_windows(utcnow()) == [(failed_vote.id, 'window_closed')]
    db.session.commit()
    db.session.refresh(failed_vote)
    assert failed_vote.status == 'result_published'
    assert current_publication(failed_vote.id).window_closed_at is not None
    _refused('not_adopted', states.apply, failed_vote, 'close_window', None)


def test_an_entrusted_result_is_reported_to_its_department(db, cast, published):
    published.entrusting_department_id = cast.place.department.id
    db.session.commit()
    end_window(published, seconds_ago=1)
    _refused('entrusted', states.apply, published, 'close_window', None)
    assert sweeps.close_windows(utcnow()) == [(published.id, 'report_to_gov')]
    db.session.commit()
    db.session.refresh(published)
    assert published.status == 'reported_to_gov'


def test_report_to_gov_refuses_a_topic_nobody_entrusted(db, cast, published):
    end_window(published, seconds_ago=1)
    _refused('not_entrusted', states.apply, published, 'report_to_gov', None)


def test_the_window_steps_are_the_systems(db, cast, published):
    end_window(published, seconds_ago=1)
    _refused('forbidden', states.apply, published, 'close_window', cast.director)


def test_an_upheld_objection_sends_the_result_back(db, cast, published):
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    operations.answer_objection(cast.director, objection, 'upheld', '确有遗漏，重新协商。')
    db.session.commit()
    db.session.refresh(published)
    assert published.status == 'in_consultation'
    assert current_publication(published.id).superseded_at is not None


def test_uphold_is_taken_only_with_an_upheld_objection(db, cast, published):
    _refused('no_objection', states.apply, published, 'uphold_objection', cast.staff, reason='x')
