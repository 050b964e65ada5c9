"""What the close counts of the on-site record, and what the result publishes of it.

The latest confirmed entry of each chain counts: the vote's count (a secret vote), or each voter's choice (an
open vote). An entry nobody confirmed before the close is not counted, and the result says so. The result
(``Vote.result['onsite']``, in ``result.json`` too) lists every entry with who entered and confirmed it and the
corrections, and the on-site ballots exactly as counted: a recount is the published online ballots
(``ballots.csv``) plus ``onsite.ballots``.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db

from .models import Elector
from .models import VoteKind
from .onsite_entries import marked_on_site
from .onsite_models import EntryKind
from .onsite_models import OnsiteEntry


class OnsiteBallots(list):
    """The ``(choice, weight)`` pairs the close counts, with what the result publishes of them (``record``)."""

    record: dict


def entries_of(vote) -> list[OnsiteEntry]:
    """Every entry of ``vote``, oldest first, with the people named."""
    return list(
        db.session.scalars(
            sa.select(OnsiteEntry)
            .where(OnsiteEntry.vote_id == vote.id)
            .options(
                so.joinedload(OnsiteEntry.entered_by),
                so.joinedload(OnsiteEntry.confirmed_by),
                so.joinedload(OnsiteEntry.voter),
            )
            .order_by(OnsiteEntry.id)
        )
    )


def counted(entries: list[OnsiteEntry]) -> list[OnsiteEntry]:
    """The entries that count: the latest confirmed one of each chain (the count, or each voter's choice)."""
    latest: dict = {}
    for entry in entries:
        if entry.confirmed_by_id is not None:
            latest[entry.voter_id if entry.kind == EntryKind.PERSON else None] = entry
    return sorted(latest.values(), key=lambda e: e.id)


def pending(entries: list[OnsiteEntry]) -> list[OnsiteEntry]:
    """Unconfirmed entries that would replace what counts (or count, if there is nothing else): not counted."""
    newest: dict = {}
    for entry in entries:
        newest[entry.voter_id if entry.kind == EntryKind.PERSON else None] = entry
    return [entry for entry in newest.values() if entry.confirmed_by_id is None]


def spread(kind: str, counts: list[int], blank: int, ballots: int) -> list[tuple[int, ...]]:
    """Ballots that give these counts: one per mark, except multiple choice, where the marks are dealt out in
    turn over ``ballots`` ballots (no option twice on one, since an option has at most ``ballots`` marks)."""
    choices: list[tuple[int, ...]] = [()] * blank
    if kind != VoteKind.MULTIPLE:
        return choices + [(option,) for option, n in enumerate(counts) for _ in range(n)]
    dealt: list[list[int]] = [[] for _ in range(ballots)]
    marks = [option for option, n in enumerate(counts) for _ in range(n)]
    for index, option in enumerate(marks):
        dealt[index % ballots].append(option)
    return choices + [tuple(sorted(ballot)) for ballot in dealt]


def _ballots(vote, entries: list[OnsiteEntry]) -> list[tuple[tuple[int, ...], int]]:
    if not entries:
        return []
    if entries[0].kind == EntryKind.COUNT:
        entry = entries[0]
        return [(choice, 1) for choice in spread(vote.kind, entry.counts, entry.blank, entry.ballots)]
    query = sa.select(Elector.user_id, Elector.weight).where(
        Elector.vote_id == vote.id, Elector.user_id.in_([e.voter_id for e in entries])
    )
    weights = dict(db.session.execute(query).all())
    return [(tuple(entry.choice), int(weights.get(entry.voter_id, 1))) for entry in entries]


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _entry(entry: OnsiteEntry, counted_ids: set[int]) -> dict:
    row = {
        'id': entry.id,
        'kind': entry.kind,
        'supersedes': entry.supersedes_id,
        'reason': entry.reason,
        'entered_by': _name(entry.entered_by),
        'entered_at': entry.entered_at.isoformat(),
        'confirmed_by': _name(entry.confirmed_by),
        'confirmed_at': entry.confirmed_at.isoformat() if entry.confirmed_at else None,
        'counted': entry.id in counted_ids,
    }
    if entry.kind == EntryKind.COUNT:
        row |= {'counts': list(entry.counts), 'blank': entry.blank, 'ballots': entry.ballots}
    else:
        row |= {'voter': _name(entry.voter), 'choice': list(entry.choice), 'channel': entry.channel}
    return row


def ballots_at_close(vote, **_kwargs) -> OnsiteBallots | None:
    """The receiver of ``signals.onsite_ballots``: the on-site ballots of ``vote`` and their record (or ``None``:
    nothing happened on site)."""
    entries = entries_of(vote)
    marked = marked_on_site(vote)
    if not entries and not marked:
        return None
    chosen = counted(entries)
    ballots = OnsiteBallots(_ballots(vote, chosen))
    grouped: dict = {}
    for choice, weight in ballots:
        grouped[(choice, weight)] = grouped.get((choice, weight), 0) + 1
    counted_ids = {entry.id for entry in chosen}
    ballots.record = {
        'onsite': {
            'kind': str(EntryKind.COUNT if vote.secret else EntryKind.PERSON),
            'marked': marked,
            'ballots': [[list(choice), weight, n] for (choice, weight), n in sorted(grouped.items())],
            'entries': [_entry(entry, counted_ids) for entry in entries],
            'not_counted': [entry.id for entry in pending(entries)],
        }
    }
    return ballots
