"""Preparing, opening and cancelling votes. Operations take the actor, flush, and never commit.

Casting is in ``ballots.py``, the close and the count in ``closing.py``.
"""

from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import require_reason
from consult.meetings.models import MeetingStatus
from consult.rules.engine import RuleError
from consult.rules.queries import rules_in_force
from consult.security import clean_text
from consult.topics.models import TopicStatus

from . import guards as g
from . import logger
from .electorate import MODES
from .electorate import freeze
from .models import MAX_OPTIONS
from .models import MOTION_OPTIONS
from .models import OPTION_MAX
from .models import QUESTION_MAX
from .models import TITLE_MAX
from .models import Vote
from .models import VoteKind
from .models import VoteOption
from .models import VoteStatus
from .permissions import can_prepare
from .permissions import runs_vote
from .proxies import apply_proxies
from .rules import proxies_allowed
from .rules import roll_call
from .sealing import new_salt
from .states import MACHINE

#: Meeting types whose rules a vote may apply (a hearing has no vote).
RULE_KINDS = ('residents_meeting', 'representatives_meeting', 'deliberative_council', 'party_members_meeting')
#: Kinds of meeting whose vote decides a matter of a topic PENDING_VOTE.
DECIDING_KINDS = ('residents_meeting', 'representatives_meeting')
#: A meeting's vote stays open this long by default, at most a day.
MAX_MEETING_MINUTES = 24 * 60
#: A standalone vote is open at least an hour and at most 60 days.
MIN_STANDALONE = timedelta(hours=1)
MAX_STANDALONE = timedelta(days=60)

#: Topic states in which a vote may be prepared: the consultation, or a matter waiting for its vote.
VOTING_STATES = frozenset({TopicStatus.IN_CONSULTATION, TopicStatus.ANNOUNCED, TopicStatus.PENDING_VOTE})


def _options(kind: str, labels: list[str]) -> list[str]:
    if kind == VoteKind.MOTION:
        return [str(label) for label in MOTION_OPTIONS]
    labels = [clean_text(label).strip() for label in labels if label and label.strip()]
    if len(labels) < 2:
        raise Refusal(_('Give at least two options.'), g.CHOICE, code='few_options')
    if len(labels) > MAX_OPTIONS:
        raise Refusal(_('At most %(num)s options.', num=MAX_OPTIONS), g.CHOICE, code='many_options')
    if any(len(label) > OPTION_MAX for label in labels):
        raise Refusal(_('An option is too long.'), g.CHOICE, code='long_option')
    if len(set(labels)) != len(labels):
        raise Refusal(_('Two options have the same wording.'), g.CHOICE, code='same_options')
    return labels


def create_vote(actor, topic, data: dict, meeting=None) -> Vote:
    """Prepare a vote on ``topic`` (in ``meeting``, or standalone with its times). It opens later.

    :param data: ``title``, ``question``, ``kind``, ``options`` (labels), ``max_choices``, ``decides``,
        ``agenda_item_id``, ``minutes`` (a meeting's vote: how long it stays open), and for a standalone vote
        ``rule_kind``, ``electorate_mode``, ``opens_at`` and ``closes_at``.
    :raises Refusal: who, the topic's state, or bad data (nothing is saved).
    """
    if not (can_prepare(actor, topic) or (meeting is not None and runs_vote(actor, _Probe(topic, meeting)))):
        raise Refusal(_('The committee or the meeting chair prepares votes.'), g.WHO_RUNS, code='forbidden')
    if topic.status not in VOTING_STATES:
        raise Refusal(
            _('Votes are held while the topic is in consultation or waiting for its vote.'),
            g.PROCEDURE,
            code='wrong_state',
        )
    kind = data.get('kind')
    if kind not in set(VoteKind):
        raise Refusal(_('Choose the kind of vote.'), g.CHOICE, code='bad_kind')
    title = clean_text(data.get('title') or '').strip()
    if not title or len(title) > TITLE_MAX:
        raise Refusal(
            _('Give the vote a title (at most %(num)s characters).', num=TITLE_MAX), g.PROCEDURE, code='bad_title'
        )
    question = clean_text(data.get('question') or '').strip()
    if len(question) > QUESTION_MAX:
        raise Refusal(_('The question is too long.'), g.PROCEDURE, code='long_question')
    labels = _options(kind, data.get('options') or [])
    max_choices = int(data.get('max_choices') or 1) if kind == VoteKind.MULTIPLE else 1
    if not 1 <= max_choices <= len(labels):
        raise Refusal(
            _('The maximum number of choices must be between 1 and the number of options.'), g.CHOICE, code='bad_max'
        )
    vote = Vote(
        community_id=topic.community_id,
        topic_id=topic.id,
        title=title,
        question=question,
        kind=kind,
        max_choices=max_choices,
        created_by_id=actor.id,
        status=VoteStatus.DRAFT,
    )
    if meeting is not None:
        _for_meeting(vote, meeting, data)
    else:
        _standalone(vote, data)
    vote.decides = bool(data.get('decides'))
    if topic.status == TopicStatus.PENDING_VOTE:
        vote.decides = True
    if vote.decides:
        _check_deciding(vote, topic)
    rules = rules_in_force(topic.community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), g.MEETING_RULES, code='no_rules')
    _check_rules(rules, vote.rule_kind)
    vote.secret = not roll_call(rules, vote.rule_kind)
    vote.proxies_allowed = proxies_allowed(rules, vote.rule_kind)
    vote.options = [VoteOption(position=i, label=label) for i, label in enumerate(labels)]
    db.session.add(vote)
    db.session.flush()
    record(actor, 'vote.create', community=topic.community, vote_id=vote.id, topic_id=topic.id, kind=kind)
    logger.info('vote %s prepared on topic %s by %s', vote.id, topic.id, actor.id)
    return vote


