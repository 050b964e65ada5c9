"""What topics connects when the app is built: its notifications, labels and the steps' predicates."""

from flask import url_for
from flask_babel import gettext as _

from consult.kernel import actions
from consult.kernel.clock import utcnow
from consult.kernel.events import TopicMoved
from consult.kernel.events import TopicNoted
from consult.kernel.events import subscribe
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import home_work
from consult.kernel.signals import public_records
from consult.notifications.operations import register_kinds
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.topics import notifications
from consult.topics import operations
from consult.topics import permissions as p
from consult.topics import queries
from consult.topics import record_kinds
from consult.topics import states


def _carry_cosigns(topic, actor, rules, reason, data) -> None:
    operations.carry_cosigns(topic, data['target'])


#: Rows of each queue shown on the home page (the card links to the whole queue).
HOME_ROWS = 5


def _home_work(user) -> list[WorkCard]:
    """The committee's admissibility review queue and the Party organisation's approval queue, with deadlines."""
    cards = []
    now = utcnow()
    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    if committee:
        page = queries.review_queue(committee, 1, per_page=HOME_ROWS)
        rows = tuple(
            WorkRow(
                t.title,
                url_for('topics.detail', topic_id=t.id),
                due_at=t.review_due_at,
                overdue=t.review_due_at is not None and now > t.review_due_at,
                note=t.community.name,
            )
            for t in page.items
        )
        cards.append(
            WorkCard('review', _('Admissibility review'), page.total, url_for('topics.review_queue'), rows, 10)
        )
    party = p.party_community_ids(user)
    if party:
        page = queries.confirmation_queue(party, 1, per_page=HOME_ROWS)
        rows = tuple(
            WorkRow(t.title, url_for('topics.detail', topic_id=t.id), note=t.community.name) for t in page.items
        )
        cards.append(
            WorkCard(
                'confirmation',
                _('Party organisation approval'),
                page.total,
                url_for('topics.confirmation_queue'),
                rows,
                10,
            )
        )
    return cards


#: The review decisions that close a topic's admissibility review or its selection.
REVIEW_STEPS = frozenset({'accept', 'reject', 'merge', 'redirect', 'withdraw', 'withdraw_by_committee', 'refuse'})


def _bundle_items(topic, **_kwargs) -> list[BundleItem]:
    """Rule 34: the submission and review record; the agenda's publication (the topic's announcement)."""
    import sqlalchemy as sa

    from consult.db import db
    from consult.topics.models import TopicEvent

    steps = set(db.session.scalars(sa.select(TopicEvent.action).where(TopicEvent.topic_id == topic.id)))
    page = bundle_url('topics.detail', topic_id=topic.id)
    return [
        BundleItem(
            'submission',
            _('Topic submission and review record'),
            topic.submitted_at is not None and bool(steps & REVIEW_STEPS),
            url=page,
        ),
        BundleItem(
            'announcement',
            _('Agenda publication and notice'),
            topic.announced_at is not None and topic.publicity_ends_at is not None,
            url=page,
        ),
    ]


def plug() -> None:
    public_records.connect(record_kinds.contribute, weak=False)
    # Operations take steps through ``states``; the merge's effect needs an operation, so it is plugged in here.
    states.MACHINE.extend('merge', effect=_carry_cosigns)
    subscribe(TopicMoved, notifications.on_topic_moved)
    subscribe(TopicNoted, notifications.on_topic_noted)
    register_kinds(states.ACTION_LABELS)
    home_work.connect(_home_work, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    actions.register_machine(states.MACHINE)
    # Actions on a topic that are not steps of its machine (the state is part of each predicate).
    actions.register_all(
        'topic',
        {
            'view': p.can_view_topic,
            'edit': p.can_edit_topic,
            'attach': p.can_attach,
            'cosign': p.may_cosign,
            # The queues (asked of nothing): the navigation and the home page offer them.
            'review_queue': p.may_use_review_queue,
            'confirmation_queue': p.may_use_confirmation_queue,
        },
    )
