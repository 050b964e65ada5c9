"""Structured minutes: notes per item, dissenting views, the chair's sign-off with its hash, appended corrections."""

import hashlib
import json

import pytest
import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.kernel.refusals import Refusal
from consult.kernel.signals import MotionLine
from consult.kernel.signals import meeting_motions
from consult.meetings import checkin
from consult.meetings import guards as g
from consult.meetings import live
from consult.meetings import minutes
from consult.meetings import operations as ops
from consult.meetings import snapshot
from consult.meetings.minutes_models import MinutesCorrection
from consult.meetings.minutes_models import SignedMinutes
from tests.meetings.conftest import reload


def close(db, cast, meeting, text='会议记录：讨论了三个方案。'):
    """Three of four voters present, some minutes, closed with an opinion (committed)."""
    for person in (cast.resident, cast.neighbour, cast.neighbour2):
        checkin.mark_present(cast.staff, meeting, person)
    if text:
        ops.save_minutes(cast.staff, meeting, text, meeting.minutes_rev)
    ops.close_meeting(cast.director, meeting, 'consensus', '同意方案二')
    db.session.commit()
    return meeting


@pytest.fixture
def closed_meeting(db, cast, open_meeting):
    return close(db, cast, open_meeting)


@pytest.fixture
def signed_meeting(db, cast, closed_meeting):
    minutes.sign_minutes(cast.director, closed_meeting)
    db.session.commit()
    return closed_meeting


def test_the_parts_of_the_minutes_are_saved_as_one_revision(db, cast, open_meeting):
    first, second = open_meeting.items
    minutes.save_structured(
        cast.staff,
        open_meeting,
        0,
        text='  其他事项  ',
        notes={first.id: '介绍了三个方案。', second.id: '多数赞成方案二。'},
        dissents=[('反对加装：影响一楼采光。', '3号楼一楼住户'), ('', ''), ('费用分摊不公。', '')],
    )
    db.session.commit()
    meeting = reload(db, open_meeting)
    assert meeting.minutes_rev == 1
    assert meeting.minutes == '其他事项'
    assert [item.notes for item in meeting.items] == ['介绍了三个方案。', '多数赞成方案二。']
    assert meeting.dissents == [
        {'view': '反对加装：影响一楼采光。', 'held_by': '3号楼一楼住户'},
        {'view': '费用分摊不公。', 'held_by': ''},
    ]
    # A part left out stays as it was.
    minutes.save_structured(cast.staff, meeting, 1, notes={first.id: '改写'})
    db.session.commit()
    meeting = reload(db, meeting)
    assert (meeting.minutes, meeting.items[0].notes, len(meeting.dissents)) == ('其他事项', '改写', 2)


def test_a_save_from_an_older_revision_is_refused_and_changes_nothing(db, cast, open_meeting):
    item = open_meeting.items[0]
    minutes.save_structured(cast.staff, open_meeting, 0, notes={item.id: '秘书甲的记录'})
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        minutes.save_structured(cast.staff, open_meeting, 0, notes={item.id: '旧页面的记录'}, text='旧')
    assert refused.value.code == 'conflict'
    assert refused.value.rule is g.MINUTES
    db.session.rollback()
    meeting = reload(db, open_meeting)
    assert (meeting.items[0].notes, meeting.minutes, meeting.minutes_rev) == ('秘书甲的记录', '', 1)


@pytest.mark.parametrize(
    ('kwargs', 'code'),
    [
        ({'notes': {999_999: 'x'}}, 'not_found'),
        ({'notes': {'1': 'x'}}, 'not_found'),
        ({'dissents': [('', '某人')]}, 'empty'),
        ({'dissents': [('x' * 2001, '')]}, 'too_long'),
        ({'dissents': [(f'意见{n}', '') for n in range(31)]}, 'too_many'),
        ({'text': 'x' * 100_001}, 'too_long'),
    ],
)
def test_bad_input_is_refused_with_a_message(db, cast, open_meeting, kwargs, code):
    with pytest.raises(Refusal) as refused:
        minutes.save_structured(cast.staff, open_meeting, 0, **kwargs)
    assert refused.value.code == code
    assert str(refused.value)


