"""Casting ballots: one per elector across every channel, sealed, with a receipt code for the voter.

``write`` casts a batch of ballots (one, or every ballot that arrived together: ``intake.py``) in the caller's
transaction. The order of the writes is the design (README.md, "Secret ballots"):

1. the votes' rows are read under a shared lock (``FOR SHARE`` on PostgreSQL), in one statement for the batch:
   casts run side by side, while a close (``FOR UPDATE``) waits for every cast under way and every later cast
   sees the vote closed;
2. one conditional ``UPDATE vote_electors SET voted_via = ... WHERE user_id IN (...) AND voted_via IS NULL``
   per vote marks the batch's electors: of two casts for one elector (two tabs, a resend, two processes) exactly
   one marks it, and the other is refused (or, resent with the same page id, answered with the same receipt);
3. the choices are sealed (``sealing.py``) and inserted under random keys with no voter and no time, in a random
   order, by one statement for the batch.

Nothing here logs a choice. The receipt code is returned to the voter and kept only inside the sealed ballot.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal

from . import guards as g
from . import logger
from .ballot_refusals import CHOICE_MESSAGES
from .ballot_refusals import already
from .ballot_refusals import no_proxies
from .ballot_refusals import not_open
from .ballot_refusals import refusal_for
from .counting import ChoiceError
from .counting import validate_choice
from .models import Channel
from .models import Elector
from .models import SealedBallot
from .models import Vote
from .models import VoteOption
from .models import VoteStatus
from .sealing import new_receipt
from .sealing import receipt_for
from .sealing import resend_tag
from .sealing import seal

#: The sender's own id for a ballot (kept by the page for its resends).
CLIENT_ID = re.compile(r'[A-Za-z0-9_-]{16,64}')


_shuffle = secrets.SystemRandom().shuffle


@dataclass(eq=False)
class Cast:
    """One ballot on its way: who casts it for whom, in which vote, how, and (once written) its outcome.

    ``vote`` is the :class:`Vote` or its :class:`~consult.votes.intake.Facts` (what never changes once it is
    open): its id, kind, number of options, secrecy, proxies and box salt.
    """

    vote: object
    actor_id: int
    voter_id: int
    channel: str
    choice: tuple[int, ...]
    client_id: str | None = None
    receipt: str | None = None
    #: Makes the refusal, in the language of whoever raises it (a batch is written by one request for many).
    refused: Callable[[], Refusal] | None = None
    #: ``(user id, login key)`` when the caster's login session is to be checked with the batch (not yet trusted).
    login: tuple[int, str] | None = None

    @property
    def refusal(self) -> Refusal | None:
        return self.refused() if self.refused is not None else None

    @property
    def for_someone(self) -> bool:
        return self.voter_id != self.actor_id

    @property
    def tag(self) -> str | None:
        return resend_tag(self.vote, self.voter_id, self.client_id) if self.client_id else None


def lock_vote(vote: Vote, for_close: bool = False) -> Vote:
    """Re-read ``vote``'s status under a lock: shared for a cast, exclusive for the close (PostgreSQL)."""
    query = sa.select(Vote.status, Vote.closes_at).where(Vote.id == vote.id)
    query = query.with_for_update() if for_close else query.with_for_update(read=True)
    status, closes_at = db.session.execute(query).one()
    vote.__dict__['status'] = status
    vote.__dict__['closes_at'] = closes_at
    return vote


def option_count(vote: Vote) -> int:
    """How many options ``vote`` has (one statement)."""
    return db.session.scalar(sa.select(sa.func.count(VoteOption.id)).where(VoteOption.vote_id == vote.id))


def checked_choice(vote, raw, options: int | None = None) -> tuple[int, ...]:
    """``raw`` as a valid choice of ``vote`` (``options``: its number of options, when already read), or refuse."""
    if options is None:
        options = len(vote.options)
    try:
        return validate_choice(vote.kind, options, vote.max_choices, raw)
    except ChoiceError as exc:
        message = CHOICE_MESSAGES.get(exc.code, lambda: _('The ballot is malformed.'))()
        raise Refusal(message, g.CHOICE, code=exc.code) from None


