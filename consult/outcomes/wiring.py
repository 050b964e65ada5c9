"""What outcomes connects when the app is built: the opinion drafted when a topic forms it, the legality steps'
checks and record, the deciding vote's result moving its topic, the topic page's section, the home page's queue
and the predicates of its actions."""

from flask import url_for
from flask_babel import gettext as _

from consult.kernel import actions
from consult.kernel.events import TopicMoved
from consult.kernel.events import VoteClosed
from consult.kernel.events import subscribe
from consult.kernel.signals import BundleItem
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import home_work
from consult.kernel.signals import topic_page
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for
from consult.topics.states import MACHINE as TOPIC

from . import guards as g
from . import permissions as p
from . import queries
from .decisions import on_vote_closed
from .operations import on_topic_moved
from .operations import record_check
from .routes import outcome_section

#: Rows of the legality queue shown on the home page.
HOME_ROWS = 5


def _topic_page(topic, user=None, **_kwargs) -> dict:
    return {'outcome': outcome_section(topic, user)}


def _home_work(user) -> WorkCard | None:
    """The committee's topics whose opinion awaits the legality check."""
    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    if not committee:
        return None
    page = queries.awaiting_check(committee, HOME_ROWS)
    if not page.total:
        return None
    rows = tuple(
        WorkRow(t.title, url_for('topics.detail', topic_id=t.id, _anchor='outcome'), note=t.community.name)
        for t in page.items
    )
    return WorkCard('legality', _('Legality check of consultation opinions'), page.total, None, rows, 15)


def _bundle_items(topic, **_kwargs) -> list[BundleItem]:
    """Rule 34: the consultation opinion and its legality check."""
    import sqlalchemy as sa

    from consult.db import db
    from consult.outcomes.models import LegalityCheck
    from consult.outcomes.models import Opinion

    opinions = db.session.scalar(sa.select(sa.func.count(Opinion.id)).where(Opinion.topic_id == topic.id))
    checks = db.session.scalar(sa.select(sa.func.count(LegalityCheck.id)).where(LegalityCheck.topic_id == topic.id))
    url = bundle_url('topics.detail', topic_id=topic.id)
    return [
        BundleItem('opinion', _('Consultation opinion'), bool(opinions), url=url),
        BundleItem('legality_check', _('Legality check'), bool(checks), url=url),
    ]


def plug() -> None:
    subscribe(TopicMoved, on_topic_moved)
    subscribe(VoteClosed, on_vote_closed)
    TOPIC.extend('legality_pass', guards=(g.opinion_ready, g.matter_known, g.no_vote_skipped), effect=record_check)
    TOPIC.extend('legality_fail', guards=(g.opinion_ready, g.matter_known, g.law_named), effect=record_check)
    TOPIC.extend('legality_needs_vote', guards=(g.opinion_ready, g.matter_known, g.matter_named), effect=record_check)
    TOPIC.extend('vote_passed', guards=(g.deciding_vote_passed,))
    TOPIC.extend('vote_failed', guards=(g.deciding_vote_failed,))
    TOPIC.extend('vote_quorum_failed', guards=(g.deciding_vote_quorum_failed,))
    topic_page.connect(_topic_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    home_work.connect(_home_work, weak=False)
    # ``opinion.record`` is asked of a topic, ``opinion.correct`` of an opinion; the legality check's steps are
    # the topic machine's (``topic.legality_pass`` ...).
    actions.register_all('opinion', {'record': p.may_record_opinion, 'correct': p.may_correct})
