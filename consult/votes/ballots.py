"""Casting a ballot: one per elector across every channel, sealed, with a receipt code for the voter.

The order of the writes is the design (README.md, "Secret ballots"):

1. the vote's row is read under a shared lock (``FOR SHARE`` on PostgreSQL), with its number of options in the
   same statement (the ballot is checked against it): casts run side by side, while a close (``FOR UPDATE``)
   waits for every cast under way and every later cast sees the vote closed;
2. one conditional ``UPDATE vote_electors SET voted_via = :channel WHERE ... AND voted_via IS NULL`` marks
   the elector: of two casts at once (two tabs, a resend, two processes) exactly one marks it;
3. the choice is sealed (``sealing.py``) and inserted under a random key with no voter and no time.

Nothing here logs a choice. The receipt code is returned to the voter and kept only inside the sealed ballot.
"""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal

from . import guards as g
from . import logger
from .counting import ChoiceError
from .counting import validate_choice
from .models import CHANNEL_LABELS
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

#: What each refusal of ``counting.validate_choice`` says.
CHOICE_MESSAGES = {
    'unknown_option': lambda: _('That option is not on this ballot.'),
    'too_many': lambda: _('Too many choices: this vote allows fewer.'),
    'repeated': lambda: _('An option is chosen twice.'),
    'rank_repeated': lambda: _('Two options have the same rank: give each a different rank.'),
    'rank_gap': lambda: _('The ranks skip a number: rank 1, 2, 3 … without gaps.'),
    'empty_motion': lambda: _('Choose for, against or abstain.'),
    'not_a_list': lambda: _('The ballot is malformed.'),
    'not_an_option': lambda: _('That option is not on this ballot.'),
    'not_a_rank': lambda: _('A rank is a whole number from 1.'),
}


def lock_vote(vote: Vote, for_close: bool = False) -> Vote:
    """Re-read ``vote``'s status under a lock: shared for a cast, exclusive for the close (PostgreSQL)."""
    query = sa.select(Vote.status, Vote.closes_at).where(Vote.id == vote.id)
    query = query.with_for_update() if for_close else query.with_for_update(read=True)
    status, closes_at = db.session.execute(query).one()
    vote.__dict__['status'] = status
    vote.__dict__['closes_at'] = closes_at
    return vote


def _lock_for_cast(vote: Vote) -> int:
    """``lock_vote`` for a cast, reading the vote's number of options in the same statement; that number."""
    options = sa.select(sa.func.count(VoteOption.id)).where(VoteOption.vote_id == Vote.id).scalar_subquery()
    query = sa.select(Vote.status, Vote.closes_at, options).where(Vote.id == vote.id)
    status, closes_at, count = db.session.execute(query.with_for_update(read=True, of=Vote)).one()
    vote.__dict__['status'] = status
    vote.__dict__['closes_at'] = closes_at
    return count


def checked_choice(vote: Vote, raw, options: int | None = None) -> tuple[int, ...]:
    """``raw`` as a valid choice of ``vote`` (``options``: its number of options, when already read), or refuse."""
    if options is None:
        options = len(vote.options)
    try:
        return validate_choice(vote.kind, options, vote.max_choices, raw)
    except ChoiceError as exc:
        message = CHOICE_MESSAGES.get(exc.code, lambda: _('The ballot is malformed.'))()
        raise Refusal(message, g.CHOICE, code=exc.code) from None


def _refuse_marked(vote: Vote, elector: Elector | None, for_someone: bool):
    if elector is None:
        if for_someone:
            raise Refusal(_('You hold no proxy for this person in this vote.'), g.ONE_BALLOT, code='no_proxy')
        raise Refusal(
            _('You are not in the electorate of this vote (it was fixed when the vote opened).'),
            g.ELECTORATE,
            code='not_elector',
        )
    if elector.voted_via is not None:
        channel = CHANNEL_LABELS.get(elector.voted_via, elector.voted_via)
        raise Refusal(
            _('A ballot was already cast for this voter (%(channel)s): one ballot per voter.', channel=channel),
            g.ONE_BALLOT,
            code='already_voted',
        )
    raise Refusal(_('Your written proxy holder casts this ballot for you.'), g.ONE_BALLOT, code='proxy_registered')


def cast_ballot(
    actor, vote: Vote, raw_choice, channel: str = Channel.ONLINE, principal_id: int | None = None, client_id=None
) -> str:
    """Cast ``actor``'s ballot (or, with ``principal_id``, the ballot of an elector whose proxy they hold).

    :param raw_choice: option positions as sent (validated against the vote's kind and options).
    :param client_id: the sender's own id for this ballot: a resend with the same id, once the ballot was cast,
        is answered with the same receipt (the first answer was lost) instead of ``already_voted``.
    :return: the receipt code.
    :raises Refusal: the vote is not open, the person is not an elector, already voted, or the choice is bad.
    """
    if channel not in (Channel.ONLINE, Channel.ROOM):
        raise Refusal(_('The ballot is malformed.'), g.CHOICE, code='bad_channel')
    if client_id is not None and not CLIENT_ID.fullmatch(str(client_id)):
        raise Refusal(_('The ballot is malformed.'), g.CHOICE, code='bad_payload')
    choice = checked_choice(vote, raw_choice, _lock_for_cast(vote))  # a bad choice is refused before a closed vote
    if vote.status != VoteStatus.OPEN or (vote.closes_at is not None and utcnow() >= vote.closes_at):
        raise Refusal(_('This vote is not open: the ballot was not counted.'), g.OPEN_PERIOD, code='not_open')
    for_someone = principal_id is not None and principal_id != actor.id
    voter_id = principal_id if for_someone else actor.id
    holder = Elector.proxy_holder_id == actor.id if for_someone else Elector.proxy_holder_id.is_(None)
    tag = resend_tag(vote, voter_id, client_id) if client_id else None
    if for_someone and not vote.proxies_allowed:
        raise Refusal(_('Proxies are not allowed in this vote.'), g.ONE_BALLOT, code='no_proxy')
    weight = db.session.scalar(
        sa.update(Elector)
        .where(Elector.vote_id == vote.id, Elector.user_id == voter_id, Elector.voted_via.is_(None), holder)
        .values(voted_via=str(channel), resend_tag=tag)
        .returning(Elector.weight)
    )
    if weight is None:
        elector = db.session.scalar(sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == voter_id))
        if for_someone and elector is not None and elector.proxy_holder_id != actor.id:
            elector = None
        if tag is not None and elector is not None and elector.resend_tag == tag:
            return receipt_for(vote, voter_id, client_id)  # the same ballot again: its answer was lost
        _refuse_marked(vote, elector, for_someone)
    receipt = receipt_for(vote, voter_id, client_id) if client_id else new_receipt()
    payload = {'c': list(choice), 'w': int(weight), 'r': receipt}
    if not vote.secret:
        payload['v'] = voter_id
        payload['ch'] = str(channel)
    db.session.execute(sa.insert(SealedBallot).values(id=_box_id(), vote_id=vote.id, sealed=seal(vote, payload)))
    logger.info('vote %s: a ballot was cast', vote.id)
    return receipt


def _box_id() -> str:
    import secrets

    return secrets.token_hex(16)
