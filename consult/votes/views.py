"""What a vote's page and panel show a given person: the ballot, their standing, or the result."""

from flask_babel import gettext as _

from . import permissions as p
from . import queries
from .models import CHANNEL_LABELS
from .models import KIND_LABELS
from .models import STATUS_LABELS
from .models import VoteKind


def _result(vote) -> dict | None:
    """The stored result, shaped for the template (only after the close: before it, there is none), with the
    ballots by channel and the written proxies (two statements)."""
    result = counted(vote)
    if result is None:
        return None
    result['channels'] = {CHANNEL_LABELS.get(k, k): n for k, n in queries.channel_counts(vote).items()}
    result['proxies'] = queries.proxy_list(vote) if vote.proxies_allowed else []
    return result


def counted(vote) -> dict | None:
    """The stored result shaped for the template, read from the vote's row alone (no statement): the outcome, the
    quorum and majority conditions, the count per option and the runoff's rounds; ``None`` before the close."""
    if not vote.is_closed or not vote.result:
        return None
    from .counting import Tally
    from .decide import Decision
    from .display import describe_result

    tally = Tally.from_dict(vote.result['tally'])
    decision = Decision.from_dict(vote.result['decision'])
    labels = vote.result.get('options') or [option.label for option in vote.options]
    approvals = {approval.option: approval.outcome for approval in decision.approvals}
    rows = []
    for position, label in enumerate(labels):
        outcome = approvals.get(position)
        rows.append(
            {
                'label': label,
                'heads': tally.heads[position],
                'weights': tally.weights[position],
                'adopted': position in decision.adopted,
                'conditions': [describe_result(r) for row in outcome.results for r in row] if outcome else [],
            }
        )
    motion = approvals.get(None)
    return {
        'tally': tally,
        'decision': decision,
        'rows': rows,
        'weighted': any(t != h for t, h in zip(tally.weights, tally.heads, strict=True)),
        'quorum': [describe_result(r) for row in decision.quorum.results for r in row],
        'motion': [describe_result(r) for row in motion.results for r in row] if motion else [],
        'rounds': [
            {
                'counts': [
                    round_.counts.get(i) if hasattr(round_.counts, 'get') else round_.counts[i]
                    for i in range(len(labels))
                ],
                'exhausted': round_.exhausted,
                'eliminated': labels[round_.eliminated] if round_.eliminated is not None else None,
                'tie_break': round_.tie_break,
            }
            for round_ in tally.rounds
        ]
        if vote.kind == VoteKind.RANKED
        else [],
        'winner': labels[tally.winner] if tally.winner is not None else None,
        'summary': _summary(vote, decision, labels),
    }


def _summary(vote, decision, labels) -> str:
    if not decision.quorum_met:
        return _('Quorum not reached: nothing was decided.')
    if vote.kind == VoteKind.MOTION:
        return _('The motion passed.') if decision.passed else _('The motion did not pass.')
    if decision.passed:
        return _('Adopted: %(options)s', options='、'.join(labels[i] for i in decision.adopted))
    if decision.reason == 'tie':
        return _('A tie for first place: nothing was adopted.')
    return _('No option was adopted.')


def panel_context(vote, user) -> dict:
    elector = p.elector_of(user, vote)
    return {
        'kind_label': KIND_LABELS.get(vote.kind, vote.kind),
        'status_label': STATUS_LABELS.get(vote.status, vote.status),
        'elector': elector,
        'may_cast': p.may_cast(user, vote),
        'own_ballot_open': elector is not None and elector.voted_via is None and elector.proxy_holder_id is None,
        'proxies_held': p.proxies_held(user, vote) if vote.is_open else [],
        'voted_label': CHANNEL_LABELS.get(elector.voted_via) if elector is not None and elector.voted_via else None,
        'runs': p.runs_vote(user, vote),
        'result': _result(vote),
    }
