"""Written proxies (委托): off unless the rule set allows them for the vote's kind of meeting.

The committee registers a written proxy while the vote is being prepared: the principal and the holder must
both be voters-to-be (a meeting's roster with a voting kind, or the standalone vote's criteria), the holder
holds at most the rule set's ``proxy_max_per_holder`` (3 by default), nobody gives a proxy twice, and a holder
gives none of his own (no chains). Registrations of one vote are serialised on the vote's row (``FOR UPDATE``
on PostgreSQL), so two at once never pass the cap; the opening takes the same row, so it sees every proxy
registered before it.

At the opening (``apply_proxies``, right after the electorate is frozen) each registered proxy whose principal
and holder are both electors is applied (``Elector.proxy_holder_id``: the holder casts the principal's ballot,
the principal cannot); the others are dropped, each with an audit record. The list is published with the
result.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics.permissions import can_review

from . import guards as g
from . import logger
from .electorate import prospective_voters
from .models import LIVE_PROXY
from .models import PROXY_DOCUMENT_MAX
from .models import Elector
from .models import ProxyStatus
from .models import Vote
from .models import VoteProxy
from .models import VoteStatus
from .rules import proxies_allowed
from .rules import proxy_cap


def _require_committee(actor, vote) -> None:
    if not (getattr(actor, 'is_authenticated', False) and can_review(actor, vote.community)):
        raise Refusal(_('The committee registers written proxies.'), g.WHO_RUNS, code='forbidden')


def _lock_draft(vote) -> None:
    """Take the vote's row (exclusive on PostgreSQL) and check it is still being prepared."""
    status = db.session.execute(sa.select(Vote.status).where(Vote.id == vote.id).with_for_update()).scalar_one()
    if status != VoteStatus.DRAFT:
        raise Refusal(
            _('Written proxies are registered while the vote is being prepared, before it opens.'),
            g.PROXIES,
            code='wrong_state',
        )


def _live(vote_id: int, *criteria) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(VoteProxy)
        .where(VoteProxy.vote_id == vote_id, VoteProxy.status.in_([str(s) for s in LIVE_PROXY]), *criteria)
    )


