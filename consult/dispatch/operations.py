"""Dispatch operations: propose, sign off, decline, report, progress, close. They flush; the caller commits.

The topic's status moves only through :func:`consult.topics.states.apply` (action ``redirect``), whose effect
calls :func:`dispatch_ticket`. A ticket's status moves only through its state machine
(:mod:`consult.dispatch.states`): one conditional UPDATE, so two concurrent requests never both take the
same step. Each operation checks who acts first, with the loop's own messages, as it always did.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.db import db
from consult.dispatch import guards as dg
from consult.dispatch import logger
from consult.dispatch import permissions as p
from consult.dispatch.deadlines import deadline
from consult.dispatch.models import DispatchEvent
from consult.dispatch.models import DispatchTicket
from consult.dispatch.models import TicketStatus as T
from consult.dispatch.queries import live_ticket
from consult.dispatch.states import MACHINE
from consult.dispatch.states import log
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.rules.queries import rules_in_force
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.models import TopicStatus


def _audit(actor, action: str, ticket, reason: str = '', **details) -> None:
    record(
        actor,
        f'dispatch.{action}',
        community=ticket.community,
        reason=reason,
        ticket=ticket.id,
        topic=ticket.topic_id,
        department=ticket.department_id,
        **details,
    )


def propose_dispatch(actor, topic, department, kind: str, reason: str) -> DispatchTicket:
    """Propose redirecting ``topic`` to ``department``; the director's own proposal is dispatched at once.

    :raises Refusal: not committee staff or director, topic not in the review queue, a department that does
        not serve the community, no reason, or a whistle already proposed for the topic.
    """
    if not p.can_review_topic(actor, topic):
        raise Refusal(_('Only the committee redirects a topic to a department.'), dg.REVIEW, code='forbidden')
    if topic.status != TopicStatus.SUBMITTED:
        raise Refusal(_('This step is not possible in the current state.'), tg.PROCEDURE, code='wrong_state')
    rules = rules_in_force(topic.community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), tg.NO_RULES, code='no_rules')
    data = {'department': department, 'kind': kind}
    tg.in_review_queue(topic, actor, rules, reason, data)
    reason = dg.require_text(reason, dg.TEXT_MAX, _('Give the reason; it is shown to the department.'), dg.REVIEW)
    dg.whistle_target_valid(topic, actor, rules, reason, data)
    if live_ticket(topic.id) is not None:
        raise Refusal(_('A redirection of this topic is already waiting for sign-off.'), dg.SIGN_OFF, code='duplicate')
    if p.is_principal(actor, topic.community):
        # The director is the principal leader: proposing and signing off are one step.
        states.apply(topic, 'redirect', actor, reason=reason, **data)
        return live_ticket(topic.id)
    ticket = DispatchTicket(
        topic_id=topic.id,
        community_id=topic.community_id,
        department_id=department.id,
        kind=kind,
        reason=reason,
        status=T.PROPOSED,
        created_by_id=actor.id,
    )
    _insert(ticket)
    log(ticket, actor, 'propose', T.PROPOSED, reason)
    _audit(actor, 'propose', ticket, reason, kind=kind)
    logger.info('dispatch %s proposed for topic %s by %s', ticket.id, topic.id, actor.id)
    return ticket


def _insert(ticket) -> None:
    savepoint = db.session.begin_nested()
    db.session.add(ticket)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise Refusal(
            _('A redirection of this topic is already waiting for sign-off.'), dg.SIGN_OFF, code='duplicate'
        ) from None


def sign_off(actor, ticket) -> DispatchTicket:
    """The director signs a proposed whistle off: the topic is redirected and the ticket dispatched."""
    if ticket.status != T.PROPOSED:
        raise Refusal(_('This step is not possible in the ticket’s current state.'), dg.LOOP, code='wrong_state')
    if not p.is_principal(actor, ticket.community):
        raise Refusal(_('Only the committee director signs off a whistle.'), dg.SIGN_OFF, code='forbidden')
    states.apply(
        ticket.topic,
        'redirect',
        actor,
        reason=ticket.reason,
        department=ticket.department,
        kind=ticket.kind,
        ticket=ticket,
    )
    return ticket


def dispatch_ticket(topic, actor, rules, reason, data) -> DispatchTicket:
    """The ``redirect`` transition's effect: dispatch the proposed ticket, or open one signed off at once.

    Plugged into the topic's ``redirect`` step by ``consult.dispatch.wiring``: runs only after its guards
    passed and the topic moved.
    """
    now = utcnow()
    values = {
        'signed_off_by_id': actor.id,
        'dispatched_at': now,
        'deadline_at': deadline(now, data['kind'], rules),
        'rule_set_id': rules.id,
    }
    ticket = data.get('ticket')
    if ticket is None:
        ticket = DispatchTicket(
            topic_id=topic.id,
            community_id=topic.community_id,
            department_id=data['department'].id,
            kind=data['kind'],
            reason=reason,
            status=T.DISPATCHED,
            created_by_id=actor.id,
            **values,
        )
        _insert(ticket)
        log(ticket, actor, 'dispatch', T.PROPOSED, reason)
    else:
        if ticket.topic_id != topic.id:
            raise Refusal(_('That ticket belongs to another topic.'), dg.LOOP, code='bad_ticket')
        MACHINE.apply(ticket, 'dispatch', actor, values=values)
    _audit(
        actor,
        'dispatch',
        ticket,
        reason,
        kind=ticket.kind,
        proposed_by=ticket.created_by_id,
        signed_off_by=actor.id,
        deadline=ticket.deadline_at.isoformat(),
    )
    logger.info('dispatch %s dispatched to department %s by %s', ticket.id, ticket.department_id, actor.id)
    return ticket


def decline(actor, ticket, reason: str) -> DispatchTicket:
    """The director does not sign off; the topic stays in admissibility review."""
    if not p.is_principal(actor, ticket.community):
        raise Refusal(_('Only the committee director signs off a whistle.'), dg.SIGN_OFF, code='forbidden')
    reason = dg.require_text(reason, dg.TEXT_MAX, _('Give the reason for not signing off.'), dg.SIGN_OFF)
    MACHINE.apply(ticket, 'decline', actor, reason, values={'declined_at': utcnow()})
    _audit(actor, 'decline', ticket, reason)
    return ticket


def report(actor, ticket) -> DispatchTicket:
    """报到: the department acknowledges the item."""
    _require_department(actor, ticket)
    MACHINE.apply(ticket, 'report', actor, values={'reported_at': utcnow()})
    _audit(actor, 'report', ticket)
    states.log_step(ticket.topic, 'dispatch_reported', actor)
    return ticket


def post_progress(actor, ticket, text: str) -> DispatchEvent:
    """The department posts progress (the first moves the ticket to 办理中); the committee posts follow-ups."""
    text = dg.require_text(text, dg.TEXT_MAX, _('Write the progress note.'), dg.LOOP)
    if p.can_handle(actor, ticket):
        if ticket.status == T.REPORTED:
            event = MACHINE.apply(ticket, 'handle', actor, text, values={'handling_at': utcnow()}).record
        elif ticket.status == T.HANDLING:
            event = log(ticket, actor, 'progress', T.HANDLING, text)
        else:
            raise Refusal(
                _('Acknowledge the item before posting progress.')
                if ticket.status == T.DISPATCHED
                else _('This step is not possible in the ticket’s current state.'),
                dg.LOOP,
                code='wrong_state',
            )
    elif p.can_note(actor, ticket):
        if ticket.status not in (T.DISPATCHED, T.REPORTED, T.HANDLING):
            raise Refusal(_('This step is not possible in the ticket’s current state.'), dg.LOOP, code='wrong_state')
        event = log(ticket, actor, 'note', ticket.status, text)
    else:
        raise Refusal(
            _('Only the department this item was dispatched to answers it.'), dg.OWN_DEPARTMENT, code='forbidden'
        )
    _audit(actor, event.action, ticket, text)
    return event


def close(actor, ticket, reply: str) -> DispatchTicket:
    """办结: the department closes the item with its reply, shown on the topic's page; people are told."""
    _require_department(actor, ticket)
    if ticket.status == T.DISPATCHED:
        raise Refusal(_('Acknowledge the item before closing it.'), dg.LOOP, code='wrong_state')
    reply = dg.require_text(reply, dg.REPLY_MAX, _('Write the reply; it is shown with the topic.'), dg.REPLY)
    MACHINE.apply(
        ticket, 'close', actor, reply, values={'closed_at': utcnow(), 'reply': reply, 'closed_by_id': actor.id}
    )
    _audit(actor, 'close', ticket, reply)
    states.log_step(ticket.topic, 'dispatch_closed', actor, reason=reply)  # people are told (TopicNoted)
    return ticket


def _require_department(actor, ticket) -> None:
    if not p.can_handle(actor, ticket):
        raise Refusal(
            _('Only the department this item was dispatched to answers it.'), dg.OWN_DEPARTMENT, code='forbidden'
        )
