"""Retention and destruction (domain.md rules 36, 37): never a hard delete; a fixed-term item past its term is
appraised by a group with a residents' representative, then destroyed by the director into the register."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.archive import operations
from consult.archive.checklist import checklist
from consult.archive.export import bundle_files
from consult.archive.models import ArchiveFile
from consult.kernel.clock import utcnow
from consult.kernel.events import RecordDestroyed
from consult.kernel.events import subscribe
from consult.kernel.events import unsubscribe
from consult.kernel.refusals import Refusal
from tests.archive.conftest import end_ratings


@pytest.fixture
def archived(db, cast, fed_back):
    end_ratings(db, fed_back)
    operations.archive(cast.director, fed_back)
    db.session.commit()
    return fed_back


def _age(db, topic, years: int) -> None:
    file = db.session.scalar(sa.select(ArchiveFile).where(ArchiveFile.topic_id == topic.id))
    file.archived_at = utcnow() - timedelta(days=366 * years)
    db.session.commit()


def test_retention_follows_the_community_rule_set(db, cast, archived):
    lines = checklist(archived)
    assert lines.line('minutes').years == 0  # permanent
    assert lines.line('opinion').years == 30
    assert lines.line('announcement').years == 10
    assert lines.line('opinion').term_ends_on.year == lines.file.archived_at.year + 31
    custom = checklist(archived, params={'numbers': {'retention_records_years': 50, 'retention_meeting_years': 0}})
    assert custom.line('opinion').years == 50


def test_nothing_is_appraised_within_its_term_or_ever_if_permanent(db, cast, archived):
    members = [cast.staff.id, cast.representative.id]
    with pytest.raises(Refusal) as early:
        operations.appraise(cast.staff, archived, 'objections', members, '保管期限已满，无保存价值')
    assert early.value.code == 'in_term'
    _age(db, archived, 40)
    with pytest.raises(Refusal) as permanent:
        operations.appraise(cast.staff, archived, 'minutes', members, '保管期限已满，无保存价值')
    assert permanent.value.code == 'permanent'


def test_the_group_must_include_a_residents_representative(db, cast, archived):
    _age(db, archived, 40)
    with pytest.raises(Refusal) as refused:
        operations.appraise(cast.staff, archived, 'objections', [cast.staff.id, cast.director.id], '期满无保存价值')
    assert refused.value.code == 'no_representative'
    with pytest.raises(Refusal) as outsider:
        operations.appraise(
            cast.staff, archived, 'objections', [cast.representative.id, cast.resident.id], '期满无保存价值'
        )
    assert outsider.value.code == 'unknown_member'


def test_an_item_past_its_term_is_destroyed_into_the_register_and_withheld(db, cast, archived, client):
    seen = []
    subscribe(RecordDestroyed, seen.append)
    try:
        _age(db, archived, 40)
        appraisal = operations.appraise(
            cast.staff, archived, 'objections', [cast.staff.id, cast.representative.id], '保管期限已满，无保存价值'
        )
        db.session.commit()
        with pytest.raises(Refusal):
            operations.destroy(cast.staff, appraisal)  # the director carries it out
        entry = operations.destroy(cast.director, appraisal)
        db.session.commit()
        with pytest.raises(Refusal):
            operations.destroy(cast.director, appraisal)
    finally:
        unsubscribe(RecordDestroyed, seen.append)
    assert [e.destruction_id for e in seen] == [entry.id]
    assert entry.retention_years == 30
    assert appraisal.members == [
        {'user_id': cast.staff.id, 'role': 'committee_staff'},
        {'user_id': cast.representative.id, 'role': 'representative'},
    ]
    files = bundle_files(archived.id)
    assert 'parts/objections.csv' not in files
    assert b'"objections": null' in files['record.json']
    assert checklist(archived).line('objections').destroyed
    from consult.disclosure.models import Publication

    assert db.session.scalar(sa.select(sa.func.count(Publication.id)).where(Publication.topic_id == archived.id)) == 1
    register = client.get('/archive/register').get_data(as_text=True)
    assert '保管期限已满，无保存价值' in register
    assert f'#{archived.id}' in register


def test_the_archive_records_load_for_the_transparency_log(db, cast, archived):
    from consult.archive.records import record_kinds
    from consult.kernel.signals import contributions
    from consult.kernel.signals import public_records

    kinds = {kind.name: kind for value in contributions(public_records, None) for kind in value}
    assert {'archive_file', 'archive_waiver', 'archive_destruction'} <= set(kinds)
    assert kinds['archive_file'].load == record_kinds()[0].load
    file = db.session.scalar(sa.select(ArchiveFile).where(ArchiveFile.topic_id == archived.id))
    loaded = kinds['archive_file'].load([file.id, 999_999])
    assert loaded == {
        file.id: {'topic_id': archived.id, 'from_status': 'feedback_given', 'archived_at': file.archived_at.isoformat()}
    }
    _age(db, archived, 40)
    appraisal = operations.appraise(
        cast.staff, archived, 'objections', [cast.staff.id, cast.representative.id], '期满无保存价值'
    )
    entry = operations.destroy(cast.director, appraisal)
    db.session.commit()
    record = kinds['archive_destruction'].load([entry.id])[entry.id]
    assert record['appraisers'] == ['committee_staff', 'representative']
    assert [key for key in record if key.endswith('_id')] == ['topic_id']  # people by capacity, never by id


def test_a_destroyed_items_content_is_withheld_from_the_result_page_and_the_record(db, cast, archived, client):
    from consult.disclosure.public import public_record
    from consult.outcomes.models import Opinion

    assert '同意加装电梯。' in client.get(f'/results/{archived.id}').get_data(as_text=True)
    _age(db, archived, 40)
    appraisal = operations.appraise(
        cast.staff, archived, 'opinion', [cast.director.id, cast.representative.id], '保管期满，无保存价值'
    )
    operations.destroy(cast.director, appraisal)
    db.session.commit()
    assert public_record(archived.id).opinion is None
    assert '同意加装电梯。' not in client.get(f'/results/{archived.id}').get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Opinion.id)).where(Opinion.topic_id == archived.id)) == 1


def test_the_appraisal_and_the_destruction_through_the_page(db, cast, archived, client, auth, csrf):
    from consult.archive.models import Appraisal
    from consult.archive.models import Destruction

    _age(db, archived, 40)
    auth.login(cast.staff)
    page = client.get(f'/archive/topic/{archived.id}').get_data(as_text=True)
    assert f'action="/archive/topic/{archived.id}/appraise"' in page
    token = csrf(f'/archive/topic/{archived.id}')
    url = f'/archive/topic/{archived.id}/appraise'
    data = {'csrf_token': token, 'item': 'opinion', 'reason': '保管期满，无保存价值'}
    client.post(url, data={**data, 'members': [str(cast.staff.id)]})  # no representative: refused
    assert db.session.scalar(sa.select(sa.func.count(Appraisal.id))) == 0
    client.post(url, data={**data, 'members': [str(cast.staff.id), str(cast.representative.id)]})
    appraisal = db.session.scalar(sa.select(Appraisal))
    assert appraisal.item_key == 'opinion'
    assert client.post(f'/archive/appraisal/{appraisal.id}/destroy', data={'csrf_token': token}).status_code == 403
    auth.logout()
    auth.login(cast.director)
    token = csrf(f'/archive/topic/{archived.id}')
    client.post(f'/archive/appraisal/{appraisal.id}/destroy', data={'csrf_token': token})
    assert db.session.scalar(sa.select(Destruction.item_key)) == 'opinion'
