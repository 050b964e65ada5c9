"""Operations of NPC deputies and of the bodies answering them. Each takes the actor, flushes, never commits."""

import logging

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.communities.models import Department
from consult.db import db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.kernel.events import DeputyNoteFiled
from consult.kernel.events import SuggestionSent
from consult.kernel.events import publish
from consult.kernel.refusals import Refusal
from consult.rules.queries import rules_in_force
from consult.security import clean_text

from . import guards as g
from . import permissions as p
from .models import NOTE_MAX
from .models import TEXT_MAX
from .models import TITLE_MAX
from .models import DeputyNote
from .models import DeputyObservation
from .models import DeputySuggestion
from .states import MACHINE

logger = logging.getLogger(__name__)


def file_note(actor, topic, body: str, meeting=None) -> DeputyNote:
    """File an observation note on ``topic``; it is published with the topic's record.

    :param meeting: the meeting being observed, if the note was written there (it must be the topic's).
    :raises Refusal: not a deputy of the community, a topic in a state without notes, an empty or long note.
    """
    if not p.may_file_note(actor, topic):
        raise Refusal(
            _('Deputies of the community file observation notes on a topic from its announcement on.'),
            g.OBSERVE,
            code='forbidden',
        )
    body = g.require_text(body, NOTE_MAX, _('Write the note.'), g.OBSERVE)
    if meeting is not None and meeting.topic_id != topic.id:
        raise Refusal(_('That meeting is not about this topic.'), g.OBSERVE, code='bad_meeting')
    note = DeputyNote(topic_id=topic.id, meeting_id=meeting.id if meeting else None, deputy_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    publish(DeputyNoteFiled(note_id=note.id, topic_id=topic.id, deputy_id=actor.id))
    logger.info('deputy %s filed note %s on topic %s', actor.id, note.id, topic.id)
    return note


def observe(actor, meeting) -> DeputyObservation | None:
    """Record that ``actor`` observes ``meeting`` (列席); ``None`` when it was recorded before.

    :raises Refusal: not a deputy of the community, or the meeting is over or cancelled.
    """
    if not p.may_observe(actor, meeting):
        raise Refusal(
            _('Deputies of the community observe its meetings before and during the session.'),
            g.OBSERVE,
            code='forbidden',
        )
    known = db.session.scalar(
        sa.select(DeputyObservation.id).where(
            DeputyObservation.deputy_id == actor.id, DeputyObservation.meeting_id == meeting.id
        )
    )
    if known is not None:
        return None
    observation = DeputyObservation(deputy_id=actor.id, meeting_id=meeting.id)
    try:
        with db.session.begin_nested():
            db.session.add(observation)
    except sa.exc.IntegrityError:  # the same deputy's second tab, at the same instant
        return None
    return observation


def _rules(community):
    rules = rules_in_force(community, today())
    if rules is None:
        raise Refusal(_('This community has no rules in force yet.'), g.SUGGESTION, code='no_rules')
    return rules


def send_suggestion(actor, community, data: dict) -> DeputySuggestion:
    """Send a formal suggestion to a department serving ``community``, or to its committee (``department=None``).

    :param data: ``title``, ``body``, ``complex`` (bool), ``department`` (a Department or ``None``), ``topic``.
    :raises Refusal: not a deputy of the community, a body that does not serve it, empty or long texts.
    """
    if not p.may_suggest(actor, community):
        raise Refusal(_('Deputies of the community send suggestions about it.'), g.SUGGESTION, code='forbidden')
    title = g.require_text(data.get('title'), TITLE_MAX, _('Give the suggestion a title.'), g.SUGGESTION)
    body = g.require_text(data.get('body'), TEXT_MAX, _('Write the suggestion.'), g.SUGGESTION)
    department = data.get('department')
    if department is not None and (not isinstance(department, Department) or community not in department.communities):
        raise Refusal(_('Choose a department that serves this community.'), g.SUGGESTION, code='bad_body')
    topic = data.get('topic')
    if topic is not None and (topic.community_id != community.id or not topic.public):
        raise Refusal(_('That topic is not one of this community’s public topics.'), g.SUGGESTION, 'bad_topic')
    complex_ = bool(data.get('complex'))
    now = utcnow()
    suggestion = DeputySuggestion(
        deputy_id=actor.id,
        community_id=community.id,
        topic_id=topic.id if topic is not None else None,
        department_id=department.id if department is not None else None,
        title=title,
        body=body,
        complex=complex_,
        sent_at=now,
        due_at=g.reply_due(now, _rules(community), complex_),
    )
    db.session.add(suggestion)
    db.session.flush()
    publish(
        SuggestionSent(
            suggestion_id=suggestion.id,
            community_id=community.id,
            topic_id=suggestion.topic_id,
            deputy_id=actor.id,
        )
    )
    logger.info('deputy %s sent suggestion %s', actor.id, suggestion.id)
    return suggestion


def reply(actor, suggestion, text: str) -> DeputySuggestion:
    """The responsible body replies (late replies are kept and shown as late).

    :raises Refusal: not the body, already replied, empty or long reply.
    """
    text = clean_text(text if isinstance(text, str) else '')  # the step's guard refuses it empty or too long
    now = utcnow()
    MACHINE.apply(
        suggestion, 'reply', actor, text, values={'reply': text, 'replied_at': now, 'replied_by_id': actor.id}
    )
    return suggestion


def assess(actor, suggestion, assessment: str, comment: str) -> DeputySuggestion:
    """The deputy who sent the suggestion assesses the reply (satisfied / partly / not), with a comment.

    :raises Refusal: not the deputy, nothing replied yet or already assessed, no assessment, empty comment.
    """
    comment = clean_text(comment if isinstance(comment, str) else '')
    MACHINE.apply(
        suggestion,
        'assess',
        actor,
        comment,
        values={'assessment': assessment, 'assessment_comment': comment, 'assessed_at': utcnow()},
        assessment=assessment,
    )
    return suggestion
