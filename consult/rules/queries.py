"""Which rule set is in force."""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus


def rules_in_force(community, day: date) -> RuleSet | None:
    """Return the confirmed version of ``community``'s rules in force on ``day`` (the latest effective by then)."""
    return db.session.scalar(
        sa.select(RuleSet)
        .where(
            RuleSet.community_id == community.id,
            RuleSet.status == RuleSetStatus.CONFIRMED,
            RuleSet.effective_from <= day,
        )
        .order_by(RuleSet.effective_from.desc(), RuleSet.version.desc())
        .limit(1)
    )


def versions_of(community) -> list[RuleSet]:
    """Every version of ``community``'s rules, newest first (the public history)."""
    return list(
        db.session.scalars(
            sa.select(RuleSet).where(RuleSet.community_id == community.id).order_by(RuleSet.version.desc())
        )
    )


def latest_confirmed(community) -> RuleSet | None:
    """The confirmed version taking effect last (perhaps in the future): what a new proposal starts from."""
    return db.session.scalar(
        sa.select(RuleSet)
        .where(RuleSet.community_id == community.id, RuleSet.status == RuleSetStatus.CONFIRMED)
        .order_by(RuleSet.effective_from.desc(), RuleSet.version.desc())
        .limit(1)
    )


def pending_version(community) -> RuleSet | None:
    """The proposed version waiting for the Party organisation, if any (there is at most one)."""
    return db.session.scalar(
        sa.select(RuleSet)
        .where(RuleSet.community_id == community.id, RuleSet.status == RuleSetStatus.PROPOSED)
        .limit(1)
    )


def next_version(community) -> int:
    """The next version number (max + 1, read inside the proposing transaction; the unique constraint backs it)."""
    current = db.session.scalar(sa.select(sa.func.max(RuleSet.version)).where(RuleSet.community_id == community.id))
    return (current or 0) + 1


def version_of(community, version: int) -> RuleSet | None:
    """One version of ``community``'s rules, with who proposed and decided it."""
    return db.session.scalar(
        sa.select(RuleSet)
        .where(RuleSet.community_id == community.id, RuleSet.version == version)
        .options(so.joinedload(RuleSet.proposed_by), so.joinedload(RuleSet.decided_by))
    )


def predecessor_of(rules: RuleSet) -> RuleSet | None:
    """The confirmed version before ``rules`` (by number): what it is compared with."""
    return db.session.scalar(
        sa.select(RuleSet)
        .where(
            RuleSet.community_id == rules.community_id,
            RuleSet.status == RuleSetStatus.CONFIRMED,
            RuleSet.version < rules.version,
        )
        .order_by(RuleSet.version.desc())
        .limit(1)
    )


def history_page(community, page: int, per_page: int = 20):
    """A page of ``community``'s versions, newest first, with proposer and decider loaded in the same query."""
    return db.paginate(
        sa.select(RuleSet)
        .where(RuleSet.community_id == community.id)
        .options(so.joinedload(RuleSet.proposed_by), so.joinedload(RuleSet.decided_by))
        .order_by(RuleSet.version.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
