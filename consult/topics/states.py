"""THE state machine of a topic: the only module that changes ``Topic.status`` (domain.md (b)).

The table below is a :class:`consult.kernel.transitions.StateMachine`: each step names its action, the
states it leaves, the state it reaches, who may take it, and its guards. ``apply`` checks all of them, moves
the status with one conditional UPDATE (so two concurrent requests cannot both take the same step), sets the
step's fields, appends a :class:`TopicEvent` with the rule set in force, and publishes a
:class:`~consult.kernel.events.TopicMoved` (notifications and pushes listen to it).

Downstream contexts plug in when the app is built (``wiring.plug``): dispatch adds the whistle's target check
and the ticket it opens to ``redirect``; comments adds the period's checks and its opening to
``open_comments`` and ``conclude_comments``; meetings lets a meeting's chair take the session steps. This
module imports none of them.

The disclosure steps (``publish``, ``uphold_objection`` and the system's ``close_window`` and ``report_to_gov``)
are defined here too; ``consult.disclosure`` plugs in their checks and records.

The steps after the consultation opinion (``legality_pass``, ``legality_fail``, ``legality_needs_vote``, and the
system's ``vote_passed``, ``vote_failed``, ``vote_quorum_failed``) are defined here with who takes them; the
outcomes context plugs in their checks (an opinion recorded, no vote skipped where the law requires one, a
deciding vote's result) and their records (the legality check, the opinion locked). A returned topic is
consulted again through ``open_session`` (a meeting opens) or ``open_comments`` (a comment period opens).

``queue`` keeps the status (SUBMITTED) and puts the topic in the admissibility review queue: at once for
topics from staff, departments and deputies; for residents' own topics when the co-sign threshold is met.
"""

from datetime import timedelta

from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.events import TopicMoved
from consult.kernel.events import TopicNoted
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.roles.models import Role
from consult.roles.permissions import active_grants
from consult.roles.permissions import has_role
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics import guards as g
from consult.topics import logger
from consult.topics import permissions as p
from consult.topics.labels import ACTION_LABELS as ACTION_LABELS
from consult.topics.labels import STEP_LABELS as STEP_LABELS
from consult.topics.labels import step_label as step_label
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.topics.models import TopicStatus as S


def _submitter(actor, topic):
    return p.is_submitter(actor, topic)


def _committee(actor, topic):
    return p.can_review(actor, topic.community)


def _confirmer(actor, topic):
    return p.can_confirm(actor, topic)


def _principal(actor, topic):
    """The community's principal leader (the committee director) signs a whistle off (domain.md rule 28)."""
    return p.is_principal(actor, topic)


def _joint(actor, topic):
    return topic.escalated_to_id is not None and p.is_joint_committee(actor, topic)


def _legality_checker(actor, topic):
    """Committee staff or director, not the submitter or the resident it is for (domain.md rules 5, 25)."""
    return p.can_check_legality(actor, topic)


def _session_lead(actor, topic):
    """The committee or the Party organisation; meetings adds the chair of a meeting on the topic."""
    return p.can_review(actor, topic.community) or p.can_confirm(actor, topic)


def _on_submit(topic, actor, rules, reason, data):
    topic.submitted_at = utcnow()
    topic.submitted_rule_set_id = rules.id


def _on_queue(topic, actor, rules, reason, data):
    topic.queued_at = utcnow()
    topic.review_due_at = topic.queued_at + timedelta(days=rules.number('review_deadline_days'))


def _on_reject(topic, actor, rules, reason, data):
    topic.decision_reason = reason
    code = data.get('exclusion') or None
    topic.exclusion_code = code
    if code == 'private_matter':
        topic.public = False


def _on_merge(topic, actor, rules, reason, data):
    """The topic's side of a merge; ``wiring`` adds carrying the co-signs over (``operations.carry_cosigns``)."""
    topic.merged_into_id = data['target'].id
    topic.decision_reason = reason


def _on_redirect(topic, actor, rules, reason, data):
    """The topic's side of a whistle; dispatch adds the ticket (its effect runs after this one)."""
    topic.decision_reason = reason
    topic.exclusion_code = 'department_duty'


def _on_escalate(topic, actor, rules, reason, data):
    topic.escalated_to_id = topic.community.central_community_id
    topic.decision_reason = reason