def test_only_the_secretary_writes_and_only_once_the_session_opened(db, cast, make_meeting, open_meeting):
    with pytest.raises(Refusal) as refused:
        minutes.save_structured(cast.director, open_meeting, 0, text='主持人代写')
    assert refused.value.code == 'forbidden'
    scheduled = make_meeting()
    with pytest.raises(Refusal) as refused:
        minutes.save_structured(cast.staff, scheduled, 0, text='提前写')
    assert refused.value.code == 'wrong_state'


def test_notes_on_an_item_are_minutes_enough_to_close(db, cast, open_meeting):
    checkin.mark_present(cast.staff, open_meeting, cast.resident)
    with pytest.raises(Refusal) as refused:
        ops.close_meeting(cast.director, open_meeting, 'no_consensus', '再议')
    assert refused.value.code == 'no_minutes'
    minutes.save_structured(cast.staff, open_meeting, 0, notes={open_meeting.items[1].id: '意见分歧较大'})
    ops.close_meeting(cast.director, open_meeting, 'no_consensus', '再议')
    db.session.commit()
    assert reload(db, open_meeting).status == 'closed'


def test_the_secretary_goes_on_writing_after_closing_until_the_sign_off(db, cast, closed_meeting):
    rev = closed_meeting.minutes_rev
    minutes.save_structured(cast.staff, closed_meeting, rev, dissents=[('不同意方案二', '王某')])
    db.session.commit()
    assert reload(db, closed_meeting).dissents == [{'view': '不同意方案二', 'held_by': '王某'}]


def test_only_the_chair_signs_and_only_after_closing(db, cast, open_meeting):
    ops.save_minutes(cast.staff, open_meeting, '记录', 0)
    with pytest.raises(Refusal) as refused:
        minutes.sign_minutes(cast.director, open_meeting)
    assert refused.value.code == 'wrong_state'
    close(db, cast, open_meeting, text=None)
    for person in (cast.staff, cast.resident, cast.party):
        with pytest.raises(Refusal) as refused:
            minutes.sign_minutes(person, open_meeting)
        assert refused.value.code == 'forbidden'
    signed = minutes.sign_minutes(cast.director, open_meeting)
    db.session.commit()
    meeting = reload(db, open_meeting)
    assert meeting.minutes_signed_by_id == cast.director.id
    assert meeting.minutes_signed_at == signed.signed_at
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == 'meeting.minutes_signed'))
    assert audit.details == {'meeting_id': meeting.id, 'sha256': signed.sha256}


def test_signing_twice_is_refused(db, cast, signed_meeting):
    with pytest.raises(Refusal) as refused:
        minutes.sign_minutes(cast.director, signed_meeting)
    assert refused.value.code == 'already_signed'
    assert db.session.scalar(sa.select(sa.func.count(SignedMinutes.id))) == 1


def test_a_save_after_the_chair_read_the_minutes_makes_them_read_again(db, cast, closed_meeting):
    read = closed_meeting.minutes_rev
    minutes.save_structured(cast.staff, closed_meeting, read, text='补充')
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        minutes.sign_minutes(cast.director, closed_meeting, read)
    assert refused.value.code == 'conflict'
    minutes.sign_minutes(cast.director, closed_meeting, read + 1)


def test_signed_minutes_refuse_every_edit_citing_the_archives_rule(db, cast, signed_meeting):
    item = signed_meeting.items[0]
    for kwargs in ({'text': '改'}, {'notes': {item.id: '改'}}, {'dissents': [('改', '')]}):
        with pytest.raises(Refusal) as refused:
            minutes.save_structured(cast.staff, signed_meeting, signed_meeting.minutes_rev, **kwargs)
        assert refused.value.code == 'signed'
        assert refused.value.rule is g.ARCHIVES
        assert str(g.ARCHIVES.source) in str(refused.value)


def test_the_signed_document_verifies_against_its_sha256(db, cast, signed_meeting):
    signed = db.session.scalar(sa.select(SignedMinutes).where(SignedMinutes.meeting_id == signed_meeting.id))
    assert hashlib.sha256(signed.document.encode('utf-8')).hexdigest() == signed.sha256
    document = json.loads(signed.document)
    again = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    assert again == signed.document
    assert snapshot.verify(signed)
    assert document['format'] == 'consult.minutes/1'
    assert document['signed'] == {
        'by': {'id': cast.director.id, 'name': cast.director.display_name},
        'at': signed.signed_at.isoformat(),
    }
    assert document['text'] == '会议记录：讨论了三个方案。'
    attendance = document['attendance']
    assert (attendance['signed_in'], attendance['present'], attendance['members']) == (3, 3, 4)
    assert (attendance['required'], attendance['met']) == (3, True)
    assert attendance['rule'] == signed_meeting.rule_set.params['meetings']['residents_meeting']['quorum']
    assert [item['title'] for item in document['items']] == ['方案介绍', '讨论']
    tampered = SignedMinutes(document=signed.document.replace('方案', '万案'), sha256=signed.sha256)
    assert not snapshot.verify(tampered)


