"""Lapsing petitions and re-checking thresholds when residents move. Operations flush; the caller commits.

Lapse is computed, never waiting for a timer: :meth:`Petition.lapse_due` says whether an open petition is past
its lapse second; :func:`lapse_due` stores the lapse (audited, people told) for every such petition, and is run
when petitions are read, listed or signed, and daily by ``flask petitions lapse``.

:func:`recheck_communities` runs when a residence begins or ends (``consult.residency.hooks``): counts use
current residence, so a signer who moved out stops counting and a shrinking roster can make an open petition
meet its threshold. A petition already met stays met: the committee's duty, once incurred, does not lapse
because people moved afterwards (the same reason signing stops once met).
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.petitions import logger
from consult.petitions.models import Petition
from consult.petitions.models import PetitionStatus
from consult.petitions.operations import check_threshold
from consult.petitions.states import take
from consult.petitions.steps import lock


def lapse(petition: Petition, now: datetime | None = None) -> bool:
    """Lapse ``petition`` if it is open and past its lapse second (a conditional UPDATE: lapses once).

    :return: whether this call lapsed it.
    """
    now = now or utcnow()
    if not petition.lapse_due(now):
        return False
    if not take(petition, 'lapse', refuse=False, lapsed_at=now):
        return False
    record(
        None,
        'petition.lapse',
        community=petition.community,
        petition_id=petition.id,
        lapses_at=petition.lapses_at.isoformat(),
        rule_set_id=petition.rule_set_id,
    )
    logger.info('petition %s lapsed (due %s)', petition.id, petition.lapses_at.isoformat())
    return True


def lapse_due(now: datetime | None = None, community_ids=None) -> list[Petition]:
    """Lapse every open petition past its lapse second, of ``community_ids`` or everywhere; idempotent.

    One query reads the open petitions with their start rule sets and communities (each petition's lapse period is its own).
    """
    now = now or utcnow()
    query = (
        sa.select(Petition)
        .where(Petition.status == PetitionStatus.OPEN)
        .options(so.joinedload(Petition.rule_set), so.joinedload(Petition.community))
        .order_by(Petition.id)
    )
    if community_ids is not None:
        query = query.where(Petition.community_id.in_(list(community_ids)))
    return [
        petition for petition in db.session.scalars(query).all() if petition.lapse_due(now) and lapse(petition, now)
    ]


def recheck_communities(community_ids, now: datetime | None = None) -> list[Petition]:
    """Re-evaluate the open petitions of ``community_ids`` after residents moved; return those now met.

    Due petitions lapse first. Each remaining petition's row is locked (as signing does), so a re-check and a
    racing signature are evaluated one after the other.
    """
    now = now or utcnow()
    lapse_due(now, community_ids)
    met = []
    open_petitions = db.session.scalars(
        sa.select(Petition)
        .where(Petition.community_id.in_(list(community_ids)), Petition.status == PetitionStatus.OPEN)
        .options(so.selectinload(Petition.rule_set))
        .order_by(Petition.id)
    ).all()
    for petition in open_petitions:
        if lock(petition) == PetitionStatus.OPEN and check_threshold(petition, now):
            met.append(petition)
    return met


def recheck_community(community_id: int, now: datetime | None = None) -> list[Petition]:
    return recheck_communities({community_id}, now)
