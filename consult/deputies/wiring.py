"""What deputies connect when the app is built: the notes section of the public record, the archive bundle's
item, the transparency log's record kinds, the home page's work, the notification kinds, the predicates of
their actions and the suggestion machine's steps."""

from flask import url_for
from flask_babel import gettext as _

from consult.dispatch.permissions import department_ids
from consult.kernel import actions
from consult.kernel.clock import utcnow
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import archive_items
from consult.kernel.signals import home_work
from consult.kernel.signals import public_records
from consult.kernel.signals import result_sections
from consult.notifications.operations import register_kinds
from consult.roles.models import Role
from consult.roles.permissions import community_ids_for

from . import permissions as p
from . import public
from . import queries
from .states import MACHINE
from .sweeps import KIND_LABELS

HOME_ROWS = 5


def _rows(suggestions, now) -> tuple[WorkRow, ...]:
    return tuple(
        WorkRow(
            s.title,
            url_for('deputies.suggestion', suggestion_id=s.id),
            due_at=s.due_at,
            overdue=s.overdue(now),
        )
        for s in suggestions
    )


def _home_work(user) -> list[WorkCard]:
    cards = []
    now = utcnow()
    if p.is_deputy(user):
        total, replied = queries.awaiting_assessment(user.id, HOME_ROWS)
        if total:
            rows = _rows(replied, now)
            cards.append(
                WorkCard(
                    'deputy_assess',
                    _('Replies to your suggestions to assess'),
                    total,
                    url_for('deputies.dashboard'),
                    rows,
                    8,
                )
            )
    committee = community_ids_for(user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)
    total, waiting = queries.awaiting_reply(department_ids(user), committee, HOME_ROWS)
    if total:
        rows = _rows(waiting, now)
        cards.append(
            WorkCard(
                'deputy_replies',
                _("NPC deputies' suggestions awaiting your reply"),
                total,
                None,
                rows,
                5,
                prominent=any(row.overdue for row in rows),
            )
        )
    return cards


def plug() -> None:
    result_sections.connect(public.notes_section, weak=False)
    archive_items.connect(public.bundle_item, weak=False)
    public_records.connect(public.record_kinds, weak=False)
    home_work.connect(_home_work, weak=False)
    register_kinds(KIND_LABELS)
    # Asked of a topic: ``note``; of a community: ``suggest``; of a meeting: ``observe``; of nothing: ``dashboard``.
    actions.register_all(
        'deputy',
        {
            'dashboard': p.may_view_dashboard,
            'note': p.may_file_note,
            'suggest': p.may_suggest,
            'observe': p.may_observe,
        },
    )
    actions.register_machine(MACHINE)