def _on_confirm(topic, actor, rules, reason, data):
    topic.categories = data['categories']
    topic.participant_scope = clean_text(data['participant_scope'])
    topic.consultation_form = data['form']
    topic.form_reason = clean_text(data['form_reason'])
    topic.announced_at = utcnow()
    topic.publicity_ends_at = topic.announced_at + timedelta(days=rules.number('topic_publicity_days'))


def _on_refuse(topic, actor, rules, reason, data):
    topic.decision_reason = reason


def _rules(topic):
    rules = rules_in_force(topic.community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), g.NO_RULES, code='no_rules')
    return rules


def _record(topic, action, actor, source, target, reason, rules, data) -> TopicEvent:
    event = TopicEvent(
        topic_id=topic.id,
        actor_id=actor.id if actor is not None else None,
        actor_role=actor_role(actor, topic),
        action=action,
        from_status=str(source),
        to_status=str(target),
        reason=reason,
        rule_set_id=rules.id,
    )
    db.session.add(event)
    return event


MACHINE = machine(
    'topic',
    Topic,
    rule=g.PROCEDURE,
    who_rule=g.WHO_ACTS,
    event=TopicMoved,
    record=_record,
    context=_rules,
    read_only=p.read_only,
    messages={
        'forbidden': lambda: _('You may not take this step on this topic.'),
        'conflict': lambda: _('Someone else changed this topic just now; reload and try again.'),
    },
)

_OPEN = frozenset({S.SUBMITTED, S.SCREENING, S.ESCALATED, S.ANNOUNCED})
#: States a consultation (a session or a comment period) starts from: announced, deferred, or returned after a
#: failed legality check (domain.md (b): RETURNED -> IN_CONSULTATION).
_CONSULTABLE = frozenset({S.ANNOUNCED, S.DEFERRED, S.RETURNED})

MACHINE.define(
    Transition(
        'submit',
        frozenset({S.DRAFT}),
        S.SUBMITTED,
        _submitter,
        (g.content_complete, g.scope_declared, g.submitter_still_eligible),
        _on_submit,
    ),
    Transition('queue', frozenset({S.SUBMITTED}), S.SUBMITTED, None, (g.queue_due,), _on_queue, system=True),
    Transition('accept', frozenset({S.SUBMITTED}), S.SCREENING, _committee, (g.in_review_queue, g.not_excluded)),
    Transition(
        'reject', frozenset({S.SUBMITTED}), S.REJECTED, _committee, (g.reason_given, g.exclusion_valid), _on_reject
    ),
    Transition(
        'merge', frozenset({S.SUBMITTED}), S.MERGED, _committee, (g.reason_given, g.merge_target_valid), _on_merge
    ),
    Transition(
        'redirect',
        frozenset({S.SUBMITTED}),
        S.REDIRECTED,
        _principal,
        (g.in_review_queue, g.reason_given),
        _on_redirect,
    ),
    Transition(
        'confirm',
        frozenset({S.SCREENING}),
        S.ANNOUNCED,
        _confirmer,
        (g.not_excluded, g.is_public, g.categories_valid, g.scope_given, g.form_chosen),
        _on_confirm,
    ),
    Transition('refuse', frozenset({S.SCREENING}), S.REJECTED, _confirmer, (g.reason_given,), _on_refuse),
    Transition(
        'escalate',
        frozenset({S.SCREENING}),
        S.ESCALATED,
        _confirmer,
        (g.reason_given, g.not_escalated),
        _on_escalate,
    ),
    Transition('take_up', frozenset({S.ESCALATED}), S.SCREENING, _joint),
    Transition('open_session', _CONSULTABLE, S.IN_CONSULTATION, _session_lead, (g.publicity_ended,)),
    Transition('form_opinion', frozenset({S.IN_CONSULTATION}), S.OPINION_FORMED, _session_lead, (g.reason_given,)),
    Transition('defer', frozenset({S.IN_CONSULTATION}), S.DEFERRED, _session_lead, (g.reason_given,)),
    Transition('reschedule', frozenset({S.IN_CONSULTATION}), S.ANNOUNCED, _session_lead, (g.reason_given,)),
    Transition('withdraw', frozenset({S.DRAFT, S.SUBMITTED, S.SCREENING, S.ESCALATED}), S.WITHDRAWN, _submitter),
    Transition('withdraw_by_committee', _OPEN, S.WITHDRAWN, _committee, (g.reason_given,), _on_refuse),
    Transition(
        'open_comments',
        frozenset({S.ANNOUNCED, S.IN_CONSULTATION, S.RETURNED}),
        S.IN_CONSULTATION,
        _committee,
        (g.publicity_ended,),
    ),
    Transition(
        'conclude_comments',
        frozenset({S.IN_CONSULTATION}),
        S.OPINION_FORMED,
        _committee,
    ),
    # The legality check of the opinion (domain.md rule 5); outcomes adds its checks and records.
    Transition('legality_pass', frozenset({S.OPINION_FORMED}), S.LEGALITY_REVIEWED, _legality_checker),
    Transition('legality_fail', frozenset({S.OPINION_FORMED}), S.RETURNED, _legality_checker, (g.reason_given,)),
    Transition('legality_needs_vote', frozenset({S.OPINION_FORMED}), S.PENDING_VOTE, _legality_checker),
    # Only a deciding vote's result leaves PENDING_VOTE (domain.md rule 3): the system takes these steps when the
    # vote closes; outcomes checks the vote.
    Transition('vote_passed', frozenset({S.PENDING_VOTE}), S.LEGALITY_REVIEWED, system=True),
    Transition('vote_failed', frozenset({S.PENDING_VOTE}), S.CLOSED_NOT_ADOPTED, system=True),
    Transition('vote_quorum_failed', frozenset({S.PENDING_VOTE}), S.PENDING_VOTE, system=True),
)

