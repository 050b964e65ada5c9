"""Extension points: signals whose receivers *contribute* something to a context that cannot import them.

Declared here, connected by the contributing context's ``plug()`` when the app is built. Each says who sends
it, what comes with it, and what a receiver returns.
"""

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from blinker import Namespace

_signals = Namespace()

community_facts = _signals.signal(
    'community-facts',
    doc="""Figures shown on a community's public page.

    Sender: the ``Community``. A receiver returns a dict of named figures (residency: ``{'verified': n}``).
    """,
)

role_granting = _signals.signal(
    'role-granting',
    doc="""A role is about to be granted; a receiver raises a Refusal when its rule forbids it.

    Sender: the role (``consult.roles.models.Role``). Keyword arguments: ``user`` (who gets it) and
    ``community`` (its scope, or ``None``). Residency checks that representatives are verified residents.
    """,
)

audit_scope = _signals.signal(
    'audit-scope',
    doc="""Which communities' audit log a user may read.

    Sender: the user. A receiver returns ``None`` for every community, or a set of community ids; the
    audit log shows the union (nothing when no receiver returns anything).
    """,
)


def contributions(signal, sender, **kwargs) -> list:
    """The values the receivers of ``signal`` returned for ``sender`` (``None`` left out)."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]


topic_page = _signals.signal(
    'topic-page',
    doc="""What other contexts show on a topic's page.

    Sender: the ``Topic``. Keyword argument: ``user`` (the viewer, or ``None``). A receiver returns a dict of
    template variables (dispatch: the dispatched item; comments: the comment section and its steps).
    """,
)

ticket_page = _signals.signal(
    'ticket-page',
    doc="""What other contexts show on a dispatched item's page (the department's record of it).

    Sender: the ``DispatchTicket``. Keyword argument: ``user`` (the viewer). A receiver returns a dict of template
    variables (implementation: the residents' satisfaction ratings of the result the item carried out).
    """,
)

meeting_motions = _signals.signal(
    'meeting-motions',
    doc="""The motions put to a vote in a meeting, with their results, for the meeting's structured minutes.

    Sender: the ``Meeting``. A receiver returns a list of :class:`MotionLine` (votes: each vote held in the
    meeting, in the order opened), read with a fixed number of statements.
    """,
)


@dataclass(frozen=True)
class MotionLine:
    """One motion in the minutes: what was put, how it ended (no count before the vote closed)."""

    title: str
    #: The agenda item it was put under, or ``None``.
    agenda_item_id: int | None
    #: ``open``, ``closed`` or ``cancelled``.
    status: str
    #: The result in plain language ("Passed: 31 yes of 40 attending, more than 1/2 required"), or ``''``.
    result: str
    url: str


mail_user = _signals.signal(
    'mail-user',
    doc="""Send an email to a user's address after the commit (a context below notifications cannot import it).

    Sender: the user. Keyword arguments: ``subject`` and ``body`` (text). Notifications queues it on the mail
    path (``queue_mail``), sent after the commit without holding up the response.
    """,
)

home_work = _signals.signal(
    'home-work',
    doc="""The work a person has waiting, shown on their home page.

    Sender: the user (logged in). A receiver returns a :class:`WorkCard`, a list of them, or ``None`` when the
    person has nothing of that context's to do. Each receiver reads a fixed number of statements, whatever the
    number of items (the home page's query count does not grow with the work).
    """,
)


@dataclass(frozen=True)
class WorkRow:
    """One item of work: its label and page, and when it falls due."""

    label: str
    url: str
    #: The link's accessible name when the label alone does not say what it does ("进入会议室：<title>").
    action: str | None = None
    due_at: datetime | None = None
    overdue: bool = False
    #: A short note (the community, the status).
    note: str = ''


@dataclass(frozen=True)
class WorkCard:
    """A queue or list of work on the home page: how many items, the first few, and where the whole list is."""

    #: A stable name (``review``, ``meetings_open``), used as the card's ``data-work`` attribute in the page.
    key: str
    title: str
    count: int
    url: str | None = None
    rows: tuple[WorkRow, ...] = ()
    #: Cards are shown by ``order`` (smaller first); a ``prominent`` card is shown first and stands out.
    order: int = 50
    prominent: bool = False


def work_cards(user) -> list[WorkCard]:
    """Every card the receivers of :data:`home_work` return for ``user``, prominent ones first, then by order."""
    cards: list[WorkCard] = []
    for value in contributions(home_work, user):
        cards.extend(value if isinstance(value, list | tuple) else [value])
    return sorted(cards, key=lambda card: (not card.prominent, card.order, card.key))


public_records = _signals.signal(
    'public-records',
    doc="""The kinds of public record the transparency log keeps (domain.md rules 33-37; RFC 9162 leaves).

    Sender: ``None``. A receiver returns a :class:`RecordKind` or a list of them. When a kind's ``event`` is
    published, the log appends one leaf for the row ``record_id(event)`` names; ``flask archive verify`` reloads
    every row through ``load`` and compares it with its leaf.
    """,
)


@dataclass(frozen=True)
class RecordKind:
    """One kind of public record: the event that makes one, which row it is, and how to read it back."""

    #: A stable name written into every leaf (``topic_step``, ``deputy_note``); never renamed.
    name: str
    #: The domain event (``consult.kernel.events``) whose publication appends a leaf.
    event: type
    #: The row's id for an event, or ``None`` when this event makes no public record (a private step).
    record_id: Callable[[Any], int | None]
    #: The topic the record belongs to, or ``None``.
    topic_id: Callable[[Any], int | None]
    #: The public, immutable fields of each row, as canonical-JSON-able dicts keyed by id, read with a fixed
    #: number of statements (missing ids are left out: the log reports them as deleted).
    load: Callable[[Sequence[int]], dict[int, dict]]


archive_items = _signals.signal(
    'archive-items',
    doc="""The items of a topic's archive bundle (domain.md rule 34) that a context holds.

    Sender: the ``Topic``. A receiver returns a :class:`BundleItem` or a list of them; the archive shows the
    checklist and refuses to archive while a required item is missing and has no recorded waiver.
    """,
)


@dataclass(frozen=True)
class BundleItem:
    """One item of the archive bundle: whether the record holds it, and where it is."""

    #: A stable name (``minutes``, ``sign_in``, ``deputy_notes``), the key of a waiver.
    key: str
    label: str
    present: bool
    #: Whether the bundle is incomplete without it (``deputy_notes`` is "if any": not required).
    required: bool = True
    url: str | None = None
    #: A short note (how many, when).
    note: str = ''


withheld_items = _signals.signal(
    'withheld-items',
    doc="""Which bundle items of a topic's record were destroyed at the end of their retention period (domain.md
    rule 37): their content is withheld from every page and export, their rows stay.

    Sender: the topic id. A receiver returns a set of :class:`BundleItem` keys (archive: its destruction
    register's), read with one statement.
    """,
)


def withheld(topic_id: int) -> frozenset[str]:
    """The keys of the topic's destroyed bundle items (empty when nothing was destroyed)."""
    found: set[str] = set()
    for value in contributions(withheld_items, topic_id):
        found |= set(value)
    return frozenset(found)


def bundle_url(endpoint: str, **values) -> str | None:
    """A bundle item's link, or ``None`` outside a request (an export, a command)."""
    from flask import has_request_context
    from flask import url_for

    return url_for(endpoint, **values) if has_request_context() else None


result_sections = _signals.signal(
    'result-sections',
    doc="""What a context publishes with a topic's public record (the result page and the record's export).

    Sender: the topic id. A receiver returns a :class:`RecordSection` or ``None`` (nothing to publish). Each
    receiver reads a fixed number of statements.
    """,
)


@dataclass(frozen=True)
class RecordSection:
    """A section of the public record another context contributes (deputies' observation notes)."""

    key: str
    title: str
    #: The partial that renders ``rows`` on the result page.
    template: str
    #: Public fields only, JSON-able (they are exported as they are); a meeting record's may hold datetimes.
    rows: tuple[dict, ...] = ()


meeting_record_sections = _signals.signal(
    'meeting-record-sections',
    doc="""What other contexts show in a meeting's record (its front page and the streamed whole record).

    Sender: the meeting id. A receiver returns a :class:`RecordSection` or ``None`` (nothing to show: no empty
    section). Its ``rows`` are plain values, read before the record streams (votes: each vote held in the meeting,
    with its public result once closed). Each receiver reads a fixed number of statements, whatever the size of
    the meeting. The record is the room's: whoever may read it sees the room, where these were shown live.
    """,
)
