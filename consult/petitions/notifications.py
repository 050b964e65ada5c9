"""Telling a petition's starter and signers about its steps: in-app (``consult.notifications``), live
over the socket, and by email after the commit when SMTP is configured (``consult.notifications``)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.kernel.events import PetitionMoved
from consult.kernel.rooms import user_room
from consult.notifications.operations import notify as write_notifications
from consult.notifications.operations import queue_mail
from consult.petitions import queries
from consult.petitions.models import Petition
from consult.realtime import PetitionChanged
from consult.realtime import emit_after_commit

#: The steps a petition's people are told about, as ``Notification.kind``.
KIND_LABELS = {
    'petition_met': _l("Petition met its threshold: the committee must convene a residents' meeting"),
    'petition_convened': _l("Petition: the residents' meeting was convened"),
    'petition_lapsed': _l('Petition lapsed without meeting its threshold'),
    'petition_withdrawn': _l('Petition withdrawn by its starter'),
}


def recipients(petition) -> set[int]:
    """The starter and everyone with an active signature (signers are never listed publicly)."""
    return {petition.started_by_id, *queries.signer_ids(petition)}


#: The notification kind of each step of the petition's machine (``consult.petitions.states``).
STEP_KINDS = {
    'meet': 'petition_met',
    'convene': 'petition_convened',
    'lapse': 'petition_lapsed',
    'withdraw': 'petition_withdrawn',
}


def on_petition_moved(event: PetitionMoved) -> None:
    """Tell the petition's people of a step (connected by ``consult.petitions.wiring``)."""
    notify(db.session.get(Petition, event.subject_id), STEP_KINDS[event.action], event.actor_id)


def notify(petition, kind: str, actor_id: int | None = None) -> None:
    """A notification for each recipient except the actor; the live event to all of them; mail after commit."""
    assert kind in KIND_LABELS, kind
    everyone = recipients(petition)
    event = PetitionChanged(petition_id=petition.id, status=petition.status, title=petition.title)
    for user_id in everyone:
        emit_after_commit(event, user_room(user_id))
    user_ids = sorted(everyone - {actor_id})
    write_notifications(user_ids, kind, petition_id=petition.id)
    subject = f'[Consult] {petition.title}: {KIND_LABELS[kind]}'
    queue_mail(user_ids, subject, _link(petition))


def _link(petition) -> str:
    try:
        return url_for('petitions.detail', petition_id=petition.id, _external=True)
    except RuntimeError:  # the CLI has no request; SERVER_NAME may be unset
        return f'/petitions/{petition.id}'
