"""Preparing and publishing a result, objecting and answering, flagging irregularities.

Operations take the acting user, flush, and never commit. Publishing is the topic step ``publish``
(:func:`consult.topics.states.apply`), which checks the guards, moves the status, writes the timeline and
notifies; its record is written by the step's effect (:func:`on_publish`, plugged by ``wiring``).
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.audit.operations import record
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.events import ObjectionAnswered
from consult.kernel.events import ObjectionFiled
from consult.kernel.events import publish as publish_event
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import topic_room
from consult.kernel.rooms import user_room
from consult.realtime import ResultChanged
from consult.realtime import emit_after_commit
from consult.security import clean_text
from consult.topics import guards as tg
from consult.topics import states
from consult.topics.models import TopicStatus

from . import guards as g
from . import logger
from . import notices
from . import permissions as p
from . import queries
from .models import NOTE_MAX
from .models import REASON_MAX
from .models import REASON_MIN
from .models import Answer
from .models import Irregularity
from .models import Objection
from .models import Publication


def _text(value, rule, *, minimum: int = REASON_MIN, maximum: int = REASON_MAX, what: str = '') -> str:
    """Clean a reason (no markup, no control characters such as NUL) and check its length."""
    if value is not None and not isinstance(value, str):
        value = ''
    if value and len(value) > maximum * 4:  # far too long: refused before cleaning it
        raise Refusal(_('At most %(num)s characters.', num=maximum), rule, code='too_long')
    text = clean_text(value)
    if not text:
        raise Refusal(what or _('Give your reasons.'), rule, code='empty')
    if len(text) < minimum:
        raise Refusal(_('Write at least %(num)s characters.', num=minimum), rule, code='too_short')
    if len(text) > maximum:
        raise Refusal(_('At most %(num)s characters.', num=maximum), rule, code='too_long')
    return text


def _changed(topic_id: int, change: str, *user_ids: int) -> None:
    payload = ResultChanged(topic_id=topic_id, change=change)
    emit_after_commit(payload, topic_room(topic_id))
    for user_id in user_ids:
        emit_after_commit(payload, user_room(user_id))


# -- publication: staff prepare, the director signs off ----------------------------------------------------------


def prepare_publication(actor, topic, note: str = '') -> Publication:
    """Prepare and approve the publication of the topic's result (committee staff); the director signs it off.

    :param note: what the committee says with the result (plain text, optional).
    :raises Refusal: wrong state, not the committee, already prepared, bad input.
    """
    if topic.status not in p.PUBLISHABLE_STATES:
        raise Refusal(
            _('The result is published once its legality check or its vote is done.'), tg.PROCEDURE, 'wrong_state'
        )
    if not p.may_prepare(actor, topic):
        raise Refusal(_('Committee staff prepare the publication.'), g.TWO_PEOPLE, code='forbidden')
    text = clean_text(note if isinstance(note, str) else '')
    if len(text) > NOTE_MAX:
        raise Refusal(_('At most %(num)s characters.', num=NOTE_MAX), g.DISCLOSURE, code='too_long')
    if queries.pending_publication(topic.id) is not None:
        raise Refusal(_('The publication is already prepared: the director signs it off.'), g.TWO_PEOPLE, 'prepared')
    publication = Publication(
        topic_id=topic.id, round=queries.next_round(topic.id), note=text, prepared_by_id=actor.id, prepared_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(publication)
    except IntegrityError:
        raise Refusal(
            _('Someone else prepared the publication just now; reload and try again.'), g.TWO_PEOPLE, code='conflict'
        ) from None
    states.log_step(topic, 'publication_prepared', actor, reason=text)
    record(actor, 'disclosure.prepare', community=topic.community, topic_id=topic.id, publication_id=publication.id)
    return publication


def publish_result(actor, topic) -> Publication:
    """Sign off the prepared publication: the ``publish`` step (the director, not who prepared it).

    :raises Refusal: wrong state or person, nothing prepared, the same person, or taken meanwhile (``conflict``).
    """
    states.apply(topic, 'publish', actor)
    publication = queries.current_publication(topic.id)
    record(actor, 'disclosure.publish', community=topic.community, topic_id=topic.id, publication_id=publication.id)
    return publication


def _state_before(topic) -> str | None:
    """The state the topic left by the step under way (its last timeline entry, written before this step's)."""
    from consult.topics.models import TopicEvent

    return db.session.scalar(
        sa.select(TopicEvent.to_status).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id.desc()).limit(1)
    )


