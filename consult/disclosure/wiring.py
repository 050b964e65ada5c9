"""What disclosure connects when the app is built: the publication and window steps' checks and records, the
notifications of a published result, the topic page's link, the home page's work and the actions' predicates."""

from flask import url_for
from flask_babel import gettext as _

from consult.kernel import actions
from consult.kernel.clock import utcnow
from consult.kernel.events import TopicMoved
from consult.kernel.events import subscribe
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import home_work
from consult.kernel.signals import public_records
from consult.kernel.signals import topic_page
from consult.notifications.operations import register_kinds
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.topics.states import MACHINE as TOPIC

from . import guards as g
from . import notices
from . import permissions as p
from . import queries
from . import record_kinds
from .operations import on_publish
from .operations import on_uphold

#: Rows of each card on the home page.
HOME_ROWS = 5


def _topic_page(topic, user=None, **_kwargs) -> dict:
    return {
        'disclosure': {
            'published': p.is_published(topic),
            'may_prepare': p.may_prepare(user, topic),
            'pending': queries.pending_publication(topic.id) if topic.status in p.PUBLISHABLE_STATES else None,
        }
    }


def _home_work(user) -> list[WorkCard]:
    """The committee's results to publish and objections to answer; the supervisory committee's overdue answers."""
    cards = []
    now = utcnow()
    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    if committee:
        page = queries.awaiting_publication(committee, HOME_ROWS)
        if page.total:
            rows = tuple(
                WorkRow(t.title, url_for('topics.detail', topic_id=t.id, _anchor='disclosure'), note=t.community.name)
                for t in page.items
            )
            cards.append(WorkCard('publication', _('Results to publish'), page.total, None, rows, 16))
    watched = committee | community_ids_for(user, Role.SUPERVISORY_COMMITTEE)
    if watched:
        page = queries.awaiting_answer(watched, now, HOME_ROWS)
        if page.total:
            overdue = queries.overdue_count(watched, now)
            rows = tuple(
                WorkRow(
                    objection.topic.title,
                    url_for('disclosure.result', topic_id=objection.topic_id, _anchor=f'objection-{objection.id}'),
                    due_at=objection.answer_due_at,
                    overdue=now >= objection.answer_due_at,
                )
                for objection in page.items
            )
            title = (
                _('Objections to answer (%(overdue)s overdue)', overdue=overdue)
                if overdue
                else _('Objections to answer')
            )
            cards.append(WorkCard('objections', title, page.total, None, rows, 14, prominent=bool(overdue)))
    return cards


def _bundle_items(topic, **_kwargs) -> list[BundleItem]:
    """Rule 34: the disclosure evidence (the publications with their dates) and the objections with replies."""
    import sqlalchemy as sa

    from consult.db import db

    from .models import Objection
    from .models import Publication

    published = db.session.scalar(
        sa.select(sa.func.count(Publication.id)).where(
            Publication.topic_id == topic.id, Publication.published_at.is_not(None)
        )
    )
    filed, unanswered = db.session.execute(
        sa.select(
            sa.func.count(Objection.id),
            sa.func.count(Objection.id).filter(Objection.answered_at.is_(None)),
        ).where(Objection.topic_id == topic.id)
    ).one()
    url = bundle_url('disclosure.result', topic_id=topic.id) if published else None
    return [
        BundleItem('disclosure', _('Disclosure evidence (publication and its dates)'), bool(published), url=url),
        BundleItem(
            'objections',
            _('Objections and replies'),
            not unanswered,
            url=url,
            note=_('%(filed)s filed, %(open)s unanswered', filed=filed, open=unanswered),
        ),
    ]


def plug() -> None:
    public_records.connect(record_kinds.contribute, weak=False)
    TOPIC.extend('publish', guards=(g.prepared, g.two_people), effect=on_publish)
    TOPIC.extend('uphold_objection', guards=(g.objection_upheld,), effect=on_uphold)
    TOPIC.extend('close_window', guards=(g.window_over, g.all_answered, g.adopted, g.not_entrusted))
    TOPIC.extend('report_to_gov', guards=(g.window_over, g.all_answered, g.adopted, g.is_entrusted))
    subscribe(TopicMoved, notices.on_topic_moved)
    register_kinds(notices.KIND_LABELS)
    topic_page.connect(_topic_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    home_work.connect(_home_work, weak=False)
    actions.register_all('publication', {'prepare': p.may_prepare})
    actions.register_all('objection', {'file': p.may_object, 'answer': p.may_answer})
    actions.register_all('irregularity', {'flag': p.may_flag, 'answer': p.may_answer_irregularity})