class _Probe:
    """A vote-to-be, for asking ``runs_vote`` before the vote exists."""

    def __init__(self, topic, meeting):
        self.topic, self.meeting, self.community = topic, meeting, topic.community


def _for_meeting(vote: Vote, meeting, data: dict) -> None:
    if meeting.topic_id != vote.topic_id:
        raise Refusal(_('That meeting is not on this topic.'), g.PROCEDURE, code='bad_meeting')
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        raise Refusal(_('Votes are prepared before or during the session.'), g.PROCEDURE, code='wrong_state')
    if meeting.kind not in RULE_KINDS:
        raise Refusal(_('This kind of meeting holds no vote.'), g.MEETING_RULES, code='no_vote_meeting')
    vote.meeting_id = meeting.id
    vote.meeting = meeting
    vote.rule_kind = meeting.kind
    vote.electorate_mode = 'roster'
    item_id = data.get('agenda_item_id')
    if item_id:
        if int(item_id) not in {item.id for item in meeting.items}:
            raise Refusal(_('That agenda item is not on this meeting.'), g.PROCEDURE, code='bad_item')
        vote.agenda_item_id = int(item_id)
    minutes = int(data.get('minutes') or 10)
    if not 1 <= minutes <= MAX_MEETING_MINUTES:
        raise Refusal(
            _('A vote in a meeting stays open between 1 minute and a day.'), g.OPEN_PERIOD, code='bad_minutes'
        )
    vote.minutes = minutes


def _standalone(vote: Vote, data: dict) -> None:
    rule_kind = data.get('rule_kind') or 'residents_meeting'
    if rule_kind not in RULE_KINDS:
        raise Refusal(_('Choose whose rules apply.'), g.MEETING_RULES, code='bad_rule_kind')
    mode = data.get('electorate_mode')
    if mode not in MODES:
        raise Refusal(_('Choose who votes.'), g.ELECTORATE, code='bad_mode')
    opens_at, closes_at = data.get('opens_at'), data.get('closes_at')
    if not isinstance(opens_at, datetime) or not isinstance(closes_at, datetime):
        raise Refusal(_('Set the opening and the closing time.'), g.OPEN_PERIOD, code='bad_times')
    now = utcnow()
    if opens_at < now - timedelta(minutes=5) or opens_at > now + timedelta(days=730):
        raise Refusal(_('The vote opens between now and two years from now.'), g.OPEN_PERIOD, code='bad_times')
    if not MIN_STANDALONE <= closes_at - opens_at <= MAX_STANDALONE:
        raise Refusal(_('A vote stays open between an hour and 60 days.'), g.OPEN_PERIOD, code='bad_times')
    vote.rule_kind = rule_kind
    vote.electorate_mode = mode
    vote.opens_at = opens_at
    vote.closes_at = closes_at


def _check_deciding(vote: Vote, topic) -> None:
    if topic.status != TopicStatus.PENDING_VOTE:
        raise Refusal(
            _('Only a topic waiting for its vote (after the legality check) is decided by a vote.'),
            g.DECIDING,
            code='not_pending',
        )
    if vote.kind != VoteKind.MOTION or vote.rule_kind not in DECIDING_KINDS:
        raise Refusal(
            _("The matter is decided by a motion of a residents' meeting or a residents' representative meeting."),
            g.DECIDING,
            code='deciding_kind',
        )


