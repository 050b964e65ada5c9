"""Live comment events: the payloads pushed to ``topic:<id>`` (viewers join it with ``join_topic``).

No new client events: viewers already join the topic's room through ``consult.topics.events`` after
``can_view_topic``; comments are posted over HTTP and pushed after commit.
"""

from consult.comments.queries import tally
from consult.realtime import CommentHidden
from consult.realtime import CommentPosted


def posted_event(comment) -> CommentPosted:
    return CommentPosted(
        topic_id=comment.topic_id,
        comment_id=comment.id,
        parent_id=comment.parent_id,
        author=comment.author.display_name,
        badge=comment.badge,
        stance=comment.stance,
        body=comment.body,
        created_at=comment.created_at.isoformat(),
        tally=tally(comment.topic_id),
    )


def hidden_event(comment) -> CommentHidden:
    return CommentHidden(
        topic_id=comment.topic_id, comment_id=comment.id, reason=comment.hidden_reason, tally=tally(comment.topic_id)
    )
