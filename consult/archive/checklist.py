"""A topic's archive checklist: the bundle items the contexts hold, the archive's policy of what is required,
waivers, retention and destruction (a fixed number of statements per context plus four of the archive's)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.kernel.signals import BundleItem
from consult.kernel.signals import archive_items
from consult.kernel.signals import contributions
from consult.rules.models import RuleSet
from consult.topics.models import TopicStatus

from . import retention
from .models import Appraisal
from .models import ArchiveFile
from .models import Destruction
from .models import Waiver

#: States a topic leaves before consultation: only its submission and review record is required.
CLOSED_EARLY = frozenset({TopicStatus.WITHDRAWN, TopicStatus.REJECTED, TopicStatus.MERGED})
EARLY_REQUIRED = frozenset({'submission'})
#: The record of the session: one of these must be required for a consulted topic.
SESSION_RECORDS = ('minutes', 'online_log')
#: The order of rule 34's list; items of contexts not listed here come after, by key.
ORDER = (
    'submission',
    'announcement',
    'meeting_notice',
    'participants',
    'sign_in',
    'online_log',
    'minutes',
    'vote_tally',
    'opinion',
    'legality_check',
    'disclosure',
    'objections',
    'implementation',
    'dispatch',
    'feedback',
    'deputy_notes',
)
NOT_APPLICABLE = _l('Not required: the topic was closed before consultation')


@dataclass(frozen=True)
class Line:
    """One line of the checklist."""

    item: BundleItem
    required: bool
    waiver: Waiver | None
    retention_class: str
    years: int
    term_ends_on: date | None
    appraisal: Appraisal | None
    destruction: Destruction | None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def satisfied(self) -> bool:
        return self.item.present or not self.required or self.waiver is not None

    @property
    def destroyed(self) -> bool:
        return self.destruction is not None

    def past_term(self, today: date) -> bool:
        return self.term_ends_on is not None and today >= self.term_ends_on


@dataclass(frozen=True)
class Checklist:
    topic_id: int
    lines: tuple[Line, ...]
    file: ArchiveFile | None
    #: The rule set whose retention periods apply (the one in force when filed, else now).
    params: dict

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if not line.satisfied]

    @property
    def complete(self) -> bool:
        return not self.missing

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.key == key), None)

    @property
    def destroyed_keys(self) -> frozenset[str]:
        return frozenset(line.key for line in self.lines if line.destroyed)


def items_of(topic) -> list[BundleItem]:
    """Every context's items, in rule 34's order (a later duplicate key is left out)."""
    items: dict[str, BundleItem] = {}
    for value in contributions(archive_items, topic):
        for item in value if isinstance(value, list | tuple) else [value]:
            items.setdefault(item.key, item)
    rank = {key: n for n, key in enumerate(ORDER)}
    return sorted(items.values(), key=lambda item: (rank.get(item.key, len(ORDER)), item.key))


def _required(items: list[BundleItem], status: str) -> dict[str, bool]:
    if status in CLOSED_EARLY:
        return {item.key: item.key in EARLY_REQUIRED for item in items}
    required = {item.key: item.required for item in items}
    if not any(required.get(key) for key in SESSION_RECORDS) and 'minutes' in required:
        required['minutes'] = True  # consulted, with neither a meeting nor a comment period on record
    return required


def checklist(topic, params: dict | None = None) -> Checklist:
    """The topic's checklist.

    :param params: the rule set whose retention applies; by default the one the file names, else the one in force.
    """
    file = db.session.scalar(sa.select(ArchiveFile).where(ArchiveFile.topic_id == topic.id))
    if params is None:
        params = _params(topic, file)
    items = items_of(topic)
    status = file.from_status if file is not None else str(topic.status)
    required = _required(items, status)
    waivers = {w.item_key: w for w in db.session.scalars(sa.select(Waiver).where(Waiver.topic_id == topic.id))}
    appraisals = {a.item_key: a for a in db.session.scalars(sa.select(Appraisal).where(Appraisal.topic_id == topic.id))}
    destructions = {
        d.item_key: d for d in db.session.scalars(sa.select(Destruction).where(Destruction.topic_id == topic.id))
    }
    lines = []
    for item in items:
        years = retention.years_of(item.key, params)
        shown = item if required[item.key] or status not in CLOSED_EARLY or item.present else _note(item)
        lines.append(
            Line(
                item=shown,
                required=required[item.key],
                waiver=waivers.get(item.key),
                retention_class=retention.class_of(item.key),
                years=years,
                term_ends_on=retention.term_ends_on(file.archived_at if file else None, years),
                appraisal=appraisals.get(item.key),
                destruction=destructions.get(item.key),
            )
        )
    return Checklist(topic_id=topic.id, lines=tuple(lines), file=file, params=params)


def _note(item: BundleItem) -> BundleItem:
    return BundleItem(item.key, item.label, item.present, item.required, item.url, str(NOT_APPLICABLE))


def _params(topic, file: ArchiveFile | None) -> dict:
    if file is not None and file.rule_set_id is not None:
        rule_set = db.session.get(RuleSet, file.rule_set_id)
        if rule_set is not None:
            return rule_set.params
    from consult.kernel.clock import today
    from consult.rules.queries import rules_in_force

    rules = rules_in_force(topic.community, today())
    return rules.params if rules is not None else {}
