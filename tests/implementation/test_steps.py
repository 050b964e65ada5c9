"""The use-of-results steps of the topic machine at their boundaries: the department's reply, the sign-off,
the explanation residents see, and a correction of an unlawful result (domain.md rules 27, 30)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.implementation import operations
from consult.implementation.models import Feedback
from consult.implementation.models import GovReply
from consult.implementation.models import ResultCorrection
from consult.implementation.public import public_implementation
from consult.implementation.queries import reported_at
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics import states


def _refused(code, operation, *args):
    with pytest.raises(Refusal) as caught:
        operation(*args)
    assert caught.value.code == code, caught.value
    assert caught.value.rule is not None  # every refusal cites its source
    return caught.value


def test_department_adopts_and_the_topic_is_implemented(db, cast, reported):
    operations.reply(cast.department, reported, 'adopted', '同意实施，列入年度计划。')
    db.session.commit()
    assert reported.status == 'implementing'
    reply = db.session.scalar(sa.select(GovReply).where(GovReply.topic_id == reported.id))
    assert reply.decision == 'adopted'
    assert not reply.late
    assert reply.department_id == cast.place.department.id


def test_partly_adopted_also_goes_to_implementation(db, cast, reported):
    operations.reply(cast.department, reported, 'partly', '部分采纳。')
    assert reported.status == 'implementing'


def test_not_adopted_is_the_feedback_and_opens_the_ratings(db, cast, reported):
    operations.reply(cast.department, reported, 'not_adopted', '与现行规划不符，暂不采纳。')
    db.session.commit()
    assert reported.status == 'feedback_given'
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.topic_id == reported.id))
    assert feedback.kind == 'not_adopted'
    assert feedback.text == '与现行规划不符，暂不采纳。'
    assert feedback.rating_ends_at == feedback.at + timedelta(days=15)


def test_reply_at_its_deadline_second_is_in_time_and_one_second_later_is_late(db, cast, reported, monkeypatch):
    due = reported_at(reported) + timedelta(days=90)
    monkeypatch.setattr(operations, 'utcnow', lambda: due)
    operations.reply(cast.department, reported, 'adopted', '按期答复。')
    reply = db.session.scalar(sa.select(GovReply).where(GovReply.topic_id == reported.id))
    assert reply.due_at == due
    assert not reply.late


def test_reply_one_second_late_is_flagged_publicly(db, cast, reported, monkeypatch):
    due = reported_at(reported) + timedelta(days=90)
    monkeypatch.setattr(operations, 'utcnow', lambda: due + timedelta(seconds=1))
    operations.reply(cast.department, reported, 'not_adopted', '逾期答复。')
    db.session.commit()
    section = public_implementation(reported, utcnow())
    assert section.reply.late


def test_awaited_reply_is_flagged_overdue_after_its_deadline(db, cast, reported):
    now = utcnow()
    assert not public_implementation(reported, now).reply_overdue
    due = public_implementation(reported, now).reply_due_at
    assert not public_implementation(reported, due).reply_overdue
    assert public_implementation(reported, due + timedelta(seconds=1)).reply_overdue


@pytest.mark.parametrize('reasons', ['', '   ', '\x00', '理' * 5001, None])
def test_reply_needs_its_reasons(db, cast, reported, reasons):
    _refused(
        'text_required' if reasons is None or len(reasons) < 10 else 'text_too_long',
        operations.reply,
        cast.department,
        reported,
        'adopted',
        reasons,
    )
    assert reported.status == 'reported_to_gov'


@pytest.mark.parametrize('decision', ['', 'maybe', None, 'ADOPTED'])
def test_reply_needs_a_decision(db, cast, reported, decision):
    _refused('bad_decision', operations.reply, cast.department, reported, decision, '理由')


def test_only_the_entrusting_department_replies(db, cast, reported, make_user, grant):
    from consult.communities.models import Department
    from consult.roles.models import Role

    other = Department(city_id=cast.place.department.city_id, name='别的局')
    db.session.add(other)
    db.session.commit()
    outsider = make_user()
    grant(outsider, Role.DEPARTMENT, department=other)
    for actor in (cast.staff, cast.director, cast.resident, outsider):
        _refused('forbidden', operations.reply, actor, reported, 'adopted', '理由')


def test_reply_in_the_wrong_state_is_refused(db, cast, implementing):
    implementing.entrusting_department_id = cast.place.department.id
    _refused('wrong_state', operations.reply, cast.department, implementing, 'adopted', '理由')


def test_second_reply_is_refused(db, cast, reported):
    operations.reply(cast.department, reported, 'adopted', '同意。')
    db.session.commit()
    _refused('wrong_state', operations.reply, cast.department, reported, 'not_adopted', '再答复')


def test_sign_off_needs_tasks(db, cast, implementing):
    _refused('no_tasks', operations.finish, cast.director, implementing, 'completed', '已完成')
    assert implementing.status == 'implementing'


def test_a_task_not_done_blocks_the_sign_off(db, cast, implementing, make_task):
    done, open_task = make_task(implementing), make_task(implementing, title='验收')
    operations.mark_done(cast.staff, done)
    refusal = _refused('tasks_open', operations.finish, cast.director, implementing, 'completed', '已完成')
    assert '1' in refusal.message
    operations.mark_done(cast.staff, open_task)
    operations.finish(cast.director, implementing, 'completed', '电梯已投入使用。')
    db.session.commit()
    assert implementing.status == 'feedback_given'
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.topic_id == implementing.id))
    assert feedback.kind == 'completed'
    assert feedback.text == '电梯已投入使用。'
    assert states.MACHINE.state_of(implementing) == 'feedback_given'


@pytest.mark.parametrize('text', ['', ' \t ', '\x00\x00', '果' * 5001])
def test_sign_off_needs_the_result_text(db, cast, implementing, make_task, text):
    operations.mark_done(cast.staff, make_task(implementing))
    _refused(
        'text_required' if len(text) < 10 else 'text_too_long',
        operations.finish,
        cast.director,
        implementing,
        'completed',
        text,
    )


def test_only_the_director_signs_off(db, cast, implementing, make_task):
    operations.mark_done(cast.staff, make_task(implementing))
    for actor in (cast.staff, cast.party, cast.grid_worker, cast.resident, cast.department):
        _refused('forbidden', operations.finish, actor, implementing, 'completed', '完成')


def test_cannot_implement_needs_an_explanation(db, cast, implementing):
    _refused('text_required', operations.finish, cast.director, implementing, 'cannot', '')
    operations.finish(cast.director, implementing, 'cannot', '资金未落实，无法实施。')
    db.session.commit()
    assert implementing.status == 'feedback_given'
    section = public_implementation(implementing, utcnow())
    assert section.feedback.kind == 'cannot'
    assert section.feedback.text == '资金未落实，无法实施。'


def test_unknown_outcome_is_refused(db, cast, implementing):
    _refused('bad_outcome', operations.finish, cast.director, implementing, 'done', '完成')


def test_finish_in_the_wrong_state(db, cast, reported):
    _refused('wrong_state', operations.finish, cast.director, reported, 'cannot', '无法实施')


def test_a_department_corrects_an_unlawful_result_publicly(db, cast, implementing):
    correction = operations.correct_result(
        cast.department, implementing, '《城市居民委员会组织法》第十五条', '违反法律规定，予以纠正。'
    )
    db.session.commit()
    assert correction.department_id == cast.place.department.id
    section = public_implementation(implementing, utcnow())
    assert section.corrections[0].law == '《城市居民委员会组织法》第十五条'
    assert section.corrections[0].department == cast.place.department.name


def test_correction_by_others_or_without_reason_is_refused(db, cast, implementing):
    for actor in (cast.staff, cast.director, cast.resident):
        _refused('forbidden', operations.correct_result, actor, implementing, '某法', '理由')
    _refused('text_required', operations.correct_result, cast.department, implementing, '', '理由')
    _refused('text_required', operations.correct_result, cast.department, implementing, '某法', '\x00')
    assert not db.session.scalars(sa.select(ResultCorrection)).all()
