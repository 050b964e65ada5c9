"""Comment operations: open, post, hide, close early, summarise, conclude. They flush; the caller commits.

Opening and concluding are topic steps (``open_comments``, ``conclude_comments``) taken through
:func:`consult.topics.states.apply`, which checks the guards, moves the status and notifies.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse

from consult.accounts.models import User
from consult.audit.operations import record
from consult.comments import logger
from consult.comments import states as period_states
from consult.comments.events import hidden_event
from consult.comments.events import posted_event
from consult.comments.models import BODY_MAX
from consult.comments.models import SUMMARY_MAX
from consult.comments.models import Comment
from consult.comments.models import CommentPeriod
from consult.comments.models import Stance
from consult.comments.permissions import badge_for
from consult.comments.permissions import can_manage_comments
from consult.comments.queries import latest_period
from consult.comments.queries import recent_duplicate
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.kernel.refusals import require_reason
from consult.kernel.rooms import topic_room
from consult.realtime import TopicChanged
from consult.realtime import emit_after_commit
from consult.security import clean_text
from consult.topics import guards as g
from consult.topics import states

WHO_COMMENTS = Rule(
    'who_comments',
    _l(
        'Longgang Community Governance Regulation art 12 (participants); Urban Residents Committee Organisation Law arts 8-9: verified adult residents, '
        'representatives, NPC deputies and experts of the community take part'
    ),
)
COMMENT_PACE = Rule('comment_pace', _l('Platform rule: comments are paced and not repeated'))
DUPLICATE_WINDOW = timedelta(minutes=1)


def start_period(topic, actor, days: int) -> CommentPeriod:
    """Create the period; called by the ``open_comments`` transition once its guards passed."""
    now = utcnow()
    period = CommentPeriod(
        topic_id=topic.id, opened_by_id=actor.id, opened_at=now, days=days, closes_at=now + timedelta(days=days)
    )
    db.session.add(period)
    db.session.flush()
    return period


def open_period(actor, topic, days) -> CommentPeriod:
    """Open a comment period of ``days`` days (committee; ANNOUNCED after publicity, or IN_CONSULTATION).

    :raises Refusal: wrong state or actor, publicity not over, a period already open, days outside 1..60.
    """
    states.apply(topic, 'open_comments', actor, days=days)
    period = latest_period(topic.id)
    record(actor, 'comments.open', community=topic.community, topic_id=topic.id, days=days)
    logger.info('topic %s: comment period %s opened for %s days by %s', topic.id, period.id, days, actor.id)
    return period


def _open_period_of(topic) -> CommentPeriod:
    period = latest_period(topic.id)
    if period is None or not period.is_open(utcnow()):
        raise Refusal(_('The comment period is not open.'), g.COMMENT_WINDOW, code='period_closed')
    return period


def _root_of(topic, parent_id) -> Comment | None:
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.topic_id != topic.id:
        raise Refusal(_('The comment you reply to is not on this topic.'), g.PROCEDURE, code='bad_parent')
    return db.session.get(Comment, parent.parent_id) if parent.parent_id else parent


def _check_pace(actor) -> None:
    limit = parse(current_app.config.get('COMMENT_RATE_LIMIT') or '5 per minute')
    from consult.extensions import limiter

    if limiter.enabled and not limiter.limiter.hit(limit, 'comments', str(actor.id)):
        raise Refusal(
            _(
                'You are commenting too fast: at most %(amount)s comments in %(seconds)s seconds. '
                'Wait a moment and try again.',
                amount=limit.amount,
                seconds=limit.get_expiry(),
            ),
            COMMENT_PACE,
            code='rate_limited',
        )


def post_comment(actor, topic, body: str, stance: str | None = None, parent_id: int | None = None) -> Comment:
    """Post a comment (or a reply) while the topic's comment period is open.

    :param stance: ``for`` / ``against`` / ``neutral``; required on a root comment, optional on a reply.
    :param parent_id: the comment replied to; a reply to a reply attaches to its root.
    :raises Refusal: not allowed to comment, period not open, empty/oversized text, bad stance, too fast, duplicate.
    """
    badge = badge_for(actor, topic)
    if badge is None:
        raise Refusal(_('You may not comment on this topic.'), WHO_COMMENTS, code='forbidden')
    period = _open_period_of(topic)
    text = clean_text(body)
    if not text:
        raise Refusal(_('Write a comment first.'), g.PROCEDURE, code='empty')
    if len(text) > BODY_MAX:
        raise Refusal(_('A comment has at most %(max)s characters.', max=BODY_MAX), g.PROCEDURE, code='too_long')
    root = _root_of(topic, parent_id)
    stance = stance or None
    if stance is not None and stance not in set(Stance):
        raise Refusal(_('Choose for, against or neutral.'), g.PROCEDURE, code='bad_stance')
    if root is None and stance is None:
        raise Refusal(_('Say whether you are for, against or neutral.'), g.PROCEDURE, code='no_stance')
    now = utcnow()
    # Lock the author's row (PostgreSQL) so two simultaneous posts of one user are checked one after the other.
    db.session.execute(sa.select(User.id).where(User.id == actor.id).with_for_update())
    if recent_duplicate(actor.id, text, now - DUPLICATE_WINDOW):
        raise Refusal(_('You have just posted the same comment.'), COMMENT_PACE, code='duplicate')
    _check_pace(actor)
    comment = Comment(
        period_id=period.id,
        topic_id=topic.id,
        author_id=actor.id,
        author=actor,
        parent_id=root.id if root is not None else None,
        stance=stance,
        body=text,
        badge=str(badge),
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    emit_after_commit(posted_event(comment), topic_room(topic.id))
    logger.info('topic %s: comment %s by %s', topic.id, comment.id, actor.id)
    return comment


def hide_comment(actor, comment: Comment, reason: str) -> Comment:
    """Hide a comment with a reason (committee). The text stays for the archive; the audit log records it."""
    topic = comment.period.topic
    if not can_manage_comments(actor, topic):
        raise Refusal(_('Only the committee hides comments.'), g.WHO_ACTS, code='forbidden')
    reason = require_reason(reason, _('Give the reason; it is shown in place of the comment.'))
    if comment.hidden_at is not None:
        raise Refusal(_('The comment is already hidden.'), g.PROCEDURE, code='already_hidden')
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = utcnow(), actor.id, reason
    db.session.flush()
    record(
        actor,
        'comments.hide',
        community=topic.community,
        subject=comment.author,
        reason=reason,
        topic_id=topic.id,
        comment_id=comment.id,
    )
    emit_after_commit(hidden_event(comment), topic_room(topic.id))
    return comment


def close_early(actor, topic, reason: str) -> CommentPeriod:
    """Close the open comment period before its end (committee, with a reason)."""
    if not can_manage_comments(actor, topic):
        raise Refusal(_('Only the committee closes a comment period.'), g.WHO_ACTS, code='forbidden')
    reason = require_reason(reason, _('Give the reason for closing early.'))
    period = _open_period_of(topic)
    values = {'closed_early_at': utcnow(), 'closed_by_id': actor.id, 'close_reason': reason}
    period_states.MACHINE.apply(period, 'close', actor, reason, values=values)
    states.log_step(topic, 'close_comments', actor, reason=reason)
    record(actor, 'comments.close', community=topic.community, reason=reason, topic_id=topic.id)
    emit_after_commit(
        TopicChanged(topic_id=topic.id, status=str(topic.status), action='close_comments'), topic_room(topic.id)
    )
    return period


def write_summary(actor, topic, summary: str) -> CommentPeriod:
    """Write (or rewrite, until the consultation concludes) the summary of the ended period (committee)."""
    from consult.kernel.markdown import render_markdown
    from consult.topics.models import TopicStatus

    if not can_manage_comments(actor, topic):
        raise Refusal(_('Only the committee writes the summary.'), g.WHO_ACTS, code='forbidden')
    if topic.status != TopicStatus.IN_CONSULTATION:
        raise Refusal(_('This step is not possible in the current state.'), g.PROCEDURE, code='wrong_state')
    period = latest_period(topic.id)
    if period is None or period.is_open(utcnow()):
        raise Refusal(
            _('The summary is written after the comment period closes.'), g.COMMENT_WINDOW, code='period_open'
        )
    source = (summary or '').strip()
    if not source:
        raise Refusal(_('Write the summary.'), g.CONSULTATION_OPINION, code='no_summary')
    if len(source) > SUMMARY_MAX:
        raise Refusal(_('The summary is too long.'), g.CONSULTATION_OPINION, code='too_long')
    values = {
        'summary': source,
        'summary_html': render_markdown(source),
        'summary_by_id': actor.id,
        'summary_at': utcnow(),
    }
    period_states.MACHINE.apply(period, 'summarise', actor, values=values)
    states.log_step(topic, 'summarise_comments', actor)
    record(actor, 'comments.summary', community=topic.community, topic_id=topic.id, period_id=period.id)
    return period


def conclude(actor, topic):
    """Conclude the consultation: IN_CONSULTATION -> OPINION_FORMED once the period is closed and summarised."""
    event = states.apply(topic, 'conclude_comments', actor)
    record(actor, 'comments.conclude', community=topic.community, topic_id=topic.id)
    return event
