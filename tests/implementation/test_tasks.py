"""Implementation tasks: owners (the committee, a grid, a department through a dispatched item), deadlines,
progress reports with evidence, completion, and overdue flags (domain.md rules 27, 28, 29)."""

from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.dispatch import operations as dispatch
from consult.dispatch.models import DispatchTicket
from consult.implementation import operations
from consult.implementation.models import Task
from consult.implementation.progress import post_update
from consult.implementation.public import public_implementation
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.signals import work_cards
from consult.topics.attachments.models import TopicAttachment
from consult.topics.attachments.operations import Upload

PNG = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000') + b'\x00' * 20


def _refused(code, operation, *args, **kwargs):
    with pytest.raises(Refusal) as caught:
        operation(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_committee_task_first_report_is_due_within_the_rule_sets_days(db, cast, implementing, make_task):
    before = utcnow()
    task = make_task(implementing)
    assert task.owner == 'committee'
    assert task.report_due_at >= before + timedelta(days=30)
    assert task.report_due_at <= utcnow() + timedelta(days=30)


def test_a_report_moves_the_next_one_a_month_on(db, cast, implementing, make_task):
    task = make_task(implementing)
    update = post_update(cast.staff, task, '已完成设计招标。')
    db.session.commit()
    assert task.report_due_at == update.at + timedelta(days=30)


def test_grid_task_is_updated_by_the_grid_worker_with_evidence(db, cast, implementing, make_task):
    grid = cast.place.a.grids[0]
    task = make_task(implementing, owner='grid', grid_id=grid.id)
    update = post_update(cast.grid_worker, task, '现场已围挡施工。', [Upload('现场.png', 'image/png', PNG)])
    db.session.commit()
    assert update.author_role == 'grid_worker'
    assert [f.filename for f in update.files] == ['现场.png']
    section = public_implementation(implementing, utcnow())
    assert section.tasks[0].owner_name == grid.name
    assert section.tasks[0].updates[0].files[0].name == '现场.png'
    operations.mark_done(cast.grid_worker, task)
    assert task.done


def test_a_bad_evidence_file_stores_nothing(db, cast, implementing, make_task):
    task = make_task(implementing)
    good = Upload('现场.png', 'image/png', PNG)
    _refused(
        'attachment_type', post_update, cast.staff, task, '进展', [good, Upload('x.png', 'image/png', b'MZ\x90\x00')]
    )
    assert not db.session.scalars(sa.select(TopicAttachment)).all()


def test_grid_worker_may_not_report_on_the_committees_task(db, cast, implementing, make_task):
    task = make_task(implementing)
    for actor in (cast.grid_worker, cast.resident, cast.department, cast.staff_b):
        _refused('forbidden', post_update, actor, task, '进展')
        _refused('forbidden', operations.mark_done, actor, task)


@pytest.mark.parametrize('body', ['', '  ', '\x00', '进' * 5001, None])
def test_a_report_needs_its_text(db, cast, implementing, make_task, body):
    task = make_task(implementing)
    _refused('text_required' if not body or len(body) < 10 else 'text_too_long', post_update, cast.staff, task, body)


def test_a_task_is_done_once(db, cast, implementing, make_task):
    task = make_task(implementing)
    operations.mark_done(cast.staff, task)
    _refused('forbidden', operations.mark_done, cast.director, task)  # done: no longer open to change
    stale = Task(id=task.id, topic_id=task.topic_id, owner='committee')
    stale.topic = implementing
    with pytest.raises(Refusal):
        operations._done(stale, cast.director.id)


def test_department_task_is_a_whistle_signed_off_by_the_director(db, cast, implementing, make_task):
    _refused('forbidden', make_task, implementing, 'department', department=cast.place.department)
    task = make_task(implementing, 'department', actor=cast.director, department=cast.place.department)
    ticket = db.session.get(DispatchTicket, task.ticket_id)
    assert ticket.status == 'dispatched'
    assert ticket.purpose == 'implementation'
    assert ticket.signed_off_by_id == cast.director.id
    assert ticket.deadline_at == task.due_at
    # A second department task on the same topic: not a second whistle of the topic, so allowed.
    make_task(implementing, 'department', actor=cast.director, department=cast.place.department, title='第二项')
    _refused('forbidden', operations.mark_done, cast.staff, task)
    dispatch.report(cast.department, ticket)
    dispatch.close(cast.department, ticket, '已完成管线迁改。')
    db.session.commit()
    db.session.refresh(task)
    assert task.done
    assert task.done_by_id == cast.department.id


def test_department_must_serve_the_community(db, cast, implementing, make_task):
    _refused('bad_department', make_task, implementing, 'department', actor=cast.director, department=None)


@pytest.mark.parametrize(
    ('kwargs', 'code'),
    [
        ({'owner': 'nobody'}, 'bad_owner'),
        ({'owner': 'grid', 'grid_id': None}, 'bad_grid'),
        ({'owner': 'grid', 'grid_id': 'x'}, 'bad_grid'),
        ({'owner': 'grid', 'grid_id': 10**20}, 'bad_grid'),
        ({'days': 0}, 'bad_deadline'),
        ({'days': -3}, 'bad_deadline'),
        ({'days': 4000}, 'bad_deadline'),
        ({'title': ''}, 'text_required'),
        ({'title': '\x00'}, 'text_required'),
        ({'title': '长' * 121}, 'text_too_long'),
    ],
)
def test_bad_task_input_is_refused(db, cast, implementing, make_task, kwargs, code):
    _refused(code, make_task, implementing, **kwargs)
    assert not db.session.scalars(sa.select(Task)).all()


def test_grid_of_another_community_is_refused(db, cast, implementing, make_task):
    _refused('bad_grid', make_task, implementing, owner='grid', grid_id=cast.place.b.grids[0].id)


def test_no_deadline_is_refused(db, cast, implementing):
    _refused('no_deadline', operations.add_task, cast.staff, implementing, '任务', 'committee', None)


def test_tasks_only_while_implementing(db, cast, reported, make_task):
    _refused('forbidden', make_task, reported)


def test_overdue_tasks_are_flagged_publicly_and_to_the_committee(db, cast, implementing, make_task):
    late = make_task(implementing, title='逾期任务')
    silent = make_task(implementing, title='未报进展')
    make_task(implementing, title='按期任务')
    late.due_at = utcnow() - timedelta(seconds=1)
    silent.report_due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    section = public_implementation(implementing, utcnow())
    flags = {t.title: (t.past_deadline, t.report_overdue) for t in section.tasks}
    assert flags == {'逾期任务': (True, False), '未报进展': (False, True), '按期任务': (False, False)}
    assert section.overdue_count == 2
    card = next(c for c in work_cards(cast.staff) if c.key == 'implementation_overdue')
    assert card.count == 2
    assert all(row.overdue for row in card.rows)
    assert not [c for c in work_cards(cast.resident) if c.key == 'implementation_overdue']


def test_exactly_at_the_deadline_is_not_overdue(db, cast, implementing, make_task):
    task = make_task(implementing)
    assert not task.past_deadline(task.due_at)
    assert task.past_deadline(task.due_at + timedelta(seconds=1))


def test_department_sees_results_awaiting_its_reply(db, cast, reported):
    card = next(c for c in work_cards(cast.department) if c.key == 'gov_reply')
    assert card.count == 1
    assert not card.rows[0].overdue


def test_deadline_is_the_end_of_the_local_day(db):
    due = operations.deadline_from(date(2026, 12, 31))
    assert due.isoformat() == '2026-12-31T15:59:59+00:00'