def on_publish(topic, actor, rules, reason, data) -> None:
    """The effect of ``publish``: sign the publication off and stamp its periods from the rule set in force.

    The result is adopted when it was published from LEGALITY_REVIEWED, not when a failed vote is published.
    """
    publication = queries.pending_publication(topic.id)
    now = utcnow()
    signed = db.session.execute(
        sa.update(Publication)
        .where(Publication.id == publication.id, Publication.published_at.is_(None))
        .values(
            signed_off_by_id=actor.id,
            published_at=now,
            adopted=_state_before(topic) == TopicStatus.LEGALITY_REVIEWED,
            publicity_ends_at=now + timedelta(days=rules.number('result_publicity_days')),
            objection_ends_at=now + timedelta(days=rules.number('objection_window_days')),
            reply_days=rules.number('objection_reply_days'),
            rule_set_id=rules.id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if signed != 1:
        raise Refusal(_('This publication was signed off just now.'), g.TWO_PEOPLE, code='conflict')
    db.session.refresh(publication)
    logger.info('topic %s: result published (publication %s)', topic.id, publication.id)


# -- objections ---------------------------------------------------------------------------------------------------


def file_objection(actor, topic, reasons: str) -> Objection:
    """File an objection with reasons to a published result (a verified resident, during the window).

    :raises Refusal: not published, not a resident of the community, window closed, an open objection already,
        bad input.
    """
    if topic.status != TopicStatus.RESULT_PUBLISHED:
        raise Refusal(_('Objections are filed while the result is on public notice.'), g.OBJECTIONS, 'wrong_state')
    if not p.may_object(actor, topic):
        publication = queries.current_publication(topic.id)
        if publication is not None and not publication.objections_open(utcnow()):
            raise Refusal(_('The objection window has closed.'), g.OBJECTIONS, code='window_closed')
        if getattr(actor, 'is_authenticated', False) and queries.open_objection_of(topic.id, actor.id) is not None:
            raise Refusal(_('You have an objection waiting for its answer already.'), g.OBJECTIONS, code='duplicate')
        raise Refusal(_('Verified residents of the community object.'), g.OBJECTIONS, code='forbidden')
    text = _text(reasons, g.OBJECTIONS)
    publication = queries.current_publication(topic.id)
    now = utcnow()
    objection = Objection(
        publication_id=publication.id,
        topic_id=topic.id,
        author_id=actor.id,
        reasons=text,
        filed_at=now,
        answer_due_at=now + timedelta(days=publication.reply_days or 0),
    )
    try:
        with db.session.begin_nested():
            db.session.add(objection)
    except IntegrityError:
        raise Refusal(
            _('You have an objection waiting for its answer already.'), g.OBJECTIONS, code='duplicate'
        ) from None
    publish_event(ObjectionFiled(objection_id=objection.id, topic_id=topic.id))
    states.log_step(topic, 'objection_filed', actor)
    record(actor, 'disclosure.object', community=topic.community, topic_id=topic.id, objection_id=objection.id)
    _changed(topic.id, 'objection_filed')
    return objection


def answer_objection(actor, objection: Objection, answer: str, reasons: str) -> Objection:
    """Answer an objection (upheld or not, with reasons); an upheld one sends the result back to consultation.

    :raises Refusal: not the committee, answered already (or meanwhile), a bad answer, bad input.
    """
    from consult.topics.models import Topic

    topic = db.session.get(Topic, objection.topic_id)
    if objection.answered:
        raise Refusal(_('This objection has been answered.'), g.OBJECTIONS, code='answered')
    if not p.may_answer(actor, objection):
        raise Refusal(_('The committee answers objections.'), g.OBJECTIONS, code='forbidden')
    if answer not in set(Answer):
        raise Refusal(_('Say whether the objection is upheld.'), g.OBJECTIONS, code='bad_answer')
    text = _text(reasons, g.OBJECTIONS, what=_('Give the reasons of the answer.'))
    now = utcnow()
    moved = db.session.execute(
        sa.update(Objection)
        .where(Objection.id == objection.id, Objection.answered_at.is_(None))
        .values(answer=str(answer), answer_reasons=text, answered_by_id=actor.id, answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Refusal(_('Someone else answered this objection just now.'), g.OBJECTIONS, code='conflict')
    db.session.refresh(objection)
    publish_event(ObjectionAnswered(objection_id=objection.id, topic_id=topic.id))
    states.log_step(topic, 'objection_answered', actor, reason=text)
    if answer == Answer.UPHELD and topic.status == TopicStatus.RESULT_PUBLISHED:
        states.apply(topic, 'uphold_objection', actor, reason=text, objection=objection, answer=str(answer))
    record(actor, 'disclosure.answer', community=topic.community, topic_id=topic.id, objection_id=objection.id)
    notices.objection_answered(topic, objection)
    _changed(topic.id, 'objection_answered', objection.author_id)
    return objection


def on_uphold(topic, actor, rules, reason, data) -> None:
    """The effect of ``uphold_objection``: the publication's result is superseded (consulted again)."""
    publication = queries.current_publication(topic.id)
    publication.superseded_at = utcnow()
    db.session.flush()


# -- the supervisory committee's irregularity flags ------------------------------------------------------------


def flag_irregularity(actor, topic, reason: str) -> Irregularity:
    """Flag an irregularity on a published result (the supervisory committee), publicly, with a reason."""
    if not p.may_flag(actor, topic):
        if p.is_supervisor(actor, topic):
            raise Refusal(_('Irregularities are flagged on published results.'), g.SUPERVISION, code='wrong_state')
        raise Refusal(_('The supervisory committee flags irregularities.'), g.SUPERVISION, code='forbidden')
    text = _text(reason, g.SUPERVISION)
    flag = Irregularity(topic_id=topic.id, reason=text, flagged_by_id=actor.id, flagged_at=utcnow())
    db.session.add(flag)
    db.session.flush()
    states.log_step(topic, 'irregularity_flagged', actor, reason=text)
    record(actor, 'disclosure.flag', community=topic.community, topic_id=topic.id, irregularity_id=flag.id)
    notices.irregularity_flagged(topic)
    _changed(topic.id, 'irregularity_flagged')
    return flag


def answer_irregularity(actor, flag: Irregularity, answer: str) -> Irregularity:
    """Answer an irregularity flag (the committee), once, publicly."""
    from consult.topics.models import Topic

    if flag.answered_at is not None:
        raise Refusal(_('This flag has been answered.'), g.SUPERVISION, code='answered')
    if not p.may_answer_irregularity(actor, flag):
        raise Refusal(_('The committee answers the supervisory committee.'), g.SUPERVISION, code='forbidden')
    text = _text(answer, g.SUPERVISION, what=_('Write the answer.'))
    moved = db.session.execute(
        sa.update(Irregularity)
        .where(Irregularity.id == flag.id, Irregularity.answered_at.is_(None))
        .values(answer=text, answered_by_id=actor.id, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Refusal(_('Someone else answered this flag just now.'), g.SUPERVISION, code='conflict')
    db.session.refresh(flag)
    topic = db.session.get(Topic, flag.topic_id)
    states.log_step(topic, 'irregularity_answered', actor, reason=text)
    record(actor, 'disclosure.answer_flag', community=topic.community, topic_id=topic.id, irregularity_id=flag.id)
    _changed(topic.id, 'irregularity_answered')
    return flag
