"""Recording the consultation opinion, appending corrections, and recording the legality check.

Operations take the acting user, flush, and never commit. The legality check is a topic step
(:func:`consult.topics.states.apply`), which checks the guards, moves the status, writes the timeline and
notifies; its record is written by the step's effect (:func:`record_check`, plugged by ``wiring``).
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.comments.queries import latest_period
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.markdown import render_markdown
from consult.kernel.refusals import Refusal
from consult.meetings.models import Meeting
from consult.meetings.models import MeetingStatus
from consult.meetings.models import Outcome
from consult.security import clean_text
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.models import TopicStatus
from consult.topics.permissions import is_party_to
from consult.votes.models import Vote
from consult.votes.models import VoteStatus

from . import guards as g
from . import logger
from .models import DISSENT_MAX
from .models import ENTRY_MAX
from .models import TEXT_MAX
from .models import LegalityCheck
from .models import LegalityResult
from .models import Opinion
from .models import OpinionCorrection
from .permissions import records_opinion
from .queries import current_opinion
from .queries import next_round

#: The result a legality step records, by the state it reached.
_RESULT_OF = {
    TopicStatus.LEGALITY_REVIEWED: LegalityResult.PASS,
    TopicStatus.RETURNED: LegalityResult.FAIL,
    TopicStatus.PENDING_VOTE: LegalityResult.NEEDS_VOTE,
}


def _refuse_party(actor, topic) -> None:
    if is_party_to(actor, topic):
        raise Refusal(
            _('You submitted this matter or it is yours: someone else on the committee records this.'),
            g.CONFLICT_OF_INTEREST,
            code='conflict_of_interest',
        )


# -- the draft written when the opinion is formed ----------------------------------------------------------------


def draft_opinion(topic, action: str, actor_id: int | None, reason: str) -> Opinion:
    """Write the round's opinion from the step that formed it: the meeting's conclusion or the period's summary.

    ``form_opinion`` (a session closed with consensus): consensus yes, the text is the chair's conclusion, the
    meeting's closed votes are relied on. ``conclude_comments``: the text is the comment period's summary and the
    consensus is left for the committee to state.
    """
    opinion = Opinion(topic_id=topic.id, round=next_round(topic.id), recorded_by_id=actor_id, dissent=[])
    text = reason or ''
    if action == 'conclude_comments':
        period = latest_period(topic.id)
        if period is not None:
            opinion.comment_period_id = period.id
            text = text or period.summary or ''
    else:
        opinion.consensus = True
        meeting = _meeting_closed_with(topic)
        if meeting is not None:
            opinion.meeting_id = meeting.id
            opinion.votes = list(
                db.session.scalars(
                    sa.select(Vote)
                    .where(Vote.meeting_id == meeting.id, Vote.status == VoteStatus.CLOSED)
                    .order_by(Vote.id)
                )
            )
    opinion.text = text.strip()
    opinion.text_html = render_markdown(opinion.text)
    db.session.add(opinion)
    db.session.flush()
    logger.info('topic %s: opinion %s (round %s) drafted from %s', topic.id, opinion.id, opinion.round, action)
    return opinion


def _meeting_closed_with(topic) -> Meeting | None:
    """The meeting whose close formed the opinion: the topic's latest closed with consensus, not used before."""
    meeting = db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.topic_id == topic.id,
            Meeting.status == MeetingStatus.CLOSED,
            Meeting.outcome == Outcome.CONSENSUS,
        )
        .order_by(Meeting.closed_at.desc(), Meeting.id.desc())
        .limit(1)
    )
    if meeting is None:
        return None
    used = db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).where(Opinion.meeting_id == meeting.id))
    return None if used else meeting


def on_topic_moved(event) -> None:
    """``TopicMoved`` listener (in the transaction): a topic that formed its opinion gets the round's draft."""
    if event.target != TopicStatus.OPINION_FORMED or event.source == event.target:
        return
    from consult.topics.models import Topic

    draft_opinion(db.session.get(Topic, event.subject_id), event.action, event.actor_id, event.reason)


