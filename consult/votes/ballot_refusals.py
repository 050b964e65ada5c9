"""What a ballot's refusals say, each citing its rule (built where they are raised, in that person's language)."""

from flask_babel import gettext as _

from consult.kernel.refusals import Refusal

from . import guards as g
from .models import CHANNEL_LABELS

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


def no_proxies() -> Refusal:
    return Refusal(_('Proxies are not allowed in this vote.'), g.ONE_BALLOT, code='no_proxy')


def session_ended() -> Refusal:
    """The ballot's login session had ended (logged out elsewhere, or idle too long): nothing was cast."""
    return Refusal(_('Your login has ended. Log in again to vote.'), code='session_ended')


def not_open() -> Refusal:
    return Refusal(_('This vote is not open: the ballot was not counted.'), g.OPEN_PERIOD, code='not_open')


def already(channel: str) -> Refusal:
    label = CHANNEL_LABELS.get(channel, channel)
    return Refusal(
        _('A ballot was already cast for this voter (%(channel)s): one ballot per voter.', channel=label),
        g.ONE_BALLOT,
        code='already_voted',
    )


def refusal_for(elector, for_someone: bool) -> Refusal:
    if elector is None:
        if for_someone:
            return Refusal(_('You hold no proxy for this person in this vote.'), g.ONE_BALLOT, code='no_proxy')
        return Refusal(
            _('You are not in the electorate of this vote (it was fixed when the vote opened).'),
            g.ELECTORATE,
            code='not_elector',
        )
    if elector.voted_via is not None:
        return already(elector.voted_via)
    return Refusal(_('Your written proxy holder casts this ballot for you.'), g.ONE_BALLOT, code='proxy_registered')