# -- Result disclosure (结果公开, consult.disclosure) ------------------------------------------------------------
# Publishing is a step no topic skips (Art 12): the only way into RESULT_PUBLISHED, from a result ready to be
# published (legality passed, or the deciding vote passed) or from a failed vote (also published). The director
# signs off the publication committee staff prepared; disclosure plugs in the checks (a prepared publication,
# two different people), the publication's periods, the objections' checks and the window's.
_PUBLISHABLE = frozenset({S.LEGALITY_REVIEWED, S.CLOSED_NOT_ADOPTED})

MACHINE.define(
    Transition('publish', _PUBLISHABLE, S.RESULT_PUBLISHED, _principal),
    # An upheld objection sends the result back to consultation (the committee answers it).
    Transition('uphold_objection', frozenset({S.RESULT_PUBLISHED}), S.IN_CONSULTATION, _committee),
    # The system closes the window once the publicity period ended and every objection has its answer.
    Transition('close_window', frozenset({S.RESULT_PUBLISHED}), S.IMPLEMENTING, system=True),
    Transition('report_to_gov', frozenset({S.RESULT_PUBLISHED}), S.REPORTED_TO_GOV, system=True),
)

# -- Use of results (结果运用, domain.md rules 27, 30): from REPORTED_TO_GOV and IMPLEMENTING to FEEDBACK_GIVEN. -------
# The implementation context (``consult.implementation.wiring``) plugs in their checks (the reply's decision and
# reasons, every task done, the result text or the explanation residents see) and their records (the reply, the
# second disclosure and its rating period).


def _entrusting_department(actor, topic):
    """The department that entrusted the topic replies to the reported result (domain.md rule 27 (ii))."""
    department_id = topic.entrusting_department_id
    return department_id is not None and any(
        grant.role == Role.DEPARTMENT and grant.department_id == department_id for grant in active_grants(actor)
    )


MACHINE.define(
    # Adopted or partly adopted: the community implements it; not adopted: the reply is the feedback.
    Transition('gov_reply', frozenset({S.REPORTED_TO_GOV}), S.IMPLEMENTING, _entrusting_department),
    Transition('gov_reply_not_adopted', frozenset({S.REPORTED_TO_GOV}), S.FEEDBACK_GIVEN, _entrusting_department),
    # The director signs the implementation off (the role table), or explains why it cannot be carried out.
    Transition('complete_implementation', frozenset({S.IMPLEMENTING}), S.FEEDBACK_GIVEN, _principal),
    Transition('cannot_implement', frozenset({S.IMPLEMENTING}), S.FEEDBACK_GIVEN, _principal),
)

