"""The rules a comment period adds to the topic's steps (plugged in by ``consult.comments.wiring``)."""

from flask_babel import gettext as _

from consult.comments.models import DAYS_MAX
from consult.comments.models import DAYS_MIN
from consult.comments.queries import latest_period
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.topics.guards import COMMENT_WINDOW
from consult.topics.guards import CONSULTATION_OPINION


def comment_days_valid(topic, actor, rules, reason, data) -> None:
    days = data.get('days')
    if not isinstance(days, int) or isinstance(days, bool) or not DAYS_MIN <= days <= DAYS_MAX:
        raise Refusal(
            _('A comment period lasts %(low)s to %(high)s days.', low=DAYS_MIN, high=DAYS_MAX),
            COMMENT_WINDOW,
            code='bad_days',
        )


def no_open_comment_period(topic, actor, rules, reason, data) -> None:
    period = latest_period(topic.id)
    if period is not None and period.is_open(utcnow()):
        raise Refusal(_('A comment period is already open on this topic.'), COMMENT_WINDOW, code='period_open')


def comment_summary_written(topic, actor, rules, reason, data) -> None:
    """The latest comment period has ended and the committee has written its summary."""
    period = latest_period(topic.id)
    if period is None or period.is_open(utcnow()):
        raise Refusal(
            _('The consultation concludes after a comment period has closed.'), COMMENT_WINDOW, code='period_open'
        )
    if not period.summary:
        raise Refusal(_('Write the summary of the comment period first.'), CONSULTATION_OPINION, code='no_summary')
