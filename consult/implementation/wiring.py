"""What implementation connects when the app is built: the checks and records of the use-of-results steps, the
task finished when its dispatched item closes, the people told of the result, the topic page's section, the
dispatched item's ratings, the home page's work and the predicates of its actions."""

from flask import current_app
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.dispatch.permissions import department_ids
from consult.kernel import actions
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.events import TicketMoved
from consult.kernel.events import TopicMoved
from consult.kernel.events import subscribe
from consult.kernel.rooms import user_room
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import home_work
from consult.kernel.signals import public_records
from consult.kernel.signals import ticket_page
from consult.kernel.signals import topic_page
from consult.notifications.operations import notify
from consult.notifications.operations import queue_mail
from consult.notifications.operations import register_kinds
from consult.realtime import TopicChanged
from consult.realtime import emit_after_commit
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.rules.queries import rules_in_force
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.topics.notifications import recipients
from consult.topics.states import MACHINE as TOPIC

from . import guards as g
from . import operations
from . import permissions as p
from . import queries
from . import record_kinds
from .routes import implementation_section

HOME_ROWS = 5
#: The notification people who took part get when the implementation result is published.
RESULT_KIND = 'implementation_result'
KIND_LABELS = {RESULT_KIND: _l('The implementation result of a topic you took part in is published')}


def _topic_page(topic, user=None, **_kwargs) -> dict:
    return implementation_section(topic, user)


def _ticket_page(ticket, user=None, **_kwargs) -> dict:
    """A department's item carrying out a result shows the residents' ratings of that result."""
    if ticket.purpose != 'implementation':
        return {}
    topic = ticket.topic
    ratings = None
    if topic.public and queries.feedback_of(topic.id) is not None:
        distribution = queries.distribution(topic.id)
        ratings = {'distribution': distribution, 'count': sum(distribution.values())}
    return {'implementation_ratings': ratings, 'implementation_topic': topic}


def notify_result(event) -> None:
    """``TopicMoved`` into FEEDBACK_GIVEN: everyone who took part hears of the implementation result.

    The submitter, originator and co-signers are told by topics (the step itself); this adds the rosters of the
    topic's meetings and the authors of its comments, in one batch (a fixed number of statements).
    """
    if event.target != TopicStatus.FEEDBACK_GIVEN or event.source == event.target:
        return
    topic = db.session.get(Topic, event.subject_id)
    user_ids = queries.participants(topic.id) - recipients(topic) - {event.actor_id}
    if not user_ids:
        return
    notify(user_ids, RESULT_KIND, topic_id=topic.id)
    payload = TopicChanged(topic_id=topic.id, status=str(topic.status), action=RESULT_KIND)
    for user_id in sorted(user_ids):
        emit_after_commit(payload, user_room(user_id))
    if current_app.config.get('MAIL_SERVER'):
        try:
            link = url_for('implementation.public', topic_id=topic.id, _external=True)
        except RuntimeError:
            link = f'/implementation/topic/{topic.id}/public'
        queue_mail(user_ids, f'[Consult] {topic.title}: {KIND_LABELS[RESULT_KIND]}', link)


def _home_work(user) -> list[WorkCard]:
    cards = []
    now = utcnow()
    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    if committee:
        page = queries.overdue_tasks(committee, now, HOME_ROWS)
        if page.total:
            rows = tuple(
                WorkRow(
                    f'{t.topic.title} · {t.title}',
                    url_for('implementation.manage', topic_id=t.topic_id, _anchor=f'task-{t.id}'),
                    due_at=t.due_at,
                    overdue=True,
                    note=t.topic.community.name,
                )
                for t in page.items
            )
            cards.append(
                WorkCard('implementation_overdue', _('Overdue implementation tasks'), page.total, None, rows, 6)
            )
    departments = department_ids(user)
    if departments:
        page = queries.awaiting_reply(departments, HOME_ROWS)
        if page.total:
            rows = []
            for topic in page.items:  # at most HOME_ROWS
                rules = rules_in_force(topic.community, today())
                due = g.reply_due(topic, rules, queries.reported_at(topic)) if rules is not None else None
                rows.append(
                    WorkRow(
                        topic.title,
                        url_for('implementation.reply', topic_id=topic.id),
                        due_at=due,
                        overdue=due is not None and now > due,
                        note=topic.community.name,
                    )
                )
            cards.append(WorkCard('gov_reply', _('Results awaiting your reply'), page.total, None, tuple(rows), 4))
    return cards


def _bundle_items(topic, **_kwargs) -> list[BundleItem]:
    """Rule 34: the implementation record (tasks done, or the department's reply or the explanation) and the
    feedback with the residents' appraisal (ratings), once the rating period ended."""
    import sqlalchemy as sa

    from .models import Rating
    from .models import Task

    feedback = queries.feedback_of(topic.id)
    open_tasks = db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(Task.topic_id == topic.id, Task.done_at.is_(None))
    )
    ratings = db.session.scalar(sa.select(sa.func.count(Rating.id)).where(Rating.topic_id == topic.id))
    implemented = feedback is not None and (feedback.kind != 'completed' or not open_tasks)
    rated = feedback is not None and not feedback.rating_open(utcnow())
    url = bundle_url('implementation.public', topic_id=topic.id) if feedback is not None else None
    return [
        BundleItem(
            'implementation',
            _('Implementation record'),
            implemented,
            url=url,
            note=_('%(num)s tasks open', num=open_tasks) if open_tasks else '',
        ),
        BundleItem(
            'feedback',
            _("Feedback and residents' appraisal (ratings)"),
            rated,
            url=url,
            note=_('%(num)s ratings', num=ratings),
        ),
    ]


def plug() -> None:
    public_records.connect(record_kinds.contribute, weak=False)
    TOPIC.extend('gov_reply', guards=(g.adopts, g.reasons_given), effect=operations.record_reply)
    TOPIC.extend('gov_reply_not_adopted', guards=(g.rejects, g.reasons_given), effect=operations.record_reply)
    TOPIC.extend(
        'complete_implementation', guards=(g.every_task_done, g.result_written), effect=operations.record_completed
    )
    TOPIC.extend('cannot_implement', guards=(g.explanation_written,), effect=operations.record_cannot)
    subscribe(TicketMoved, operations.on_ticket_moved)
    subscribe(TopicMoved, notify_result)
    register_kinds(KIND_LABELS)
    topic_page.connect(_topic_page, weak=False)
    ticket_page.connect(_ticket_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    home_work.connect(_home_work, weak=False)
    # Asked of a topic: ``manage``, ``add_task``, ``rate``, ``correct``; of a task: ``update``, ``complete_task``.
    actions.register_all(
        'implementation',
        {
            'manage': p.may_manage,
            'add_task': p.may_add_task,
            'update': p.may_update,
            'complete_task': p.may_complete_task,
            'rate': p.may_rate,
            'correct': p.may_correct,
        },
    )
