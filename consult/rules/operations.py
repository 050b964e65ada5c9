"""Creating, proposing, confirming and declining rule set versions. Operations flush; the caller commits."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule
from consult.kernel.refusals import require_reason
from consult.rules import logger
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.rules.permissions import can_decide_rules
from consult.rules.permissions import can_propose_rules
from consult.rules.queries import latest_confirmed
from consult.rules.queries import next_version
from consult.rules.queries import pending_version
from consult.rules.validation import build_params
from consult.security import clean_text


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
        summary='默认规则：各数值取自法律、地方实践或平台默认值，并注明来源',
    )
    db.session.add(rules)
    db.session.flush()
    record(None, 'rules.initial', community=community, version=1)
    logger.info('community %s got the default rules', community.id)
    return rules


#: Who makes the rule set (Art 12 asks for the community's deliberation rules; the Party organisation approves).
AUTHORITY = Rule(
    'rules_authority',
    _l(
        "Longgang Community Governance Regulation art 12 (the community's deliberation rules); Guidance on urban"
        ' and rural community consultation (2015): the committee director proposes them, the community Party'
        ' organisation confirms or declines them'
    ),
)
#: The rule set's own procedure.
ONE_PENDING = Rule('one_pending_proposal', _l('Platform rule: one proposal at a time; a version is never edited'))
FROM_TODAY = Rule(
    'effective_from_today', _l('Platform rule: a new version takes effect today or later, never before the last')
)
SUMMARY_REQUIRED = Rule('summary_required', _l('Platform rule: every version of the rules says why it was made'))
MAX_SUMMARY = 2000


def propose_rules(actor, community, choices: dict, effective_from: date, summary: str) -> RuleSet:
    """Propose a new version of ``community``'s rules, waiting for the Party organisation's confirmation.

    :param choices: the director's choices, see :func:`consult.rules.validation.build_params`.
    :raises Refusal: not the director, a proposal already pending, an empty summary, a date before today or
        before the latest confirmed version, a value refused by :mod:`consult.rules.validation`, or nothing
        changed.
    """
    if not can_propose_rules(actor, community):
        raise Refusal(
            _("Only the committee director proposes changes to the community's rules."), AUTHORITY, code='forbidden'
        )
    summary = clean_text(summary)
    if not summary:
        raise Refusal(_('Say what this version changes and why.'), SUMMARY_REQUIRED, code='summary_required')
    if len(summary) > MAX_SUMMARY:
        raise Refusal(
            _('The summary is longer than %(max)s characters.', max=MAX_SUMMARY), SUMMARY_REQUIRED, code='too_long'
        )
    if pending_version(community) is not None:
        raise Refusal(
            _('A proposed version is already waiting for confirmation; it must be decided first.'),
            ONE_PENDING,
            code='pending',
        )
    latest = latest_confirmed(community)
    if effective_from < today():
        raise Refusal(_('A new version cannot take effect before today.'), FROM_TODAY, code='date_past')
    if latest is not None and effective_from < latest.effective_from:
        raise Refusal(
            _(
                'A new version cannot take effect before version %(version)s (%(date)s).',
                version=latest.version,
                date=latest.effective_from.isoformat(),
            ),
            FROM_TODAY,
            code='date_before_in_force',
        )
    params = build_params(latest.params if latest is not None else default_params(), choices)
    if latest is not None and params == latest.params:
        raise Refusal(_('This proposal changes nothing.'), ONE_PENDING, code='unchanged')
    version = next_version(community)
    rules = RuleSet(
        community_id=community.id,
        version=version,
        effective_from=effective_from,
        status=RuleSetStatus.PROPOSED,
        params=params,
        summary=summary,
        proposed_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(rules)
    except sa.exc.IntegrityError as exc:
        # Another proposal took this version number between our read and our write.
        raise Refusal(
            _('Someone else proposed a version at the same moment; reload and try again.'), ONE_PENDING, code='race'
        ) from exc
    record(
        actor,
        'rules.propose',
        community=community,
        reason=summary,
        version=version,
        effective_from=effective_from.isoformat(),
    )
    logger.info('rules v%s proposed for community %s by %s', version, community.id, actor.id)
    return rules


def confirm_rules(actor, rules: RuleSet) -> RuleSet:
    """Confirm a proposed version (把关): it is in force from its date, or from today if that date has passed.

    The update is conditional on the version still being proposed, so two confirmations cannot both pass.

    :raises Refusal: not the community's Party organisation, or the version is no longer proposed.
    """
    community = rules.community
    if not can_decide_rules(actor, community):
        raise Refusal(
            _("Only the community Party organisation confirms the community's rules."), AUTHORITY, code='forbidden'
        )
    effective_from = max(rules.effective_from, today())
    _decide(actor, rules, RuleSetStatus.CONFIRMED, effective_from=effective_from)
    record(
        actor,
        'rules.confirm',
        community=community,
        version=rules.version,
        effective_from=effective_from.isoformat(),
        same_person=actor.id == rules.proposed_by_id,
    )
    logger.info('rules v%s confirmed for community %s by %s', rules.version, community.id, actor.id)
    return rules


def decline_rules(actor, rules: RuleSet, reason: str) -> RuleSet:
    """Decline a proposed version, with the reason shown publicly.

    :raises Refusal: not the community's Party organisation, no reason, or the version is no longer proposed.
    """
    community = rules.community
    if not can_decide_rules(actor, community):
        raise Refusal(
            _('Only the community Party organisation declines changes to the rules.'), AUTHORITY, code='forbidden'
        )
    reason = require_reason(reason, _('State the reason for declining this version.'))
    _decide(actor, rules, RuleSetStatus.DECLINED, decision_reason=reason)
    record(
        actor,
        'rules.decline',
        community=community,
        reason=reason,
        version=rules.version,
        same_person=actor.id == rules.proposed_by_id,
    )
    logger.info('rules v%s declined for community %s by %s', rules.version, community.id, actor.id)
    return rules


def _decide(actor, rules: RuleSet, status: RuleSetStatus, **values) -> None:
    result = db.session.execute(
        sa.update(RuleSet)
        .where(RuleSet.id == rules.id, RuleSet.status == RuleSetStatus.PROPOSED)
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refusal(_('This version has already been decided.'), ONE_PENDING, code='already_decided')
    db.session.refresh(rules)
