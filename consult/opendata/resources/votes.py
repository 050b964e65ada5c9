"""Votes and their results, once closed: before the close a vote is not in the API at all (the embargo)."""

from consult.db import db
from consult.rules.engine import RuleError
from consult.votes.decide import Decision
from consult.votes.display import describe_result
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


def _labels(vote, stored: list[str]) -> list[str]:
    """The options' labels (a motion's are the three fixed ones, in the reader's language)."""
    if vote.kind == VoteKind.MOTION and not stored:
        return [str(label) for label in MOTION_OPTIONS]
    return stored


def _condition(about: str, option, result, words: bool) -> dict:
    condition = result.condition
    return {
        'about': about,
        'option': option,
        'counted_what': condition.counted,
        'by': condition.by,
        'op': condition.op,
        'share': f'{condition.num}/{condition.den}',
        'base_what': condition.base,
        'counted': result.counted,
        'base': result.base,
        'required': result.required,
        'holds': result.holds,
        'text': describe_result(result) if words else None,
    }


def conditions(vote, labels: list[str], words: bool = False) -> list[dict]:
    """Each condition of the quorum and of each approval with its numbers and verdict; with ``words``, also as the
    vote's page words it (``consult.votes.display.describe_result``, in the reader's language: one vote's page
    only, it costs a third of a millisecond a condition). Empty if the stored result cannot be read."""
    try:
        decision = Decision.from_dict(vote.result['decision'])
    except (KeyError, TypeError, ValueError, RuleError):
        return []
    rows = [_condition('quorum', None, r, words) for row in decision.quorum.results for r in row]
    for approval in decision.approvals:
        option = labels[approval.option] if approval.option is not None and approval.option < len(labels) else None
        rows += [_condition('approval', option, r, words) for row in approval.outcome.results for r in row]
    return rows


def _extras(votes, words: bool = False) -> dict:
    extras = {}
    stored = queries.option_labels([v.id for v in votes])
    for vote in votes:
        labels = _labels(vote, stored[vote.id])
        extras[vote.id] = {'option_labels': labels, 'conditions': conditions(vote, labels, words)}
    return extras


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


register_item(
    'vote',
    '/votes/<int:vote_id>',
    _load,
    VoteSchema,
    'A closed vote and its result, each condition also in words',
    TAG,
    extras=lambda votes: _extras(votes, words=True),
)
