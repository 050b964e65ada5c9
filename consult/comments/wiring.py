"""What comments connects when the app is built: the comment period's checks and opening on the topic's steps."""

from flask_babel import gettext as _

from consult.comments import guards
from consult.comments import permissions as p
from consult.comments import states
from consult.comments.operations import start_period
from consult.comments.routes import COMMENT_STEPS
from consult.comments.routes import comment_section
from consult.inputs import int_arg
from consult.kernel import actions
from consult.kernel.signals import BundleItem
from consult.kernel.signals import archive_items
from consult.kernel.signals import bundle_url
from consult.kernel.signals import topic_page
from consult.topics.states import MACHINE as TOPIC


def _open_period(topic, actor, rules, reason, data) -> None:
    start_period(topic, actor, data['days'])


def _topic_page(topic, user) -> dict:
    """The comment section of the topic's page, and the comment steps' own pages."""
    page = int_arg('comments_page')
    return {'comments': comment_section(topic, user, page), 'comment_steps': COMMENT_STEPS}


def _bundle_items(topic, **_kwargs) -> BundleItem:
    """Rule 34: the online consultation's record (its comments, its participants and its summary), if any."""
    import sqlalchemy as sa

    from consult.comments.models import CommentPeriod
    from consult.comments.models import PeriodStatus
    from consult.db import db

    periods = db.session.scalars(sa.select(CommentPeriod.status).where(CommentPeriod.topic_id == topic.id)).all()
    return BundleItem(
        'online_log',
        _('Online consultation log and its summary'),
        bool(periods) and all(status == PeriodStatus.SUMMARISED for status in periods),
        bool(periods),
        bundle_url('topics.detail', topic_id=topic.id, _anchor='comments'),
        _('%(num)s comment periods', num=len(periods)) if periods else _('No online consultation'),
    )


def plug() -> None:
    actions.register_machine(states.MACHINE)  # comment_period.close, comment_period.summarise (asked of a period)
    topic_page.connect(_topic_page, weak=False)
    archive_items.connect(_bundle_items, weak=False)
    TOPIC.extend(
        'open_comments', guards=(guards.comment_days_valid, guards.no_open_comment_period), effect=_open_period
    )
    TOPIC.extend('conclude_comments', guards=(guards.comment_summary_written,))
    # ``comment.hide`` is asked of a comment; the others of a topic.
    actions.register_all(
        'comment', {'post': p.may_post, 'hide': p.may_hide, 'close': p.may_close, 'summarise': p.may_summarise}
    )
