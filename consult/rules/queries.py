"""Which rule set is in force."""

from datetime import date

import sqlalchemy as sa

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