def test_the_signed_document_stays_as_signed_when_the_record_moves_on(db, cast, signed_meeting):
    def late_motion(meeting, **kwargs):  # e.g. a vote result recorded after the sign-off
        return [MotionLine('补充表决', None, 'closed', '通过', '')]

    meeting_motions.connect(late_motion)
    try:
        assert len(snapshot.sections(signed_meeting)['motions']) == 1
        assert snapshot.read(snapshot.signed_of(signed_meeting))['motions'] == []
    finally:
        meeting_motions.disconnect(late_motion)


def test_speakers_are_listed_with_the_item_they_spoke_under(db, cast, open_meeting):
    second = open_meeting.items[1]
    live.start_item(cast.director, open_meeting, second.id)
    live.raise_hand(cast.resident, open_meeting)
    live.give_floor(cast.director, open_meeting, cast.resident.id, 3)
    live.end_turn(cast.director, open_meeting)
    db.session.commit()
    [speaker] = snapshot.sections(open_meeting)['speakers']
    assert speaker['user_id'] == cast.resident.id
    assert speaker['name'] == cast.resident.display_name
    assert speaker['badge'] == 'resident'
    assert speaker['item_id'] == second.id
    assert speaker['floor_at']
    assert speaker['ended_at']


def test_a_motion_from_the_votes_extension_point_is_in_the_signed_minutes(db, cast, closed_meeting):
    meeting_id = closed_meeting.id
    line = MotionLine('关于加装电梯方案二的表决', closed_meeting.items[1].id, 'closed', '通过：赞成3票', '/votes/1')

    def receiver(meeting, **kwargs):
        return [line] if meeting.id == meeting_id else None

    meeting_motions.connect(receiver)
    try:
        minutes.sign_minutes(cast.director, closed_meeting)
        db.session.commit()
    finally:
        meeting_motions.disconnect(receiver)
    document = snapshot.read(snapshot.signed_of(closed_meeting))
    assert document['motions'] == [
        {
            'title': '关于加装电梯方案二的表决',
            'agenda_item_id': closed_meeting.items[1].id,
            'status': 'closed',
            'result': '通过：赞成3票',
            'url': '/votes/1',
        }
    ]


def test_corrections_are_appended_by_the_secretary_or_the_chair(db, cast, closed_meeting):
    with pytest.raises(Refusal) as refused:
        minutes.correct_minutes(cast.staff, closed_meeting, '更正', '笔误')
    assert refused.value.code == 'not_signed'
    minutes.sign_minutes(cast.director, closed_meeting)
    with pytest.raises(Refusal) as refused:
        minutes.correct_minutes(cast.resident, closed_meeting, '更正', '笔误')
    assert refused.value.code == 'forbidden'
    with pytest.raises(Refusal) as refused:
        minutes.correct_minutes(cast.staff, closed_meeting, '更正', '  ')
    assert refused.value.code == 'reason_required'
    minutes.correct_minutes(cast.staff, closed_meeting, '第二项“四票”应为“三票”。', '笔误')
    minutes.correct_minutes(cast.director, closed_meeting, '补记王某的反对意见。', '遗漏')
    db.session.commit()
    corrections = snapshot.corrections_of(closed_meeting)
    assert [(c.author_id, c.reason) for c in corrections] == [(cast.staff.id, '笔误'), (cast.director.id, '遗漏')]
    assert snapshot.verify(snapshot.signed_of(closed_meeting))  # the signed document is untouched


def test_corrections_and_the_signed_document_cannot_be_changed_or_deleted(db, cast, signed_meeting):
    correction = minutes.correct_minutes(cast.staff, signed_meeting, '更正', '笔误')
    db.session.commit()
    correction.body = '改写更正'
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(MinutesCorrection, correction.id))
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
    signed = snapshot.signed_of(signed_meeting)
    signed.document = '{}'
    with pytest.raises(ValueError, match='as they were signed'):
        db.session.flush()
    db.session.rollback()
