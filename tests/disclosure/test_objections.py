"""Objections: who files them, when, with what; answers, notifications, overdue flags; irregularity flags."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.disclosure import operations
from consult.disclosure import sweeps
from consult.disclosure.models import Objection
from consult.disclosure.queries import current_publication
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.signals import work_cards
from consult.notifications.models import Notification
from consult.roles.models import Role
from tests.disclosure.conftest import OBJECTION


def _refused(code, call, *args):
    with pytest.raises(Refusal) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    assert caught.value.rule is not None
    return caught.value


def _objections(topic_id):
    from consult.db import db

    return db.session.scalar(sa.select(sa.func.count(Objection.id)).where(Objection.topic_id == topic_id))


def test_a_verified_resident_objects_with_reasons(db, cast, published):
    objection = operations.file_objection(cast.neighbour, published, f'  <b>{OBJECTION}</b>\x00 ')
    db.session.commit()
    assert objection.reasons == OBJECTION  # markup and NUL removed, trimmed
    assert objection.answer_due_at - objection.filed_at == timedelta(days=3)


@pytest.mark.parametrize(
    ('text', 'code'),
    [
        ('', 'empty'),
        ('   ', 'empty'),
        ('\x00\x00', 'empty'),
        ('太短', 'too_short'),
        ('长' * 2001, 'too_long'),
        ('长' * 100_000, 'too_long'),
        (None, 'empty'),
        (['not', 'text'], 'empty'),
    ],
)
def test_bad_reasons_are_refused(db, cast, published, text, code):
    _refused(code, operations.file_objection, cast.neighbour, published, text)
    assert _objections(published.id) == 0


@pytest.mark.parametrize('who', ['outsider', 'stranger', 'staff', 'department'])
def test_only_residents_of_the_community_object(db, cast, published, who):
    _refused('forbidden', operations.file_objection, getattr(cast, who), published, OBJECTION)


def test_one_open_objection_per_resident(db, cast, published):
    operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    _refused('duplicate', operations.file_objection, cast.neighbour, published, OBJECTION + '再次')
    assert _objections(published.id) == 1


def test_no_objection_after_the_window(db, cast, published):
    publication = current_publication(published.id)
    publication.objection_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _refused('window_closed', operations.file_objection, cast.neighbour, published, OBJECTION)


def test_no_objection_before_publication(db, cast, prepared):
    _refused('wrong_state', operations.file_objection, cast.neighbour, prepared, OBJECTION)


def test_the_committee_answers_and_the_objector_is_told(db, cast, published, socket_client, auth):
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    auth.login(cast.neighbour)
    sio = socket_client()
    sio.emit('join_topic', {'topic_id': published.id})
    sio.get_received()
    operations.answer_objection(cast.staff, objection, 'not_upheld', '费用分摊已经居民会议讨论。')
    db.session.commit()
    received = [e for e in sio.get_received() if e['name'] == 'result_changed']
    assert {'topic_id': published.id, 'change': 'objection_answered'} in [e['args'][0] for e in received]
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == cast.neighbour.id)).all()
    assert 'objection_answered' in kinds


@pytest.mark.parametrize(
    ('who', 'answer', 'reasons', 'code'),
    [
        ('neighbour2', 'upheld', '理由充分的答复', 'forbidden'),
        ('staff_b', 'upheld', '理由充分的答复', 'forbidden'),
        ('staff', 'maybe', '理由充分的答复', 'bad_answer'),
        ('staff', 'upheld', '', 'empty'),
    ],
)
def test_bad_answers_are_refused(db, cast, published, who, answer, reasons, code):
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    _refused(code, operations.answer_objection, getattr(cast, who), objection, answer, reasons)
    db.session.refresh(objection)
    assert objection.answered_at is None
    db.session.refresh(published)
    assert published.status == 'result_published'


def test_an_answer_is_given_once(db, cast, published):
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    operations.answer_objection(cast.staff, objection, 'not_upheld', '已作说明的答复')
    db.session.commit()
    _refused('answered', operations.answer_objection, cast.director, objection, 'upheld', '另一份答复内容')


def test_publication_tells_everyone_who_took_part(db, cast, prepared):
    from consult.comments.models import Comment

    commenters = set(db.session.scalars(sa.select(Comment.author_id).where(Comment.topic_id == prepared.id)))
    operations.publish_result(cast.director, prepared)
    db.session.commit()
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.topic_id == prepared.id, Notification.kind.in_(['publish', 'result_published'])
            )
        )
    )
    assert {cast.staff.id, cast.resident.id} <= told  # the submitter and the resident it is for
    assert commenters <= told
    assert cast.director.id not in told


def test_an_overdue_answer_is_flagged_to_the_committee_and_the_supervisors(db, cast, published, make_user, grant):
    supervisor = make_user()
    grant(supervisor, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    objection = operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    assert sweeps.flag_overdue(objection.answer_due_at - timedelta(seconds=1)) == []
    assert sweeps.flag_overdue(objection.answer_due_at) == [objection.id]
    assert sweeps.flag_overdue(objection.answer_due_at + timedelta(hours=1)) == []  # once
    db.session.commit()
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == 'objection_overdue')))
    assert {cast.staff.id, cast.director.id, supervisor.id} <= told
    assert cast.neighbour.id not in told
    objection.answer_due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for user in (supervisor, cast.staff):
        card = next(c for c in work_cards(user) if c.key == 'objections')
        assert card.count == 1
        assert card.rows[0].overdue
        assert card.prominent


def test_the_supervisory_committee_flags_an_irregularity(db, cast, published, make_user, grant):
    supervisor = make_user()
    grant(supervisor, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    flag = operations.flag_irregularity(supervisor, published, '公示未在社区公告栏张贴。')
    operations.answer_irregularity(cast.staff, flag, '已补充张贴并拍照存档。')
    db.session.commit()
    assert flag.answer
    assert flag.answered_by_id == cast.staff.id
    _refused('answered', operations.answer_irregularity, cast.director, flag, '再次答复的内容')
    _refused('forbidden', operations.flag_irregularity, cast.staff, published, '工作人员不能标记的内容')


def test_no_irregularity_flag_before_publication(db, cast, prepared, make_user, grant):
    supervisor = make_user()
    grant(supervisor, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    _refused('wrong_state', operations.flag_irregularity, supervisor, prepared, '尚未公开的内容有问题')
