"""The public record's parts: frozen dataclasses built by :func:`consult.disclosure.public.public_record`.

None of them holds a user id or a person's contact, birth date, address or ID number.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    #: The capacity the step was taken in (``committee_staff``, ``system`` ...), never the person.
    role: str


@dataclass(frozen=True)
class PublicPublication:
    round: int
    note: str
    published_at: datetime
    adopted: bool
    publicity_ends_at: datetime
    objection_ends_at: datetime
    reply_days: int
    window_closed_at: datetime | None
    superseded_at: datetime | None


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    required: int | None
    met: bool


@dataclass(frozen=True)
class Speaker:
    #: The display name when the speaker consented to be named, else ``None``.
    name: str | None
    #: Their capacity (``chair``, ``resident``, ``expert`` ...), always shown.
    badge: str
    item: str


@dataclass(frozen=True)
class PublicMinutes:
    signed_at: str
    sha256: str
    items: tuple[tuple[str, str], ...]
    speakers: tuple[Speaker, ...]
    motions: tuple[tuple[str, str], ...]
    dissents: tuple[str, ...]
    text: str
    #: ``(at, body, reason)`` of each correction appended after the signature.
    corrections: tuple[tuple[datetime, str, str], ...]


@dataclass(frozen=True)
class PublicMeeting:
    title: str
    kind: str
    form: str
    starts_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    #: ``(participant kind, number on the roster)``, in a fixed order.
    participants: tuple[tuple[str, int], ...]
    roster: int
    signed_in: int
    #: From the signed minutes (the frozen quorum), else ``None``.
    quorum: Quorum | None
    minutes: PublicMinutes | None


@dataclass(frozen=True)
class OptionResult:
    label: str
    votes: int
    adopted: bool
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class PublicVote:
    id: int
    title: str
    kind: str
    decides: bool
    closed_at: datetime
    electorate: int
    ballots: int
    quorum_met: bool
    adopted: bool
    summary: str
    quorum: tuple[str, ...]
    motion: tuple[str, ...]
    options: tuple[OptionResult, ...]


@dataclass(frozen=True)
class PublicOpinion:
    round: int
    consensus: bool | None
    text_html: str
    dissent: tuple[str, ...]
    legality: str | None
    checked_at: datetime | None
    corrections: tuple[tuple[datetime, str], ...]


@dataclass(frozen=True)
class PublicObjection:
    id: int
    filed_at: datetime
    reasons: str
    answer_due_at: datetime
    answer: str | None
    answer_reasons: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class PublicIrregularity:
    id: int
    flagged_at: datetime
    reason: str
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class PublicRecord:
    topic_id: int
    title: str
    body_html: str
    community: str
    status: str
    source_channel: str
    categories: tuple[str, ...]
    form: str | None
    form_reason: str | None
    created_at: datetime
    announced_at: datetime | None
    published: bool
    timeline: tuple[TimelineEntry, ...]
    #: The current (latest) publication first, then earlier ones superseded by an upheld objection.
    publications: tuple[PublicPublication, ...]
    meetings: tuple[PublicMeeting, ...]
    #: ``(participant kind, people)`` over all meetings, and the online participants.
    participants: tuple[tuple[str, int], ...]
    commenters: int
    cosigners: int
    votes: tuple[PublicVote, ...]
    opinion: PublicOpinion | None
    objections: tuple[PublicObjection, ...]
    irregularities: tuple[PublicIrregularity, ...]

    @property
    def publication(self) -> PublicPublication | None:
        return self.publications[0] if self.publications else None
