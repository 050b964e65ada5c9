"""Creating and confirming rule set versions. Operations flush; the caller commits."""

from datetime import date

import sqlalchemy as sa

from consult.audit.operations import record
from consult.db import db
from consult.rules import logger
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus


def ensure_initial_rules(community, effective_from: date) -> RuleSet:
    """Give a community that has no rules yet version 1 with the defaults, confirmed (no actor: the system).

    Used when a community is created (and by the migration for existing ones), so a topic is never judged
    without a rule set in force.
    """
    existing = db.session.scalar(sa.select(RuleSet).where(RuleSet.community_id == community.id).limit(1))
    if existing is not None:
        return existing
    rules = RuleSet(
        community_id=community.id,
        version=1,
        effective_from=effective_from,
        status=RuleSetStatus.CONFIRMED,
        params=default_params(),
        summary='Defaults (domain.md section c)',
    )
    db.session.add(rules)
    db.session.flush()
    record(None, 'rules.initial', community=community, version=1)
    logger.info('community %s got the default rules', community.id)
    return rules