# -- Archive (档案管理, domain.md rules 33-37, consult.archive) ----------------------------------------------------
# The director approves filing the record once committee staff assembled its bundle; archive plugs in the guard
# (every required item present or waived) and the archive file. Topics closed before consultation (withdrawn, not
# accepted, merged) are filed too: every community record is archived (rule 33), with the items they have.
ARCHIVABLE = frozenset({S.FEEDBACK_GIVEN, S.WITHDRAWN, S.REJECTED, S.MERGED})
MACHINE.define(Transition('archive', ARCHIVABLE, S.ARCHIVED, _principal))

#: The department's reply, by its decision.
GOV_REPLY_STEPS = {'adopted': 'gov_reply', 'partly': 'gov_reply', 'not_adopted': 'gov_reply_not_adopted'}
#: The director's sign-off, by its outcome.
FINISH_STEPS = {'completed': 'complete_implementation', 'cannot': 'cannot_implement'}

#: The table (action -> Transition), read by pages and tests.
TRANSITIONS = MACHINE.transitions

#: Steps taken through their own pages, not the topic's step page: the dispatch proposal and sign-off, the
#: session steps (opening and closing a meeting, ``consult.meetings.operations``), and the legality check (one
#: form with its three results, ``consult.outcomes``).
ELSEWHERE = frozenset(
    {
        'redirect',
        'open_session',
        'form_opinion',
        'defer',
        'reschedule',
        'legality_pass',
        'legality_fail',
        'legality_needs_vote',
        'publish',
        'uphold_objection',
        # Use of results: the department's reply and the director's sign-off (``consult.implementation``).
        'gov_reply',
        'gov_reply_not_adopted',
        'complete_implementation',
        'cannot_implement',
        # The archive page (``consult.archive``).
        'archive',
    }
)
#: The legality check's steps, by its result.
LEGALITY_STEPS = {'pass': 'legality_pass', 'fail': 'legality_fail', 'needs_vote': 'legality_needs_vote'}


def actor_role(actor, topic) -> str:
    """The capacity in which ``actor`` acts on ``topic``, for the timeline."""
    if actor is None:
        return 'system'
    for role in (
        Role.JOINT_PARTY_COMMITTEE,
        Role.PARTY_ORG,
        Role.COMMITTEE_DIRECTOR,
        Role.COMMITTEE_STAFF,
        Role.DEPARTMENT,
    ):
        if has_role(actor, role, topic.community):
            return str(role)
    if p.is_submitter(actor, topic):
        return _CHANNEL_ROLE.get(topic.source_channel, 'submitter')
    return 'resident'


#: The capacity a submitter acts in, by channel (committee roles are found above).
_CHANNEL_ROLE = {
    'online': 'resident',
    'grid_patrol': str(Role.GRID_WORKER),
    'onsite_collection': str(Role.GRID_WORKER),
    'department': str(Role.DEPARTMENT),
    'deputy_liaison': str(Role.NPC_DEPUTY),
}


def allowed_actions(actor, topic) -> list[str]:
    """Actions ``actor`` may attempt on ``topic`` now (guards are checked only when attempted)."""
    return MACHINE.allowed_actions(actor, topic)


def apply(topic: Topic, action: str, actor, reason: str = '', **data) -> TopicEvent:
    """Take ``action`` on ``topic`` as ``actor``; flush, never commit.

    :param actor: the acting user, or ``None`` for the system (only ``queue``).
    :return: the new timeline event.
    :raises Refusal: wrong state, wrong actor, or a guard's rule not met (nothing is changed).
    """
    where = (Topic.queued_at.is_(None),) if action == 'queue' else ()
    step = MACHINE.apply(topic, action, actor, clean_text(reason), where=where, values={'updated_at': utcnow()}, **data)
    logger.info('topic %s: %s %s -> %s by %s', topic.id, action, step.source, topic.status, step.record.actor_id)
    return step.record


def log_step(topic: Topic, action: str, actor, reason: str = '') -> TopicEvent:
    """Append a timeline entry for a step that does not change the status (create, edit, carried co-signs)."""
    rules = rules_in_force(topic.community, today())
    event = TopicEvent(
        topic_id=topic.id,
        actor_id=actor.id if actor is not None else None,
        actor_role=actor_role(actor, topic),
        action=action,
        from_status=str(topic.status),
        to_status=str(topic.status),
        reason=clean_text(reason),
        rule_set_id=rules.id if rules is not None else None,
    )
    db.session.add(event)
    db.session.flush()
    publish(TopicNoted(topic_id=topic.id, action=action, actor_id=event.actor_id, reason=event.reason))
    return event
