"""Archiving a topic: the bundle's checklist, waivers with reasons, the director's approval, its refusal naming the
missing items with their legal source, and topics closed before consultation."""

import pytest
import sqlalchemy as sa

from consult.archive import operations
from consult.archive.checklist import checklist
from consult.archive.guards import BUNDLE
from consult.archive.models import ArchiveFile
from consult.kernel.events import BundleItemWaived
from consult.kernel.events import TopicArchived
from consult.kernel.events import subscribe
from consult.kernel.events import unsubscribe
from consult.kernel.refusals import Refusal
from tests.archive.conftest import end_ratings


@pytest.fixture
def published_events():
    seen = []
    for kind in (TopicArchived, BundleItemWaived):
        subscribe(kind, seen.append)
    yield seen
    for kind in (TopicArchived, BundleItemWaived):
        unsubscribe(kind, seen.append)


def test_the_whole_flow_fills_the_bundle(db, cast, fed_back):
    end_ratings(db, fed_back)
    lines = checklist(fed_back)
    keys = [line.key for line in lines.lines]
    for key in ('submission', 'announcement', 'online_log', 'opinion', 'legality_check', 'disclosure'):
        assert lines.line(key).item.present, key
    for key in ('objections', 'implementation', 'feedback'):
        assert lines.line(key).item.present, key
    assert keys.index('submission') < keys.index('opinion') < keys.index('feedback')
    assert not lines.line('sign_in').required  # consulted online: the comment log stands for the sign-in sheet
    assert not lines.line('vote_tally').required  # no vote was held
    assert lines.complete


def test_archiving_is_refused_while_the_ratings_run_naming_the_item_and_its_law(db, cast, fed_back):
    with pytest.raises(Refusal) as refused:
        operations.archive(cast.director, fed_back)
    message = str(refused.value)
    assert refused.value.code == 'bundle_incomplete'
    assert str(checklist(fed_back).line('feedback').item.label) in message  # the missing item, by name
    assert str(BUNDLE.source) in message  # its legal source
    assert '档案管理办法' in str(BUNDLE.source) or 'Archives' in str(BUNDLE.source)
    assert 'domain.md' not in message
    assert 'design' not in message.lower()
    db.session.rollback()
    assert db.session.get(type(fed_back), fed_back.id).status == 'feedback_given'


def test_the_director_approves_and_the_topic_is_archived(db, cast, fed_back, published_events):
    end_ratings(db, fed_back)
    file = operations.archive(cast.director, fed_back)
    db.session.commit()
    assert fed_back.status == 'archived'
    assert file.from_status == 'feedback_given'
    assert file.rule_set_id is not None
    assert [type(e) for e in published_events] == [TopicArchived]
    assert published_events[0].file_id == file.id


def test_staff_assemble_but_do_not_approve(db, cast, fed_back):
    end_ratings(db, fed_back)
    with pytest.raises(Refusal) as refused:
        operations.archive(cast.staff, fed_back)
    assert refused.value.code == 'forbidden'


def test_a_missing_item_is_waived_with_a_reason_then_archived(db, cast, fed_back, published_events):
    with pytest.raises(Refusal):
        operations.waive(cast.staff, fed_back, 'feedback', '  ')  # no reason
    with pytest.raises(Refusal):
        operations.waive(cast.staff, fed_back, 'opinion', '意见已经在卷')  # present: nothing to waive
    with pytest.raises(Refusal):
        operations.waive(cast.resident, fed_back, 'feedback', '居民不能豁免')
    waiver = operations.waive(cast.staff, fed_back, 'feedback', '评议期内居民评价已足够，提前归档')
    db.session.commit()
    with pytest.raises(Refusal) as twice:
        operations.waive(cast.staff, fed_back, 'feedback', '再次豁免的理由')
    assert twice.value.code == 'duplicate'
    assert checklist(fed_back).complete
    operations.archive(cast.director, fed_back)
    db.session.commit()
    assert [type(e) for e in published_events] == [BundleItemWaived, TopicArchived]
    assert published_events[0].waiver_id == waiver.id
    with pytest.raises(Refusal):
        operations.waive(cast.staff, fed_back, 'feedback', '归档后不能再豁免')


@pytest.mark.parametrize('state', ['withdrawn', 'rejected'])
def test_a_topic_closed_before_consultation_is_archived_with_its_submission_record(db, cast, make_topic, state):
    topic = make_topic(state)
    lines = checklist(topic)
    assert [line.key for line in lines.lines if line.required] == ['submission']
    if state == 'withdrawn':  # withdrawn as a draft: never submitted, nothing reviewed
        assert not lines.complete
        with pytest.raises(Refusal) as refused:
            operations.archive(cast.director, topic)
        assert str(lines.line('submission').item.label) in str(refused.value)
        operations.waive(cast.staff, topic, 'submission', '草稿阶段即撤回，未提交审查')
    operations.archive(cast.director, topic)
    db.session.commit()
    assert topic.status == 'archived'
    file = db.session.scalar(sa.select(ArchiveFile).where(ArchiveFile.topic_id == topic.id))
    assert file.from_status == state
    assert [line.key for line in checklist(topic).lines if line.required] == ['submission']


def test_an_open_meeting_or_vote_leaves_the_bundle_incomplete(db, cast, make_vote):
    vote = make_vote()
    lines = checklist(vote.topic)
    assert not lines.line('vote_tally').item.present
    assert lines.line('vote_tally').required
    assert not lines.line('minutes').item.present
    assert lines.line('minutes').required


def test_the_archive_page_shows_the_checklist_and_the_forms(db, cast, fed_back, client, auth):
    auth.login(cast.staff)
    page = client.get(f'/archive/topic/{fed_back.id}').get_data(as_text=True)
    assert 'id="item-feedback"' in page
    assert 'name="reason"' in page  # the waiver form for the missing item
    assert 'Approve archiving</button>' not in page
    auth.logout()
    auth.login(cast.director)
    end_ratings(db, fed_back)
    page = client.get(f'/archive/topic/{fed_back.id}').get_data(as_text=True)
    assert 'Approve archiving</button>' in page
    assert 'Permanent' in page
    assert '30 years' in page
    assert '10 years' in page


def test_the_archive_page_reads_a_fixed_number_of_statements(
    db, cast, fed_back, client, auth, make_resident, count_queries
):
    from consult.implementation.ratings import rate

    auth.login(cast.staff)
    rate(cast.neighbour, fed_back, 4, '好')
    db.session.commit()
    with count_queries() as small:
        assert client.get(f'/archive/topic/{fed_back.id}').status_code == 200
    homes = cast.place.households(cast.place.a)
    for n in range(5):
        rate(make_resident(homes[n % len(homes)]), fed_back, 3, f'评价{n}')
    db.session.commit()
    with count_queries() as large:
        assert client.get(f'/archive/topic/{fed_back.id}').status_code == 200
    assert large.count == small.count