def register_proxy(actor, vote, principal_id: int, holder_id: int, document: str):
    """Register a written proxy of ``principal_id`` to ``holder_id`` for ``vote``.

    :param document: what the written proxy is (its date, where the signed paper is kept).
    :raises Refusal: who, state, proxies not allowed, a missing note, not voters, the principal's second proxy, a
        chain, or the holder at the cap.
    """
    _require_committee(actor, vote)
    document = clean_text(document or '').strip()
    if not document or len(document) > PROXY_DOCUMENT_MAX:
        raise Refusal(
            _(
                'Describe the written proxy (at most %(num)s characters): its date and where the paper is kept.',
                num=PROXY_DOCUMENT_MAX,
            ),
            g.PROXIES,
            code='no_document',
        )
    if principal_id == holder_id:
        raise Refusal(_('A voter cannot hold his own proxy.'), g.PROXIES, code='self')
    _lock_draft(vote)
    rules = rules_in_force(vote.community, today())
    if not vote.proxies_allowed or rules is None or not proxies_allowed(rules, vote.rule_kind):
        raise Refusal(
            _("The community's rule set does not allow proxies for this kind of meeting."),
            g.PROXIES,
            code='not_allowed',
        )
    voters = prospective_voters(vote)
    if principal_id not in voters:
        raise Refusal(_('The person giving the proxy is not a voter in this vote.'), g.ELECTORATE, code='principal')
    if holder_id not in voters:
        raise Refusal(_('The proxy holder must be a voter in this vote himself.'), g.PROXIES, code='holder')
    if _live(vote.id, VoteProxy.principal_id == principal_id):
        raise Refusal(_('This voter has already given a written proxy for this vote.'), g.PROXIES, code='twice')
    if _live(vote.id, VoteProxy.holder_id == principal_id) or _live(vote.id, VoteProxy.principal_id == holder_id):
        raise Refusal(
            _('A proxy holder does not give his own proxy away, and a voter who gave his proxy holds none.'),
            g.PROXIES,
            code='chain',
        )
    cap = proxy_cap(rules)
    if _live(vote.id, VoteProxy.holder_id == holder_id) >= cap:
        raise Refusal(
            _('This holder already holds %(num)s written proxies, the most the rule set allows.', num=cap),
            g.PROXIES,
            code='cap',
        )
    proxy = VoteProxy(
        vote_id=vote.id,
        principal_id=principal_id,
        holder_id=holder_id,
        document=document,
        status=ProxyStatus.REGISTERED,
        registered_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(proxy)
    except IntegrityError:
        raise Refusal(
            _('This voter has already given a written proxy for this vote.'), g.PROXIES, code='twice'
        ) from None
    record(actor, 'vote.proxy_register', community=vote.community, vote_id=vote.id, proxy=proxy.id)
    logger.info('vote %s: proxy %s registered by %s', vote.id, proxy.id, actor.id)
    return proxy


def withdraw_proxy(actor, vote, proxy_id: int, reason: str):
    """Withdraw a registered proxy before the opening (the principal revoked it, or it was a mistake)."""
    _require_committee(actor, vote)
    reason = require_reason(reason, _('Say why the proxy is withdrawn.'))
    _lock_draft(vote)
    done = db.session.execute(
        sa.update(VoteProxy)
        .where(VoteProxy.id == proxy_id, VoteProxy.vote_id == vote.id, VoteProxy.status == ProxyStatus.REGISTERED)
        .values(status=ProxyStatus.REVOKED, ended_at=utcnow(), ended_by_id=actor.id, end_reason=reason)
        .execution_options(synchronize_session='fetch')
    ).rowcount
    if not done:
        raise Refusal(_('No such registered proxy in this vote.'), g.PROXIES, code='not_found')
    record(actor, 'vote.proxy_withdraw', community=vote.community, vote_id=vote.id, proxy=proxy_id, reason=reason)
    return db.session.get(VoteProxy, proxy_id)


#: Why a proxy was not applied at the opening.
DROP_REASONS = {
    'not_allowed': lambda: _('The rule set in force at the opening does not allow proxies.'),
    'principal': lambda: _('The person who gave it is not in the electorate.'),
    'holder': lambda: _('The holder is not in the electorate.'),
    'cap': lambda: _('The holder holds more proxies than the rule set in force at the opening allows.'),
}


def apply_proxies(actor, vote, rules) -> int:
    """At the opening, right after the electorate is frozen: apply the registered proxies, drop the others.

    Sets ``vote.proxies_allowed`` from ``rules`` (in force at the opening). Returns how many were applied.
    """
    vote.proxies_allowed = proxies_allowed(rules, vote.rule_kind)
    registered = list(
        db.session.scalars(
            sa.select(VoteProxy)
            .where(VoteProxy.vote_id == vote.id, VoteProxy.status == ProxyStatus.REGISTERED)
            .order_by(VoteProxy.id)
        )
    )
    if not registered:
        return 0
    electors = set(db.session.scalars(sa.select(Elector.user_id).where(Elector.vote_id == vote.id)))
    cap, held, now = proxy_cap(rules), {}, utcnow()
    for proxy in registered:
        why = (
            'not_allowed'
            if not vote.proxies_allowed
            else 'principal'
            if proxy.principal_id not in electors
            else 'holder'
            if proxy.holder_id not in electors
            else 'cap'
            if held.get(proxy.holder_id, 0) >= cap
            else None
        )
        if why is not None:
            proxy.status, proxy.ended_at, proxy.end_reason = ProxyStatus.DROPPED, now, why
            record(actor, 'vote.proxy_drop', community=vote.community, vote_id=vote.id, proxy=proxy.id, why=why)
            continue
        held[proxy.holder_id] = held.get(proxy.holder_id, 0) + 1
        proxy.status = ProxyStatus.APPLIED
        db.session.execute(
            sa.update(Elector)
            .where(Elector.vote_id == vote.id, Elector.user_id == proxy.principal_id)
            .values(proxy_holder_id=proxy.holder_id)
            .execution_options(synchronize_session='fetch')
        )
    db.session.flush()
    return sum(held.values())


def voter_choices(vote) -> list[tuple[int, str]]:
    """The voters-to-be of ``vote``, by name (the registration form's choices)."""
    ids = prospective_voters(vote)
    rows = db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(ids)).order_by(User.display_name, User.id)
    )
    return [(user_id, name) for user_id, name in rows]


def proxies_of(vote) -> list:
    """Every proxy registered for ``vote`` (withdrawn and dropped ones too), oldest first."""
    return list(
        db.session.scalars(
            sa.select(VoteProxy)
            .where(VoteProxy.vote_id == vote.id)
            .options(so.joinedload(VoteProxy.principal), so.joinedload(VoteProxy.holder))
            .order_by(VoteProxy.id)
        )
    )
