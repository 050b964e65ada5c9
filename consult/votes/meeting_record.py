"""The votes of a meeting, as its record shows them: each vote held or prepared in it, and a closed vote's result.

The result is the vote's page's, shaped by :func:`~consult.votes.views.counted` from the stored count alone: the
outcome, the quorum and majority conditions and the count per option. Never a ballot, never a voter: the ballots
and (in an open vote) who cast each are only in the vote's published lists, which the record links to through the
vote's page. When the topic's vote tally was destroyed at the end of its retention period (domain.md rule 37), the
record lists the votes without their results, as the topic's public record does.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.signals import RecordSection
from consult.kernel.signals import bundle_url
from consult.kernel.signals import withheld

from .models import KIND_LABELS
from .models import STATUS_LABELS
from .models import Vote
from .models import VoteStatus
from .views import counted

#: The archive bundle item that holds the votes' tallies (``wiring._bundle_items``).
TALLY = 'vote_tally'


def _row(vote: Vote, destroyed: bool) -> dict:
    result = None if destroyed else counted(vote)
    return {
        'id': vote.id,
        'title': vote.title,
        'kind': str(vote.kind),
        'kind_label': str(KIND_LABELS.get(vote.kind, vote.kind)),
        'secret': vote.secret,
        'status': str(vote.status),
        'status_label': str(STATUS_LABELS.get(vote.status, vote.status)),
        'opened_at': vote.opened_at,
        'closed_at': vote.closed_at,
        'url': bundle_url('votes.detail', vote_id=vote.id),
        # Voting under way: no count exists yet (the record says when there will be one).
        'under_way': vote.is_open,
        'withheld': destroyed and vote.is_closed,
        'result': None
        if result is None
        else {
            'summary': result['summary'],
            'adopted': bool(vote.adopted),
            'ballots': result['tally'].ballots,
            'blank': result['tally'].blank,
            'quorum': tuple(result['quorum']),
            'motion': tuple(result['motion']),
            'weighted': result['weighted'],
            'options': tuple(
                {'label': row['label'], 'heads': row['heads'], 'weights': row['weights'], 'adopted': row['adopted']}
                for row in result['rows']
            ),
            'winner': result['winner'],
        },
    }


def section(meeting_id: int, **_kwargs) -> RecordSection | None:
    """The receiver of ``meeting_record_sections``: the meeting's votes (``None`` when it has none).

    One statement for the votes, one for whether their tally was destroyed, whatever their number.
    """
    votes = list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.meeting_id == meeting_id, Vote.status != VoteStatus.CANCELLED)
            .order_by(Vote.opened_at.is_(None), Vote.opened_at, Vote.id)
        )
    )
    if not votes:
        return None
    # A meeting's votes are on its topic (``votes.create`` checks it): one topic, one look at its destructions.
    destroyed = {topic_id: TALLY in withheld(topic_id) for topic_id in {vote.topic_id for vote in votes}}
    return RecordSection(
        key='votes',
        title=_('Votes'),
        template='votes/_record.html',
        rows=tuple(_row(vote, destroyed[vote.topic_id]) for vote in votes),
    )
