"""THE function that decides what of a result's use is public: the topic section, the public page, the ticket.

It returns plain values (no model rows), so a template cannot reach a person's data through a relationship:
no names of raters, no phone numbers, birth dates, addresses or ID numbers (domain.md rule 43). Updates say
the capacity they were posted in (the committee, a grid worker), corrections and replies the department.
Evidence files are listed by their file name and link. Read in a fixed number of statements.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from consult.kernel.signals import withheld
from consult.topics.models import TopicStatus

from . import queries
from .models import FeedbackKind
from .models import Owner

#: States whose implementation is shown publicly (and RESULT_PUBLISHED when the result was corrected).
SHOWN = (TopicStatus.REPORTED_TO_GOV, TopicStatus.IMPLEMENTING, TopicStatus.FEEDBACK_GIVEN, TopicStatus.ARCHIVED)


@dataclass(frozen=True)
class PublicFile:
    name: str
    url: str


@dataclass(frozen=True)
class PublicUpdate:
    at: datetime
    #: ``committee`` or ``grid_worker``: who reported, by capacity.
    by: str
    body: str
    files: tuple[PublicFile, ...]


@dataclass(frozen=True)
class PublicTask:
    id: int
    title: str
    owner: str
    #: The grid's or the department's name; ``''`` for the committee.
    owner_name: str
    due_at: datetime
    report_due_at: datetime
    done_at: datetime | None
    past_deadline: bool
    report_overdue: bool
    updates: tuple[PublicUpdate, ...]

    @property
    def overdue(self) -> bool:
        return self.past_deadline or self.report_overdue


@dataclass(frozen=True)
class PublicReply:
    department: str
    decision: str
    decision_label: str
    reasons: str
    due_at: datetime
    replied_at: datetime
    late: bool


@dataclass(frozen=True)
class PublicFeedback:
    kind: str
    kind_label: str
    text: str
    at: datetime
    rating_ends_at: datetime
    rating_open: bool


@dataclass(frozen=True)
class PublicCorrection:
    department: str
    law: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class PublicComment:
    score: int
    comment: str
    at: datetime


@dataclass(frozen=True)
class PublicRatings:
    #: Score -> how many residents gave it (1 to 5).
    distribution: dict
    count: int
    average: float | None
    comments: tuple[PublicComment, ...]
    page: int
    pages: int


@dataclass(frozen=True)
class PublicImplementation:
    topic_id: int
    status: str
    #: The reply is awaited from the department until then (REPORTED_TO_GOV only), and whether that has passed.
    reply_due_at: datetime | None
    reply_overdue: bool
    reply: PublicReply | None
    tasks: tuple[PublicTask, ...]
    feedback: PublicFeedback | None
    corrections: tuple[PublicCorrection, ...]
    ratings: PublicRatings | None

    @property
    def overdue_count(self) -> int:
        return sum(1 for task in self.tasks if task.overdue)

    @property
    def awaiting_reply(self) -> bool:
        """Reported to the entrusting department, its reply not in yet."""
        return self.status == TopicStatus.REPORTED_TO_GOV

    @property
    def implementing(self) -> bool:
        return self.status == TopicStatus.IMPLEMENTING


def _task(task, now) -> PublicTask:
    owner_name = ''
    if task.owner == Owner.GRID and task.grid is not None:
        owner_name = task.grid.name
    elif task.owner == Owner.DEPARTMENT and task.department is not None:
        owner_name = task.department.name
    updates = tuple(
        PublicUpdate(
            at=u.at,
            by=u.author_role,
            body=u.body,
            files=tuple(
                PublicFile(f.filename, url_for('topics.attachment', topic_id=task.topic_id, attachment_id=f.id))
                for f in u.files
            ),
        )
        for u in task.updates
    )
    return PublicTask(
        id=task.id,
        title=task.title,
        owner=task.owner,
        owner_name=owner_name,
        due_at=task.due_at,
        report_due_at=task.report_due_at,
        done_at=task.done_at,
        past_deadline=task.past_deadline(now),
        report_overdue=task.report_overdue(now),
        updates=updates,
    )


def _ratings(topic_id: int, page: int) -> PublicRatings:
    distribution = queries.distribution(topic_id)
    count = sum(distribution.values())
    average = round(sum(s * n for s, n in distribution.items()) / count, 2) if count else None
    comments = queries.rating_comments(topic_id, page)
    return PublicRatings(
        distribution=distribution,
        count=count,
        average=average,
        comments=tuple(PublicComment(r.score, r.comment, r.updated_at) for r in comments.items),
        page=comments.page,
        pages=comments.pages or 1,
    )


def public_implementation(topic, now: datetime, page: int = 1) -> PublicImplementation | None:
    """What the public sees of the use of ``topic``'s result, or ``None`` (a private topic, or nothing yet)."""
    if not topic.public:
        return None
    corrections = tuple(
        PublicCorrection(c.department.name, c.law, c.reason, c.at) for c in queries.corrections_of(topic.id)
    )
    if topic.status not in SHOWN and not corrections:
        return None
    reply = queries.reply_of(topic.id)
    reply_due_at = None
    if topic.status == TopicStatus.REPORTED_TO_GOV:
        from consult.kernel.clock import today
        from consult.rules.queries import rules_in_force

        from .guards import reply_due

        rules = rules_in_force(topic.community, today())
        if rules is not None:
            reply_due_at = reply_due(topic, rules, queries.reported_at(topic))
    feedback = queries.feedback_of(topic.id)
    destroyed = withheld(topic.id)  # items destroyed after their retention period (rule 37): content withheld
    return PublicImplementation(
        topic_id=topic.id,
        status=str(topic.status),
        reply_due_at=reply_due_at,
        reply_overdue=reply_due_at is not None and now > reply_due_at,
        reply=PublicReply(
            reply.department.name,
            reply.decision,
            reply.decision_label,
            reply.reasons,
            reply.due_at,
            reply.replied_at,
            reply.late,
        )
        if reply is not None
        else None,
        tasks=() if 'implementation' in destroyed else tuple(_task(task, now) for task in queries.tasks_of(topic.id)),
        feedback=PublicFeedback(
            feedback.kind,
            feedback.kind_label,
            feedback.text,
            feedback.at,
            feedback.rating_ends_at,
            feedback.rating_open(now),
        )
        if feedback is not None
        else None,
        corrections=corrections,
        ratings=_ratings(topic.id, page) if feedback is not None and 'feedback' not in destroyed else None,
    )


#: Kinds of feedback that end the implementation (for templates' wording).
ENDED = tuple(str(kind) for kind in FeedbackKind)
