"""The published lists of a closed vote: receipt codes, counted ballots in random order, the result for recounting.

Before the close nothing of the count exists for anyone: each answers 404.
"""

import csv
import io
import json

from flask import Response
from flask import abort

from . import bp
from . import queries
from .models import Vote
from .routes import load_vote


def _closed_or_404(vote_id: int) -> Vote:
    vote = load_vote(vote_id)
    if not vote.is_closed:
        abort(404)  # embargo: nothing of the count exists for anyone before the close
    return vote


@bp.route('/<int:vote_id>/receipts.txt')
def receipts(vote_id: int):
    vote = _closed_or_404(vote_id)
    body = '\n'.join(queries.receipts(vote)) + '\n'
    return Response(
        body,
        mimetype='text/plain',
        headers={'Content-Disposition': f'attachment; filename=vote-{vote.id}-receipts.txt'},
    )


@bp.route('/<int:vote_id>/ballots.csv')
def ballots(vote_id: int):
    """The counted choices in random order (and, in an open vote, who cast each)."""
    vote = _closed_or_404(vote_id)
    out = io.StringIO()
    writer = csv.writer(out)
    labels = [option.label for option in vote.options]
    header = ['position', 'choice', 'choice_labels', 'weight']
    if not vote.secret:
        header.append('voter')
    writer.writerow(header)
    for ballot in queries.counted_ballots(vote):
        row = [
            ballot.position,
            ' '.join(str(i) for i in ballot.choice),
            ' > '.join(labels[i] for i in ballot.choice),
            ballot.weight,
        ]
        if not vote.secret:
            row.append(ballot.voter.display_name if ballot.voter else '')
        writer.writerow(row)
    return Response(
        out.getvalue(),
        mimetype='text/csv',
        headers={'Content-Disposition': f'attachment; filename=vote-{vote.id}-ballots.csv'},
    )


@bp.route('/<int:vote_id>/result.json')
def result_json(vote_id: int):
    vote = _closed_or_404(vote_id)
    body = {
        'vote': vote.id,
        'title': vote.title,
        'kind': vote.kind,
        'secret': vote.secret,
        'max_choices': vote.max_choices,
        'opened_at': vote.opened_at.isoformat(),
        'closed_at': vote.closed_at.isoformat(),
        **vote.result,
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype='application/json')