def _check_rules(rules, rule_kind: str) -> None:
    try:
        rules.meeting_rule(rule_kind, 'quorum')
        rules.meeting_rule(rule_kind, 'approval')
    except (KeyError, RuleError):
        raise Refusal(
            _('The rule set has no quorum and approval rule for this kind of meeting.'), g.MEETING_RULES, code='no_rule'
        ) from None


def _refuse_second_deciding(vote: Vote) -> None:
    """A matter is decided by one vote at a time: whichever closed first would move the topic, the other's result
    would count for nothing."""
    other = db.session.scalar(
        sa.select(Vote.id).where(
            Vote.topic_id == vote.topic_id, Vote.decides.is_(True), Vote.status == VoteStatus.OPEN, Vote.id != vote.id
        )
    )
    if other is not None:
        raise Refusal(
            _('Another vote deciding this matter is open: its result comes first.'), g.DECIDING, code='other_deciding'
        )


def open_vote(actor, vote: Vote, now: datetime | None = None) -> Vote:
    """Open ``vote``: freeze its electorate and the rule set in force; start the clock (``actor`` ``None``: the system).

    :raises Refusal: wrong state, who, the meeting not in session, another vote of the meeting open.
    """
    now = now or utcnow()
    MACHINE.check(vote, 'open', actor)
    if vote.meeting_id is not None:
        if vote.meeting.status != MeetingStatus.OPEN:
            raise Refusal(_("A meeting's vote opens during its session."), g.PROCEDURE, code='not_in_session')
        other = db.session.scalar(
            sa.select(Vote.id).where(
                Vote.meeting_id == vote.meeting_id, Vote.status == VoteStatus.OPEN, Vote.id != vote.id
            )
        )
        if other is not None:
            raise Refusal(
                _('Another vote of this meeting is open: close it first.'), g.ONE_AT_A_TIME, code='other_open'
            )
        closes_at = now + timedelta(minutes=vote.minutes or 10)
    else:
        if actor is not None:
            raise Refusal(
                _('A standalone vote opens by itself at its opening time, set in advance.'),
                g.OPEN_PERIOD,
                code='opens_by_itself',
            )
        closes_at = vote.closes_at
        if closes_at is None or closes_at <= now:
            raise Refusal(_('The closing time has passed.'), g.OPEN_PERIOD, code='bad_times')
    if vote.decides:
        _refuse_second_deciding(vote)
    rules = rules_in_force(vote.community, today())
    if rules is None:
        raise Refusal(_('This community has no rule set in force.'), g.MEETING_RULES, code='no_rules')
    _check_rules(rules, vote.rule_kind)
    MACHINE.apply(
        vote,
        'open',
        actor,
        values={
            'opened_at': now,
            'closes_at': closes_at,
            'rule_set_id': rules.id,
            'box_salt': new_salt(),
        },
    )
    db.session.refresh(vote)
    vote.electorate_size = freeze(vote)
    apply_proxies(actor, vote, rules)
    db.session.flush()
    _check_countable(vote)
    record(actor, 'vote.open', community=vote.community, vote_id=vote.id, electorate=vote.electorate_size)
    return vote


#: What a vote's rules may count, and compare with (the bases ``electorate.totals`` gives, and ``one``).
_COUNTABLE = frozenset({'attending', 'yes', 'no', 'votes_cast'})
_BASES = frozenset({'eligible', 'members', 'registered', 'attending', 'votes_cast', 'one'})
_FROM_BALLOTS = frozenset({'yes', 'no', 'votes_cast'})


def _check_countable(vote: Vote) -> None:
    """Refuse now, not at the close, a rule the vote cannot apply: counts other than attendance and votes, or votes
    counted by household over an electorate that is not one voter per household."""
    from .electorate import unit

    rules = vote.rule_set
    one_per_household = unit(vote) == 'household'
    for which in ('quorum', 'approval'):
        for rule in rules.meeting_rule(vote.rule_kind, which).rules:
            for c in rule.conditions:
                by_household = c.by == 'household' and (c.counted in _FROM_BALLOTS or c.base in _FROM_BALLOTS)
                if c.counted not in _COUNTABLE or c.base not in _BASES or (by_household and not one_per_household):
                    raise Refusal(
                        _(
                            "The rule set's quorum or approval rule cannot be applied to this electorate (a rule"
                            ' counting votes by household needs one voter per household).'
                        ),
                        g.MEETING_RULES,
                        code='rule_not_applicable',
                    )


def cancel_vote(actor, vote: Vote, reason: str) -> Vote:
    reason = require_reason(reason, _('Say why the vote is cancelled.'))
    MACHINE.apply(vote, 'cancel', actor, reason, values={'cancel_reason': reason})
    record(actor, 'vote.cancel', community=vote.community, vote_id=vote.id, reason=reason)
    return vote
