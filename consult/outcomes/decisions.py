"""A deciding vote's result moves its topic: the only way out of PENDING_VOTE (domain.md rule 3).

:func:`on_vote_closed` listens to :class:`~consult.kernel.events.VoteClosed` inside the closing transaction, so
the topic moves with the close or not at all. The steps are the system's (``actor=None``); their guards
(``guards.deciding_vote_*``) check the closed deciding vote itself, so no other caller can take them.
"""

from consult.db import db
from consult.topics import states
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.votes.models import Vote

from . import logger


def step_for(quorum_met: bool, adopted: bool) -> str:
    """The topic step a deciding vote's result takes."""
    if not quorum_met:
        return 'vote_quorum_failed'
    return 'vote_passed' if adopted else 'vote_failed'


def on_vote_closed(event) -> None:
    """Move the topic of a closed deciding vote; a vote that decides nothing moves nothing."""
    if not event.decides:
        return
    topic = db.session.get(Topic, event.topic_id)
    if topic is None or topic.status != TopicStatus.PENDING_VOTE:
        # Another deciding vote of the topic settled it first; this one's result stands on its own page.
        logger.warning('vote %s closed on topic %s, which no longer waits for a vote', event.vote_id, event.topic_id)
        return
    vote = db.session.get(Vote, event.vote_id)
    states.apply(topic, step_for(event.quorum_met, event.adopted), None, reason=vote.title, vote=vote)