def prepare(actor_id: int, vote, raw_choice, channel, principal_id, client_id, options: int) -> Cast:
    """Check what can be checked without the database and return the :class:`Cast` (``options``: how many).

    :raises Refusal: a channel other than online or the room, a malformed page id, a bad choice.
    """
    if channel not in (Channel.ONLINE, Channel.ROOM):
        raise Refusal(_('The ballot is malformed.'), g.CHOICE, code='bad_channel')
    if client_id is not None and not CLIENT_ID.fullmatch(str(client_id)):
        raise Refusal(_('The ballot is malformed.'), g.CHOICE, code='bad_payload')
    choice = checked_choice(vote, raw_choice, options)  # a bad choice is refused before a closed vote
    voter_id = principal_id if principal_id is not None else actor_id
    return Cast(vote, actor_id, voter_id, str(channel), choice, client_id)


def cast_ballot(
    actor, vote: Vote, raw_choice, channel: str = Channel.ONLINE, principal_id: int | None = None, client_id=None
) -> str:
    """Cast ``actor``'s ballot (or, with ``principal_id``, the ballot of an elector whose proxy they hold).

    Flushes in the caller's transaction; the edges cast through ``intake.cast``, which commits batches.

    :param raw_choice: option positions as sent (validated against the vote's kind and options).
    :param client_id: the sender's own id for this ballot: a resend with the same id, once the ballot was cast,
        is answered with the same receipt (the first answer was lost) instead of ``already_voted``.
    :return: the receipt code.
    :raises Refusal: the vote is not open, the person is not an elector, already voted, or the choice is bad.
    """
    cast = prepare(actor.id, vote, raw_choice, channel, principal_id, client_id, option_count(vote))
    write([cast])
    if cast.refusal is not None:
        raise cast.refusal
    return cast.receipt


def write(casts: list[Cast]) -> None:
    """Write ``casts`` in the current transaction: each ends with a ``receipt`` or a refusal (``refused``).

    A refused cast changes nothing; the others are written together. Flushes, never commits.
    """
    state = _lock([cast.vote.id for cast in casts])
    now = utcnow()
    first: dict[tuple[int, int], Cast] = {}
    twins: list[tuple[Cast, Cast]] = []
    for cast in casts:
        status, closes_at, salt = state.get(cast.vote.id, (None, None, None))
        if status != VoteStatus.OPEN or salt != cast.vote.box_salt or (closes_at is not None and now >= closes_at):
            cast.refused = not_open
        elif cast.for_someone and not cast.vote.proxies_allowed:
            cast.refused = no_proxies
        elif (cast.vote.id, cast.voter_id) in first:
            twins.append((cast, first[(cast.vote.id, cast.voter_id)]))
        else:
            first[(cast.vote.id, cast.voter_id)] = cast
    weights = _mark(list(first.values()))
    _explain([cast for key, cast in first.items() if key not in weights])
    counted = [cast for key, cast in first.items() if key in weights]
    for cast in counted:
        cast.receipt = receipt_for(cast.vote, cast.voter_id, cast.client_id) if cast.client_id else new_receipt()
    for twin, earlier in twins:
        _as_twin(twin, earlier)
    rows = []
    for cast in counted:
        payload = {'c': list(cast.choice), 'w': int(weights[(cast.vote.id, cast.voter_id)]), 'r': cast.receipt}
        if not cast.vote.secret:
            payload['v'] = cast.voter_id
            payload['ch'] = cast.channel
        rows.append({'id': secrets.token_hex(16), 'vote_id': cast.vote.id, 'sealed': seal(cast.vote, payload)})
    if rows:
        _shuffle(rows)
        db.session.execute(sa.insert(SealedBallot.__table__), rows)
        for vote_id in sorted({row['vote_id'] for row in rows}):
            logger.info('vote %s: %s ballot(s) cast', vote_id, sum(1 for row in rows if row['vote_id'] == vote_id))


