"""What comments connects when the app is built: the comment period's checks and opening on the topic's steps."""

from consult.comments import guards
from consult.comments.operations import start_period
from consult.topics.states import MACHINE as TOPIC


def _open_period(topic, actor, rules, reason, data) -> None:
    start_period(topic, actor, data['days'])


def plug() -> None:
    TOPIC.extend(
        'open_comments', guards=(guards.comment_days_valid, guards.no_open_comment_period), effect=_open_period
    )
    TOPIC.extend('conclude_comments', guards=(guards.comment_summary_written,))
