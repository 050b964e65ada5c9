"""Freezing a vote's electorate when it opens: who may cast a ballot, with their household and weight.

A meeting's vote: the frozen roster's voters (residents, household representatives, residents' representatives;
never observers, experts, departments or units). A standalone vote: the community's voting residents by the
vote's criteria (every adult, one adult per household, or the residents' representatives), the same test as a
meeting's roster (``consult.residency.eligibility.voting_resident_criteria``), applied on the opening day.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.communities.models import Household
from consult.db import db
from consult.kernel.refusals import Refusal
from consult.meetings.models import VOTING_KINDS
from consult.meetings.models import Participant
from consult.meetings.roster import candidates

from . import guards as g
from .models import Elector

#: A standalone vote's criteria (a meeting's vote uses its roster).
MODES = ('adults', 'households', 'representatives')


def _rows(vote) -> list[tuple[int, int | None]]:
    if vote.meeting_id is not None:
        return list(
            db.session.execute(
                sa.select(Participant.user_id, Participant.household_id)
                .where(Participant.meeting_id == vote.meeting_id, Participant.kind.in_([str(k) for k in VOTING_KINDS]))
                .order_by(Participant.id)
            )
        )
    if vote.electorate_mode not in MODES:
        raise Refusal(_('Choose who votes.'), g.ELECTORATE, code='bad_mode')
    # ``candidates`` reads the topic and the community of what it is given: a vote has both. Representatives
    # are chosen in every mode; in ``representatives`` mode, only they are.
    chosen = candidates(vote, vote.electorate_mode, by_area=False)
    return [(user_id, household_id) for user_id, household_id, _kind in chosen]


def prospective_voters(vote) -> set[int]:
    """The users who would be electors if ``vote`` opened now (registering written proxies asks)."""
    return {user_id for user_id, _household_id in _rows(vote)}


def weights(rows: list[tuple[int, int | None]]) -> list[int]:
    """Each elector's weight: their household's imported weight, shared among its electors in this electorate.

    A household with weight ``w`` and ``k`` electors gives them ``w // k`` each, and one more to the first
    ``w % k`` (in roster order): the household weighs ``w`` in all, however many of its people vote, as a jointly
    owned flat's area counts once. A household with no imported weight (and an elector with no household) weighs
    1 per elector.
    """
    household_ids = {household_id for _user_id, household_id in rows if household_id is not None}
    query = sa.select(Household.id, Household.weight).where(
        Household.id.in_(household_ids), Household.weight.is_not(None)
    )
    imported = dict(db.session.execute(query).all())
    sizes: dict[int, int] = {}
    for _user_id, household_id in rows:
        sizes[household_id] = sizes.get(household_id, 0) + 1
    given: dict[int, int] = {}
    result = []
    for _user_id, household_id in rows:
        if household_id not in imported:
            result.append(1)
            continue
        share, extra = divmod(imported[household_id], sizes[household_id])
        place = given.get(household_id, 0)
        given[household_id] = place + 1
        result.append(share + (1 if place < extra else 0))
    return result


def freeze(vote) -> int:
    """Write the electorate of ``vote`` (at its opening), with each elector's weight; return its size.

    :raises Refusal: nobody would vote.
    """
    rows = _rows(vote)
    if not rows:
        raise Refusal(_('Nobody is eligible to vote: the electorate is empty.'), g.ELECTORATE, code='no_electorate')
    # Weights are fixed only where the rule set counts by weight: elsewhere a ballot carries none, so a weight
    # that only one household has cannot single out its ballot in the published list.
    shares = weights(rows) if counts_by_weight(vote) else [1] * len(rows)
    db.session.execute(
        sa.insert(Elector),
        [
            {'vote_id': vote.id, 'user_id': user_id, 'household_id': household_id, 'weight': weight}
            for (user_id, household_id), weight in zip(rows, shares, strict=True)
        ],
    )
    return len(rows)


def counts_by_weight(vote) -> bool:
    """Whether the rule applied to ``vote`` (its rule set in force at the opening) counts anything by weight."""
    rules = vote.rule_set
    return any(
        c.by == 'weight'
        for which in ('quorum', 'approval')
        for rule in rules.meeting_rule(vote.rule_kind, which).rules
        for c in rule.conditions
    )


def totals(vote) -> dict:
    """The bases of the count, by head, household and weight: the electorate and those who took part.

    Those who took part ("attending"): everyone who cast a ballot on any channel, and, in a meeting's vote,
    the electors signed in to the meeting (present and counted towards the quorum, voting or not).
    """
    from consult.meetings.models import Attendance

    took_part = Elector.voted_via.is_not(None)
    if vote.meeting_id is not None:
        signed_in = sa.select(Attendance.user_id).where(Attendance.meeting_id == vote.meeting_id)
        took_part = sa.or_(took_part, Elector.user_id.in_(signed_in))
    electorate = sa.select(
        sa.func.count(Elector.id),
        sa.func.count(sa.distinct(Elector.household_id)),
        sa.func.coalesce(sa.func.sum(Elector.weight), 0),
    ).where(Elector.vote_id == vote.id)
    all_head, all_household, all_weight = db.session.execute(electorate).one()
    in_head, in_household, in_weight = db.session.execute(electorate.where(took_part)).one()
    bases = {}
    for by, everyone, present in (
        ('head', all_head, in_head),
        ('household', all_household, in_household),
        ('weight', all_weight, in_weight),
    ):
        for base in ('eligible', 'members', 'registered'):
            bases[(base, by)] = int(everyone)
        bases[('attending', by)] = int(present)
    return bases


def unit(vote) -> str:
    """What one ballot stands for: ``household`` when the electorate is one person per household (一户一票),
    so that a rule counting votes by household can be applied; ``head`` otherwise."""
    electors, households, without = db.session.execute(
        sa.select(
            sa.func.count(Elector.id),
            sa.func.count(sa.distinct(Elector.household_id)),
            sa.func.count(Elector.id).filter(Elector.household_id.is_(None)),
        ).where(Elector.vote_id == vote.id)
    ).one()
    return 'household' if electors and not without and electors == households else 'head'
