"""THE function that decides what is public about a topic's result: :func:`public_record`.

The result page, the open-data API and the exports all read this one structure (frozen dataclasses, nothing
lazy-loaded), so nothing published elsewhere can show more. It reads a fixed number of statements whatever the
number of participants, messages, votes or objections.

What it never holds: a phone number, an email address, a real name, a birth date, a home address or an ID number;
no user id. People appear by their capacity (chair, resident, expert ...); a speaker is named, by the display
name they chose, only if they consented when joining (``Participant.name_public``; domain.md rule 43). Objectors,
commenters and voters are counted, never named. Ballots are summed, never listed.
"""

import dataclasses

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.comments.models import Comment
from consult.db import db
from consult.kernel.signals import withheld
from consult.outcomes.models import LegalityCheck
from consult.outcomes.models import Opinion
from consult.topics.models import CoSign
from consult.topics.models import Topic
from consult.topics.models import TopicEvent
from consult.votes.models import Vote
from consult.votes.models import VoteStatus

from .models import Irregularity
from .models import Objection
from .models import Publication
from .permissions import PUBLISHED_STATES
from .public_meetings import meetings_of
from .public_meetings import participant_totals
from .records import OptionResult
from .records import PublicIrregularity
from .records import PublicObjection
from .records import PublicOpinion
from .records import PublicPublication
from .records import PublicRecord
from .records import PublicVote
from .records import TimelineEntry

#: Timeline steps kept out of the public record (notes about people, not about the matter).
PRIVATE_STEPS = frozenset({'meeting_notice', 'cosigns_carried'})


def public_record(topic_id: int) -> PublicRecord | None:
    """What is public about the result of ``topic_id``; ``None`` if nothing is (private, unpublished, draft).

    A topic whose result waits for publication has no public record yet: publishing is the step that makes it so.
    """
    topic = db.session.scalar(
        sa.select(Topic)
        .where(Topic.id == topic_id)
        .options(so.joinedload(Topic.community), so.selectinload(Topic.category_links))
    )
    if topic is None or not topic.public:
        return None
    publications = _publications(topic.id)
    if not publications:
        return None  # back in consultation without ever having been published
    meetings = meetings_of(topic.id)
    votes = _votes(topic.id)
    record = PublicRecord(
        topic_id=topic.id,
        title=topic.title,
        body_html=topic.body_html,
        community=topic.community.name,
        status=str(topic.status),
        source_channel=topic.source_channel,
        categories=tuple(link.code for link in topic.category_links),
        form=topic.consultation_form,
        form_reason=topic.form_reason,
        created_at=topic.created_at,
        announced_at=topic.announced_at,
        published=topic.status in PUBLISHED_STATES,
        timeline=_timeline(topic.id),
        publications=publications,
        meetings=meetings,
        participants=participant_totals(meetings),
        commenters=_count(sa.select(sa.func.count(sa.distinct(Comment.author_id))).where(Comment.topic_id == topic.id)),
        cosigners=_count(
            sa.select(sa.func.count(CoSign.id)).where(CoSign.topic_id == topic.id, CoSign.withdrawn_at.is_(None))
        ),
        votes=votes,
        opinion=_opinion(topic.id),
        objections=_objections(topic.id),
        irregularities=_irregularities(topic.id),
    )
    return _withhold(record, withheld(topic.id))


def _withhold(record: PublicRecord, destroyed: frozenset[str]) -> PublicRecord:
    """The record without the content of the bundle items destroyed after their retention period (rule 37)."""
    if not destroyed:
        return record
    changes = {}
    if 'submission' in destroyed:
        changes['timeline'] = ()
    if 'participants' in destroyed:
        changes['participants'] = ()
    if 'online_log' in destroyed:
        changes['commenters'] = 0
    if 'vote_tally' in destroyed:
        changes['votes'] = ()
    if 'opinion' in destroyed:
        changes['opinion'] = None
    if 'objections' in destroyed:
        changes.update(objections=(), irregularities=())
    if 'minutes' in destroyed:
        changes['meetings'] = tuple(dataclasses.replace(m, minutes=None) for m in record.meetings)
    return dataclasses.replace(record, **changes)


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def _timeline(topic_id: int) -> tuple[TimelineEntry, ...]:
    rows = db.session.execute(
        sa.select(TopicEvent.at, TopicEvent.action, TopicEvent.actor_role)
        .where(TopicEvent.topic_id == topic_id, TopicEvent.action.not_in(PRIVATE_STEPS))
        .order_by(TopicEvent.at, TopicEvent.id)
    ).all()
    return tuple(TimelineEntry(at=row.at, action=row.action, role=row.actor_role) for row in rows)