# -- the committee records and corrects ---------------------------------------------------------------------------


def _dissent(entries) -> list[str]:
    cleaned = [clean_text(entry) for entry in entries or []]
    cleaned = [entry for entry in cleaned if entry]
    if len(cleaned) > DISSENT_MAX:
        raise Refusal(_('At most %(num)s dissenting views.', num=DISSENT_MAX), g.OPINION, code='too_many')
    if any(len(entry) > ENTRY_MAX for entry in cleaned):
        raise Refusal(_('A dissenting view has at most %(num)s characters.', num=ENTRY_MAX), g.OPINION, code='too_long')
    return cleaned


def _relied_on(topic, vote_ids) -> list[Vote]:
    wanted = sorted({int(vote_id) for vote_id in vote_ids or []})
    if not wanted:
        return []
    votes = list(
        db.session.scalars(
            sa.select(Vote)
            .where(Vote.id.in_(wanted), Vote.topic_id == topic.id, Vote.status == VoteStatus.CLOSED)
            .order_by(Vote.id)
        )
    )
    if len(votes) != len(wanted):
        raise Refusal(_('An opinion relies only on closed votes of this topic.'), g.OPINION, code='bad_vote')
    return votes


def record_opinion(actor, topic, consensus: bool | None, text: str, dissent=(), vote_ids=()) -> Opinion:
    """Record (or edit, until its legality check) the opinion of the topic's current round.

    :param consensus: whether consensus was reached (required).
    :param text: the opinion (Markdown).
    :param dissent: the dissenting views, one entry each (blank entries are dropped).
    :param vote_ids: the closed votes of the topic it relies on.
    :raises Refusal: wrong state, a party to the matter, not the committee or the chair, locked, bad input.
    """
    if topic.status != TopicStatus.OPINION_FORMED:
        raise Refusal(_('The opinion is recorded once the consultation has formed it.'), tg.PROCEDURE, 'wrong_state')
    _refuse_party(actor, topic)
    opinion = current_opinion(topic.id)
    if not records_opinion(actor, topic, opinion):
        raise Refusal(
            _('The committee, or the chair of the meeting it came from, records the opinion.'),
            tg.WHO_ACTS,
            code='forbidden',
        )
    if opinion is not None and opinion.locked:
        raise Refusal(_('The opinion was checked: add a correction instead.'), g.OPINION_LOCKED, code='locked')
    source = (text or '').strip()
    if not source:
        raise Refusal(_('Write the consultation opinion.'), g.OPINION, code='no_text')
    if len(source) > TEXT_MAX:
        raise Refusal(_('The opinion is too long.'), g.OPINION, code='too_long')
    if consensus is None:
        raise Refusal(_('Say whether consensus was reached.'), g.OPINION, code='no_consensus')
    values = {
        'consensus': bool(consensus),
        'text': source,
        'text_html': render_markdown(source),
        'dissent': _dissent(dissent),
        'edited_by_id': actor.id,
        'edited_at': utcnow(),
    }
    votes = _relied_on(topic, vote_ids)
    if opinion is None:
        opinion = _first_record(actor, topic, values)
    else:
        moved = db.session.execute(
            sa.update(Opinion)
            .where(Opinion.id == opinion.id, Opinion.locked_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise Refusal(
                _('The legality check was recorded meanwhile: add a correction instead.'),
                g.OPINION_LOCKED,
                code='conflict',
            )
        db.session.refresh(opinion)
    opinion.votes = votes
    db.session.flush()
    states.log_step(topic, 'opinion_recorded', actor)
    record(actor, 'outcome.opinion', community=topic.community, topic_id=topic.id, opinion_id=opinion.id)
    return opinion


def _first_record(actor, topic, values: dict) -> Opinion:
    """An opinion for a round that has none (formed before opinions were recorded); one even if two are sent."""
    opinion = Opinion(topic_id=topic.id, round=next_round(topic.id), recorded_by_id=actor.id, **values)
    try:
        with db.session.begin_nested():
            db.session.add(opinion)
    except IntegrityError:
        raise Refusal(
            _('Someone else recorded the opinion just now; reload and try again.'), g.OPINION, code='conflict'
        ) from None
    return opinion


def correct_opinion(actor, opinion: Opinion, body: str) -> OpinionCorrection:
    """Append a correction to an opinion that had its legality check (the opinion stays as it was checked)."""
    topic = opinion.topic
    _refuse_party(actor, topic)
    if not records_opinion(actor, topic, opinion):
        raise Refusal(_('The committee corrects the opinion.'), tg.WHO_ACTS, code='forbidden')
    if not opinion.locked:
        raise Refusal(_('The opinion is not checked yet: edit it instead.'), g.OPINION_LOCKED, code='not_locked')
    text = clean_text(body)
    if not text:
        raise Refusal(_('Write the correction.'), g.OPINION_LOCKED, code='empty')
    if len(text) > ENTRY_MAX:
        raise Refusal(_('A correction has at most %(num)s characters.', num=ENTRY_MAX), g.OPINION_LOCKED, 'too_long')
    correction = OpinionCorrection(opinion_id=opinion.id, body=text, by_id=actor.id, at=utcnow())
    db.session.add(correction)
    db.session.flush()
    states.log_step(topic, 'opinion_corrected', actor, reason=text)
    record(actor, 'outcome.correct', community=topic.community, topic_id=topic.id, opinion_id=opinion.id)
    return correction


# -- the legality check -------------------------------------------------------------------------------------------


def check_legality(actor, topic, result: str, matter: str | None = None, law: str = '', reason: str = ''):
    """Record the legality check of the topic's opinion: ``pass``, ``fail`` or ``needs_vote``.

    :param matter: a ``VoteMatter`` when the matter is one the residents' meeting must decide (``needs_vote``
        requires it; ``pass`` refuses it).
    :param law: ``fail``: the law, regulation or policy the opinion conflicts with.
    :param reason: ``fail``: what conflicts and how (required); otherwise a note.
    :return: the :class:`LegalityCheck`.
    :raises Refusal: an unknown result, a party to the matter, wrong state or person, a guard not met, or
        another check recorded first (``conflict``).
    """
    step = states.LEGALITY_STEPS.get(result or '')
    if step is None:
        raise Refusal(_('Choose the result of the legality check.'), g.LEGALITY, code='bad_result')
    _refuse_party(actor, topic)
    states.apply(topic, step, actor, reason=reason or '', matter=matter or None, law=law or '')
    check = db.session.scalar(
        sa.select(LegalityCheck).where(LegalityCheck.topic_id == topic.id).order_by(LegalityCheck.id.desc()).limit(1)
    )
    record(
        actor,
        'outcome.legality',
        community=topic.community,
        topic_id=topic.id,
        result=check.result,
        matter=check.matter,
    )
    return check


def record_check(topic, actor, rules, reason, data) -> None:
    """The effect of the legality steps: lock the opinion as checked and write the check."""
    opinion = current_opinion(topic.id)
    now = utcnow()
    locked = db.session.execute(
        sa.update(Opinion)
        .where(Opinion.id == opinion.id, Opinion.locked_at.is_(None))
        .values(locked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if locked != 1:
        raise Refusal(_('This opinion has already had its legality check.'), g.LEGALITY, code='conflict')
    db.session.refresh(opinion)
    result = _RESULT_OF[TopicStatus(topic.status)]
    db.session.add(
        LegalityCheck(
            topic_id=topic.id,
            opinion_id=opinion.id,
            result=str(result),
            matter=data.get('matter') or None,
            law=(clean_text(data.get('law')) or None) if result == LegalityResult.FAIL else None,
            reason=reason or '',
            checked_by_id=actor.id,
            checked_at=now,
        )
    )
    db.session.flush()
