"""The path from draft to announcement, each guard at its boundary, and the timeline it leaves."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.topics import operations
from consult.topics import states
from consult.topics.models import SourceChannel
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus
from tests.topics.conftest import CONFIRM
from tests.topics.conftest import CONTENT
from tests.topics.conftest import at_least


def events(db, topic):
    return list(
        db.session.scalars(sa.select(TopicEvent).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id))
    )


def test_resident_topic_reaches_announcement_through_cosigns_review_and_party(db, cast, cosign_rule):
    rules = cosign_rule(at_least(2))
    topic = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    assert topic.originator_id == cast.resident.id
    operations.submit_topic(cast.resident, topic)
    assert topic.status == TopicStatus.SUBMITTED
    assert topic.queued_at is None
    operations.cosign(cast.neighbour, topic)
    assert topic.queued_at is None  # one short
    operations.cosign(cast.neighbour2, topic)
    assert topic.queued_at is not None  # exactly met
    assert topic.review_due_at == topic.queued_at + timedelta(days=7)
    states.apply(topic, 'accept', cast.staff)
    states.apply(topic, 'confirm', cast.party, **CONFIRM)
    db.session.commit()
    assert topic.status == TopicStatus.ANNOUNCED
    assert topic.publicity_ends_at == topic.announced_at + timedelta(days=3)
    assert topic.consultation_form == 'onsite'
    assert topic.categories == ['public_affairs']
    timeline = events(db, topic)
    assert [e.action for e in timeline] == ['create', 'submit', 'queue', 'accept', 'confirm']
    assert all(e.rule_set_id == rules.id for e in timeline)
    assert timeline[2].actor_id is None
    assert timeline[2].actor_role == 'system'
    assert timeline[4].actor_role == 'party_org'
    kinds = set(
        db.session.execute(sa.select(Notification.user_id, Notification.kind).where(Notification.topic_id == topic.id))
    )
    for user in (cast.resident, cast.neighbour, cast.neighbour2):
        assert (user.id, 'confirm') in kinds


def test_staff_submission_on_behalf_keeps_originator_and_is_queued_at_once(db, cast, make_topic):
    topic = make_topic(
        'submitted', submitter=cast.grid_worker, channel=SourceChannel.GRID_PATROL, originator=cast.neighbour
    )
    assert topic.originator_id == cast.neighbour.id
    assert topic.submitted_by_id == cast.grid_worker.id
    assert topic.queued_at is not None


def test_on_behalf_needs_a_verified_resident(db, cast):
    with pytest.raises(Refusal) as info:
        operations.create_draft(cast.staff, cast.place.a, SourceChannel.COUNTER, CONTENT, originator=cast.stranger)
    assert info.value.code == 'no_originator'
    with pytest.raises(Refusal):
        operations.create_draft(cast.staff, cast.place.a, SourceChannel.COUNTER, CONTENT, originator=cast.outsider)


def test_department_entrusts_for_communities_it_serves_only(db, cast):
    topic = operations.create_draft(cast.department, cast.place.a, SourceChannel.DEPARTMENT, CONTENT)
    assert topic.entrusting_department_id == cast.place.department.id
    with pytest.raises(Refusal):
        operations.create_draft(cast.department, cast.place.b, SourceChannel.DEPARTMENT, CONTENT)


@pytest.mark.parametrize(
    ('who', 'channel', 'ok'),
    [
        ('resident', 'online', True),
        ('representative', 'online', True),
        ('deputy', 'deputy_liaison', True),
        ('minor', 'online', True),
        ('outsider', 'online', False),
        ('stranger', 'online', False),
        ('resident', 'counter', False),
        ('party', 'counter', False),
        ('grid_worker', 'counter', False),
        ('deputy', 'online', False),
    ],
)
def test_who_submits_through_which_channel(db, cast, who, channel, ok):
    user = getattr(cast, who)
    originator = cast.resident if channel == 'counter' else None
    if ok:
        assert operations.create_draft(user, cast.place.a, channel, CONTENT, originator=originator).id
    else:
        with pytest.raises(Refusal):
            operations.create_draft(user, cast.place.a, channel, CONTENT, originator=originator)


def test_submit_refused_without_the_exclusion_declaration(db, cast, make_topic):
    topic = make_topic('draft', declared_not_excluded=False)
    with pytest.raises(Refusal) as info:
        operations.submit_topic(cast.staff, topic)
    assert info.value.rule.code == 'scope_declared'
    assert topic.status == TopicStatus.DRAFT


def test_submit_refused_when_the_role_was_revoked(db, cast, make_topic):
    topic = make_topic('draft')
    from consult.roles.models import RoleGrant
    from consult.roles.permissions import forget_grants

    db.session.execute(sa.update(RoleGrant).where(RoleGrant.user_id == cast.staff.id).values(revoked_at=utcnow()))
    forget_grants(cast.staff)
    with pytest.raises(Refusal) as info:
        operations.submit_topic(cast.staff, topic)
    assert info.value.code == 'forbidden'


def test_double_submit_is_refused_and_logged_once(db, cast, make_topic):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as info:
        operations.submit_topic(cast.staff, topic)
    assert info.value.code == 'wrong_state'
    assert [e.action for e in events(db, topic)].count('submit') == 1


def test_concurrent_submit_loses_on_the_conditional_update(db, cast, make_topic):
    """A second request that read DRAFT before the first committed moves nothing and writes nothing."""
    topic = make_topic('draft')
    operations.submit_topic(cast.staff, topic)
    db.session.commit()
    # The stale request: its copy still says DRAFT.
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(topic, 'status', 'draft')
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'submit', cast.staff)
    assert info.value.code == 'conflict'
    db.session.rollback()
    assert [e.action for e in events(db, topic)].count('submit') == 1


def test_accept_needs_the_review_queue(db, cast, cosign_rule):
    cosign_rule(at_least(5))
    topic = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.submit_topic(cast.resident, topic)
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'accept', cast.staff)
    assert info.value.rule.code == 'review_queue'
    # Staff may still reject an excluded matter before the threshold.
    states.apply(topic, 'reject', cast.staff, reason='个人事务', exclusion='private_matter')
    assert topic.status == TopicStatus.REJECTED
    assert topic.public is False


def test_queue_refused_one_short_of_a_share_of_adults(db, cast, cosign_rule):
    from consult.rules.engine import Condition
    from consult.rules.engine import Threshold
    from consult.topics.queries import adult_resident_count

    adults = adult_resident_count(cast.place.a.id)  # resident, neighbour, neighbour2, representative
    assert adults == 4
    cosign_rule(Threshold.all_of(Condition('signatures', '>', 1, 2, 'adults')))  # more than half: 3 of 4
    topic = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.submit_topic(cast.resident, topic)
    operations.cosign(cast.neighbour, topic)
    operations.cosign(cast.neighbour2, topic)
    assert topic.queued_at is None  # 2 of 4 is not more than half
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'queue', None)
    assert info.value.code == 'threshold_not_met'
    operations.cosign(cast.representative, topic)
    assert topic.queued_at is not None


def test_reject_needs_a_reason_and_shows_the_redirect(db, cast, make_topic):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'reject', cast.staff, reason='   ')
    assert info.value.rule.code == 'reason_required'
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'reject', cast.staff, reason='x', exclusion='no_such_type')
    assert info.value.code == 'bad_exclusion'
    states.apply(topic, 'reject', cast.staff, reason='属于部门职责', exclusion='department_duty')
    assert topic.exclusion_code == 'department_duty'
    assert topic.decision_reason == '属于部门职责'


@pytest.mark.parametrize(
    ('change', 'code'),
    [
        ({'categories': []}, 'no_category'),
        ({'categories': ['not_a_category']}, 'bad_category'),
        ({'participant_scope': ' '}, 'no_participants'),
        ({'form': 'carrier_pigeon'}, 'no_form'),
        ({'form_reason': ''}, 'no_form_reason'),
    ],
)
def test_confirm_guards(db, cast, make_topic, change, code):
    topic = make_topic('screening')
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'confirm', cast.party, **{**CONFIRM, **change})
    assert info.value.code == code
    assert info.value.rule is not None
    assert str(info.value.rule.source)
    assert topic.status == TopicStatus.SCREENING


def test_private_matter_is_never_announced(db, cast, make_topic):
    topic = make_topic('screening', private=True)
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'confirm', cast.party, **CONFIRM)
    assert info.value.code == 'private'


def test_escalated_topic_is_confirmed_by_the_joint_party_committee(db, cast, make_topic):
    topic = make_topic('escalated')
    assert topic.escalated_to_id == cast.place.central.id
    with pytest.raises(Refusal):
        states.apply(topic, 'take_up', cast.party)
    states.apply(topic, 'take_up', cast.joint)
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'confirm', cast.party, **CONFIRM)
    assert info.value.code == 'forbidden'
    with pytest.raises(Refusal) as info:
        states.apply(topic, 'escalate', cast.joint, reason='again')
    assert info.value.code == 'escalated'
    states.apply(topic, 'confirm', cast.joint, **CONFIRM)
    assert topic.status == TopicStatus.ANNOUNCED
    assert events(db, topic)[-1].actor_role == 'joint_party_committee'


def test_merge_carries_cosigners_without_duplicates_and_tells_them(db, cast, make_topic, cosign_rule):
    cosign_rule(at_least(10))
    target = operations.create_draft(cast.neighbour, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.submit_topic(cast.neighbour, target)
    operations.cosign(cast.neighbour2, target)
    source = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.submit_topic(cast.resident, source)
    operations.cosign(cast.neighbour2, source)
    operations.cosign(cast.representative, source)
    states.apply(source, 'merge', cast.staff, reason='同一事项', target=target)
    assert source.status == TopicStatus.MERGED
    assert source.merged_into_id == target.id
    from consult.topics.queries import active_cosign_count

    # resident (source submitter) and representative carried; neighbour2 not twice; neighbour is the target's submitter.
    assert active_cosign_count(target.id) == 3
    assert target.cosign_count == 3
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == 'merge')))
    assert {cast.resident.id, cast.neighbour2.id, cast.representative.id} <= told


def test_merge_only_within_the_community_and_into_open_topics(db, cast, make_topic):
    topic = make_topic('submitted')
    closed = make_topic('rejected')
    for (target,) in [(topic,), (closed,), (None,)]:
        with pytest.raises(Refusal):
            states.apply(topic, 'merge', cast.staff, reason='x', target=target)


def test_withdraw_by_submitter_before_announcement_and_by_committee_after(db, cast, make_topic):
    announced = make_topic('announced')
    with pytest.raises(Refusal):
        states.apply(announced, 'withdraw', cast.staff)  # the submitter (staff here) cannot after announcement
    with pytest.raises(Refusal) as info:
        states.apply(announced, 'withdraw_by_committee', cast.director, reason='')
    assert info.value.rule.code == 'reason_required'
    states.apply(announced, 'withdraw_by_committee', cast.director, reason='情况已变化')
    assert announced.status == TopicStatus.WITHDRAWN


def test_every_status_change_has_an_event_with_the_rule_version(db, cast, make_topic):
    topic = make_topic('announced')
    changes = [e for e in events(db, topic) if e.from_status != e.to_status]
    assert [(e.from_status, e.to_status) for e in changes] == [
        ('draft', 'submitted'),
        ('submitted', 'screening'),
        ('screening', 'announced'),
    ]
    assert all(e.rule_set_id for e in changes)


def test_markdown_is_rendered_safely(db, cast, make_topic):
    topic = make_topic(
        'draft', body='<script>alert(1)</script> **bold** [x](javascript:alert(1)) [ok](https://example.org)'
    )
    assert '<script>' not in topic.body_html
    assert '&lt;script&gt;' in topic.body_html
    assert '<strong>bold</strong>' in topic.body_html
    assert 'href="javascript' not in topic.body_html
    assert 'href="https://example.org"' in topic.body_html


@pytest.mark.parametrize(
    'change',
    [
        {'title': ''},
        {'body': '  '},
        {'title': 'x' * 121},
        {'body': 'x' * 20001},
        {'area_kind': 'planet'},
        {'area_kind': 'grids', 'grid_ids': ['x']},
        {'categories': ['nonsense']},
    ],
)
def test_bad_input_saves_nothing(db, cast, change):
    from consult.topics.models import Topic

    before = db.session.scalar(sa.select(sa.func.count()).select_from(Topic))
    with pytest.raises(Refusal):
        operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, {**CONTENT, **change})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) == before


def test_area_must_be_grids_or_buildings_of_the_community(db, cast):
    grid_a = cast.place.a.grids[0]
    grid_b = cast.place.b.grids[0]
    topic = operations.create_draft(
        cast.resident, cast.place.a, SourceChannel.ONLINE, {**CONTENT, 'area_kind': 'grids', 'grid_ids': [grid_a.id]}
    )
    assert topic.grids == [grid_a]
    with pytest.raises(Refusal):
        operations.create_draft(
            cast.resident,
            cast.place.a,
            SourceChannel.ONLINE,
            {**CONTENT, 'area_kind': 'grids', 'grid_ids': [grid_b.id]},
        )
    with pytest.raises(Refusal):
        operations.create_draft(
            cast.resident, cast.place.a, SourceChannel.ONLINE, {**CONTENT, 'area_kind': 'buildings'}
        )


def test_edit_only_by_submitter_before_review(db, cast, make_topic):
    topic = operations.create_draft(cast.resident, cast.place.a, SourceChannel.ONLINE, CONTENT)
    operations.edit_topic(cast.resident, topic, {**CONTENT, 'title': '新标题'})
    assert topic.title == '新标题'
    with pytest.raises(Refusal):
        operations.edit_topic(cast.neighbour, topic, CONTENT)
    queued = make_topic('submitted')
    with pytest.raises(Refusal) as info:
        operations.edit_topic(cast.staff, queued, CONTENT)
    assert info.value.code == 'wrong_state'


def test_timeline_is_append_only(db, cast, make_topic):
    topic = make_topic('submitted')
    entry = events(db, topic)[0]
    entry.reason = 'rewritten'
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events(db, topic)[0])
    with pytest.raises(ValueError, match='append-only'):
        db.session.flush()
    db.session.rollback()