def _publications(topic_id: int) -> tuple[PublicPublication, ...]:
    rows = db.session.scalars(
        sa.select(Publication)
        .where(Publication.topic_id == topic_id, Publication.published_at.is_not(None))
        .order_by(Publication.round.desc())
    )
    return tuple(
        PublicPublication(
            round=row.round,
            note=row.note,
            published_at=row.published_at,
            adopted=bool(row.adopted),
            publicity_ends_at=row.publicity_ends_at,
            objection_ends_at=row.objection_ends_at,
            reply_days=row.reply_days or 0,
            window_closed_at=row.window_closed_at,
            superseded_at=row.superseded_at,
        )
        for row in rows
    )


def _votes(topic_id: int) -> tuple[PublicVote, ...]:
    from consult.votes.counting import Tally
    from consult.votes.decide import Decision
    from consult.votes.display import describe_result

    votes = db.session.scalars(
        sa.select(Vote)
        .where(Vote.topic_id == topic_id, Vote.status == VoteStatus.CLOSED)
        .options(so.selectinload(Vote.options))
        .order_by(Vote.closed_at, Vote.id)
    )
    result = []
    for vote in votes:
        if not vote.result:
            continue
        tally = Tally.from_dict(vote.result['tally'])
        decision = Decision.from_dict(vote.result['decision'])
        labels = vote.result.get('options') or [option.label for option in vote.options]
        approvals = {approval.option: approval.outcome for approval in decision.approvals}
        motion = approvals.get(None)
        result.append(
            PublicVote(
                id=vote.id,
                title=vote.title,
                kind=vote.kind,
                decides=vote.decides,
                closed_at=vote.closed_at,
                electorate=vote.electorate_size,
                ballots=tally.ballots,
                quorum_met=bool(decision.quorum_met),
                adopted=bool(decision.passed),
                summary=_summary(vote, decision, labels),
                quorum=tuple(describe_result(r) for row in decision.quorum.results for r in row),
                motion=tuple(describe_result(r) for row in motion.results for r in row) if motion else (),
                options=tuple(
                    OptionResult(
                        label=label,
                        votes=tally.heads[position],
                        adopted=position in decision.adopted,
                        conditions=tuple(describe_result(r) for row in approvals[position].results for r in row)
                        if approvals.get(position)
                        else (),
                    )
                    for position, label in enumerate(labels)
                ),
            )
        )
    return tuple(result)


def _summary(vote, decision, labels) -> str:
    from flask_babel import gettext as _

    if not decision.quorum_met:
        return _('Quorum not reached: nothing was decided.')
    if vote.kind == 'motion':
        return _('The motion passed.') if decision.passed else _('The motion did not pass.')
    if decision.passed:
        return _('Adopted: %(options)s', options='、'.join(labels[i] for i in decision.adopted))
    return _('No option was adopted.')


def _opinion(topic_id: int) -> PublicOpinion | None:
    opinion = db.session.scalar(
        sa.select(Opinion)
        .where(Opinion.topic_id == topic_id)
        .options(so.selectinload(Opinion.corrections), so.selectinload(Opinion.check))
        .order_by(Opinion.round.desc())
        .limit(1)
    )
    if opinion is None:
        return None
    check: LegalityCheck | None = opinion.check
    return PublicOpinion(
        round=opinion.round,
        consensus=opinion.consensus,
        text_html=opinion.text_html,
        dissent=tuple(opinion.dissent or ()),
        legality=check.result if check is not None else None,
        checked_at=check.checked_at if check is not None else None,
        corrections=tuple((c.at, c.body) for c in opinion.corrections),
    )


def _objections(topic_id: int) -> tuple[PublicObjection, ...]:
    rows = db.session.scalars(
        sa.select(Objection).where(Objection.topic_id == topic_id).order_by(Objection.filed_at, Objection.id)
    )
    return tuple(
        PublicObjection(
            id=row.id,
            filed_at=row.filed_at,
            reasons=row.reasons,
            answer_due_at=row.answer_due_at,
            answer=row.answer,
            answer_reasons=row.answer_reasons,
            answered_at=row.answered_at,
        )
        for row in rows
    )


def _irregularities(topic_id: int) -> tuple[PublicIrregularity, ...]:
    rows = db.session.scalars(
        sa.select(Irregularity)
        .where(Irregularity.topic_id == topic_id)
        .order_by(Irregularity.flagged_at, Irregularity.id)
    )
    return tuple(
        PublicIrregularity(
            id=r.id, flagged_at=r.flagged_at, reason=r.reason, answer=r.answer, answered_at=r.answered_at
        )
        for r in rows
    )
