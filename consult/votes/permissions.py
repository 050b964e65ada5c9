"""Who may do what with a vote. The same predicates guard the routes and the socket events."""

import sqlalchemy as sa

from consult.db import db
from consult.meetings.permissions import can_view_meeting
from consult.meetings.permissions import moderates
from consult.topics.permissions import can_review
from consult.topics.permissions import can_view_topic
from consult.topics.permissions import topic_writable

from .models import Elector
from .models import VoteStatus


def _authenticated(user) -> bool:
    return user is not None and getattr(user, 'is_authenticated', False)


def can_prepare(user, topic) -> bool:
    """The committee of the topic's community prepares votes (a meeting's chair too, for its meeting)."""
    if not topic_writable(topic):
        return False
    return _authenticated(user) and can_review(user, topic.community)


def runs_vote(user, vote) -> bool:
    """Opens, closes and cancels: the meeting's chair (or the director standing in), or the committee."""
    if not topic_writable(vote.topic):
        return False
    if not _authenticated(user):
        return False
    if vote.meeting is not None and moderates(user, vote.meeting):
        return True
    return can_review(user, vote.community)


def can_view_vote(user, vote) -> bool:
    """Whoever may see the topic (and the meeting, for a meeting's vote) sees the vote and, after the close, its result."""
    return can_view_topic(user, vote.topic) and (vote.meeting is None or can_view_meeting(user, vote.meeting))


def elector_of(user, vote) -> Elector | None:
    """The user's entry in the frozen electorate (cached per request on the vote object)."""
    if not _authenticated(user):
        return None
    cache = vote.__dict__.setdefault('_elector_cache', {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(
            sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == user.id)
        )
    return cache[user.id]


def proxies_held(user, vote) -> list[Elector]:
    """The electors whose written proxy ``user`` holds in ``vote`` and who have not voted yet."""
    if not _authenticated(user) or not vote.proxies_allowed:
        return []
    return list(
        db.session.scalars(
            sa.select(Elector)
            .where(Elector.vote_id == vote.id, Elector.proxy_holder_id == user.id, Elector.voted_via.is_(None))
            .order_by(Elector.id)
        )
    )


def may_cast(user, vote) -> bool:
    """An elector who has not voted (or a proxy holder for one), while the vote is open."""
    if not topic_writable(vote.topic):
        return False
    if vote.status != VoteStatus.OPEN:
        return False
    elector = elector_of(user, vote)
    if elector is not None and elector.voted_via is None and elector.proxy_holder_id is None:
        return True
    return bool(proxies_held(user, vote))


def runs_onsite(user, vote) -> bool:
    """The on-site channel: the committee of the vote's community marks who voted on site and sees the on-site
    record while the vote is open (only they: it holds the hand count made in the room)."""
    if not topic_writable(vote.topic):
        return False
    return _authenticated(user) and can_review(user, vote.community)


def conflicted(user, vote) -> bool:
    """The person a matter concerns (the topic's submitter or originator) does not count its votes."""
    return _authenticated(user) and user.id in (vote.topic.submitted_by_id, vote.topic.originator_id)


def counts_onsite(user, vote) -> bool:
    """Enters or confirms on-site counts: the committee, unless conflicted."""
    if not topic_writable(vote.topic):
        return False
    return runs_onsite(user, vote) and not conflicted(user, vote)


def registers_proxies(user, vote) -> bool:
    """Registers and withdraws written proxies: the committee, while the vote is prepared and allows them."""
    if not topic_writable(vote.topic):
        return False
    return (
        _authenticated(user)
        and vote.status == VoteStatus.DRAFT
        and vote.proxies_allowed
        and can_review(user, vote.community)
    )
