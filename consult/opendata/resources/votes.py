"""Votes and their results, once closed: before the close a vote is not in the API at all (the embargo)."""

from consult.db import db
from consult.votes.models import MOTION_OPTIONS
from consult.votes.models import Vote
from consult.votes.models import VoteKind

from .. import queries
from ..api import ListView
from ..api import register_item
from ..api import register_list
from ..filters import Filter
from ..schemas import VoteSchema

TAG = 'votes'


def _extras(votes) -> dict:
    """The options' labels (a motion's are the three fixed ones, in the reader's language)."""
    return {
        v.id: {
            'option_labels': [str(label) for label in MOTION_OPTIONS]
            if v.kind == VoteKind.MOTION and not v.options
            else [o.label for o in v.options]
        }
        for v in votes
    }


register_list(
    'votes',
    '/votes',
    ListView(queries.votes, Vote.id, extras=_extras),
    VoteSchema,
    'Closed votes of public topics, with the count and the decision under the rule set',
    TAG,
    filters=(
        Filter('community', "Only this community's votes"),
        Filter('topic', "Only this topic's votes"),
        Filter('meeting', "Only this meeting's votes"),
    ),
)


def _load(vote_id: int):
    return db.session.scalar(queries.votes({}).where(Vote.id == vote_id))


register_item('vote', '/votes/<int:vote_id>', _load, VoteSchema, 'A closed vote and its result', TAG, extras=_extras)
