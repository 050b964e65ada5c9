"""Reading the on-site page: who may be marked, who may be entered by name, the entries as the committee sees them."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db

from .models import ONSITE_CHANNELS
from .models import Elector
from .onsite import signed_in_on_site
from .onsite_count import counted
from .onsite_count import entries_of
from .onsite_count import pending

PAGE_SIZE = 30
#: The roll-call form lists at most this many voters (a meeting's room; search narrows a larger one).
MAX_CHOICES = 500


def _present(vote):
    """Electors who are in the room, or whose proxy holder is (every elector for a standalone vote)."""
    if vote.meeting_id is None:
        return sa.true()
    on_site = signed_in_on_site(vote)
    return sa.or_(Elector.user_id.in_(on_site), Elector.proxy_holder_id.in_(on_site))


def _named(query, search: str):
    search = (search or '').strip()
    if not search:
        return query
    like = '%' + search.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
    return query.where(sa.or_(User.display_name.ilike(like, escape='\\'), User.real_name.ilike(like, escape='\\')))


def markable(vote, search: str, page: int):
    """Electors who have not voted and may be marked now (signed in on site, for a meeting's vote), by name."""
    query = (
        sa.select(Elector)
        .join(User, User.id == Elector.user_id)
        .where(Elector.vote_id == vote.id, Elector.voted_via.is_(None), _present(vote))
        .options(so.joinedload(Elector.user), so.joinedload(Elector.proxy_holder))
        .order_by(User.display_name, Elector.id)
    )
    return db.paginate(_named(query, search), page=page, per_page=PAGE_SIZE, error_out=False)


def roll_call_voters(vote) -> list[Elector]:
    """Electors an open vote's on-site ballot may be entered for: marked on site, or not voted and present."""
    return list(
        db.session.scalars(
            sa.select(Elector)
            .join(User, User.id == Elector.user_id)
            .where(
                Elector.vote_id == vote.id,
                sa.or_(
                    Elector.voted_via.in_([str(c) for c in ONSITE_CHANNELS]),
                    sa.and_(Elector.voted_via.is_(None), _present(vote)),
                ),
            )
            .options(so.joinedload(Elector.user))
            .order_by(User.display_name, Elector.id)
            .limit(MAX_CHOICES)
        )
    )


def entry_rows(vote, user) -> list[dict]:
    """Every entry, newest first, with what it is now (counted, superseded, waiting) and whether ``user`` may
    confirm it."""
    from .permissions import counts_onsite

    entries = entries_of(vote)
    superseded = {entry.supersedes_id for entry in entries if entry.supersedes_id is not None}
    counted_ids = {entry.id for entry in counted(entries)}
    waiting = {entry.id for entry in pending(entries)}
    counter = vote.is_open and counts_onsite(user, vote)
    return [
        {
            'entry': entry,
            'superseded': entry.id in superseded,
            'counted': entry.id in counted_ids,
            'waiting': entry.id in waiting,
            'may_confirm': counter and entry.id in waiting and entry.entered_by_id != user.id,
        }
        for entry in reversed(entries)
    ]