def _lock(vote_ids) -> dict[int, tuple]:
    """The votes' status, closing time and box salt, read under a shared lock (one statement)."""
    query = sa.select(Vote.id, Vote.status, Vote.closes_at, Vote.box_salt).where(Vote.id.in_(sorted(set(vote_ids))))
    return {
        row.id: (row.status, row.closes_at, row.box_salt)
        for row in db.session.execute(query.with_for_update(read=True))
    }


def _mark(casts: list[Cast]) -> dict[tuple[int, int], int]:
    """Mark the electors of ``casts`` as having voted, where none has yet; ``{(vote id, voter id): weight}``.

    One statement per vote for people casting their own ballot; a proxy's ballot has its own (its holder is
    part of the condition).
    """
    weights = {}
    own: dict[int, list[Cast]] = {}
    for cast in casts:
        if cast.for_someone:
            weights.update(_mark_by_proxy(cast))
        else:
            own.setdefault(cast.vote.id, []).append(cast)
    for vote_id, group in own.items():
        channels = {cast.channel for cast in group}
        by_voter = {cast.voter_id: cast for cast in group}
        channel = (
            channels.pop()
            if len(channels) == 1
            else sa.case({voter: cast.channel for voter, cast in by_voter.items()}, value=Elector.user_id)
        )
        tags = {voter: cast.tag for voter, cast in by_voter.items() if cast.client_id}
        tag = sa.case(tags, value=Elector.user_id, else_=None) if tags else None
        rows = db.session.execute(
            sa.update(Elector)
            .where(
                Elector.vote_id == vote_id,
                Elector.user_id.in_(sorted(by_voter)),
                Elector.voted_via.is_(None),
                Elector.proxy_holder_id.is_(None),
            )
            .values(voted_via=channel, resend_tag=tag)
            .returning(Elector.user_id, Elector.weight)
        )
        weights.update({(vote_id, user_id): weight for user_id, weight in rows})
    return weights


def _mark_by_proxy(cast: Cast) -> dict[tuple[int, int], int]:
    weight = db.session.scalar(
        sa.update(Elector)
        .where(
            Elector.vote_id == cast.vote.id,
            Elector.user_id == cast.voter_id,
            Elector.voted_via.is_(None),
            Elector.proxy_holder_id == cast.actor_id,
        )
        .values(voted_via=cast.channel, resend_tag=cast.tag)
        .returning(Elector.weight)
    )
    return {} if weight is None else {(cast.vote.id, cast.voter_id): weight}


def _explain(casts: list[Cast]) -> None:
    """Why each of ``casts`` marked no elector: the refusal, or the same receipt for a resend of a counted ballot."""
    by_vote: dict[int, list[Cast]] = {}
    for cast in casts:
        by_vote.setdefault(cast.vote.id, []).append(cast)
    for vote_id, group in by_vote.items():
        electors = {
            e.user_id: e
            for e in db.session.execute(
                sa.select(Elector.user_id, Elector.voted_via, Elector.proxy_holder_id, Elector.resend_tag).where(
                    Elector.vote_id == vote_id, Elector.user_id.in_(sorted({c.voter_id for c in group}))
                )
            )
        }
        for cast in group:
            elector = electors.get(cast.voter_id)
            if cast.for_someone and elector is not None and elector.proxy_holder_id != cast.actor_id:
                elector = None
            if cast.client_id and elector is not None and elector.resend_tag == cast.tag:
                cast.receipt = receipt_for(cast.vote, cast.voter_id, cast.client_id)  # its answer was lost
            else:
                cast.refused = partial(refusal_for, elector, cast.for_someone)


def _as_twin(cast: Cast, earlier: Cast) -> None:
    """A second cast for the same elector in one batch: refused, or the first's receipt when it is a resend."""
    if earlier.receipt is not None and cast.client_id and cast.client_id == earlier.client_id:
        cast.receipt = earlier.receipt
    elif earlier.receipt is not None:
        cast.refused = partial(already, earlier.channel)
    else:
        cast.refused = earlier.refused
