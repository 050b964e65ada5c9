"""What petitions connects when the app is built: its notification labels and notices of each step, re-checks
when residents move, and
the petition's steps as actions (``petition.convene``, ``petition.withdraw``)."""

from flask import url_for
from flask_babel import gettext as _

from consult.kernel import actions
from consult.kernel.clock import utcnow
from consult.kernel.events import PetitionMoved
from consult.kernel.events import ResidenceChanged
from consult.kernel.events import subscribe
from consult.kernel.signals import WorkCard
from consult.kernel.signals import WorkRow
from consult.kernel.signals import home_work
from consult.notifications.operations import register_kinds
from consult.petitions import permissions as p
from consult.petitions import queries
from consult.petitions import states
from consult.petitions.notifications import KIND_LABELS
from consult.petitions.notifications import on_petition_moved
from consult.petitions.sweeps import recheck_communities


def _recheck(event: ResidenceChanged) -> None:
    recheck_communities(set(event.community_ids), event.at)


def _queue(user, _obj=None) -> bool:
    """``petition.queue`` (asked of nothing): the committee answers its communities' petitions."""
    return bool(p.queue_community_ids(user))


def _home_work(user) -> WorkCard | None:
    """Petitions the committee must answer: met ones (with the deadline to convene) first, then open ones."""
    community_ids = p.queue_community_ids(user)
    if not community_ids:
        return None
    now = utcnow()
    page = queries.committee_queue(community_ids, 1, per_page=5)
    rows = tuple(
        WorkRow(
            petition.title,
            url_for('petitions.detail', petition_id=petition.id),
            due_at=petition.convene_due_at,
            overdue=petition.is_overdue(now),
            note=petition.community.name,
        )
        for petition in page.items
    )
    return WorkCard('petitions', _('Petitions to answer'), page.total, url_for('petitions.queue'), rows, 15)


def plug() -> None:
    home_work.connect(_home_work, weak=False)
    register_kinds(KIND_LABELS)
    subscribe(ResidenceChanged, _recheck)
    subscribe(PetitionMoved, on_petition_moved)  # each step tells the starter and signers
    actions.register_all(
        'petition', {'start': p.can_start_petition, 'sign': p.may_sign, 'unsign': p.may_unsign, 'queue': _queue}
    )
    actions.register_machine(states.MACHINE)
