"""Socket events of votes, with the predicates the routes use. Each answers through its acknowledgement, and
with an ``error`` event on refusal; the connection stays up.

- ``vote:join {vote}``: follow a vote's page (``vote:<id>``): told by ``vote:changed`` when it opens or closes.
- ``vote:cast {vote, choice, for?, client_id?, channel?}``: cast a ballot from the live room or, with ``channel:
  "online"``, from the vote page (``choice``: option positions in order; ``for``: the elector whose written proxy
  the sender holds; ``client_id``: the page's own id for this ballot, so a resend after a lost answer gets the
  same receipt). A standalone vote's ballots are always cast online. The ack carries the receipt code.
- ``vote:open {vote}``, ``vote:close {vote}``: the chair (or the committee) opens or closes a meeting's vote.
"""

from flask import session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room

from consult.db import db
from consult.db import rollback_quietly
from consult.inputs import socket_int
from consult.kernel.actions import may
from consult.kernel.refusals import Refusal
from consult.kernel.rooms import vote_room
from consult.realtime import send_error

from . import intake
from .closer import settle
from .closing import close_vote
from .intake import ANYONE
from .models import Channel
from .models import Vote
from .operations import open_vote
from .pushes import changed


def _refuse(code: str, message: str) -> dict:
    code, message = send_error(code, message)
    return {'ok': False, 'code': code, 'message': message}


def _vote(data):
    vote_id = socket_int(data, 'vote')
    if vote_id is None:
        return None, _refuse('bad_payload', _('The request is malformed.'))
    vote = db.session.get(Vote, vote_id)
    if vote is None or not may(current_user, 'vote.view', vote):
        return None, _refuse('not_found', _('No such vote, or you may not see it.'))
    settle(vote)
    return vote, None


def on_join(data=None):
    vote, refusal = _vote(data)
    if refusal is not None:
        return refusal
    join_room(vote_room(vote.id))
    return {'ok': True, 'status': str(vote.status)}


def _choice(data):
    choice = data.get('choice') if isinstance(data, dict) else None
    if (
        not isinstance(choice, list)
        or len(choice) > 64
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in choice)
    ):
        return None
    return choice


def _user_id() -> int | None:
    """The socket's person, from its session (Flask-Login's ``<id>:<login key>``), without loading them: the
    event guard (``consult.socket_ends.guard``) has checked that the login is still live."""
    try:
        return int(str(session.get('_user_id', '')).split(':', 1)[0])
    except ValueError:
        return None


def _sees(user_id: int, vote_id: int) -> bool:
    def check(who):
        vote = db.session.get(Vote, vote_id)
        return vote is not None and may(ANYONE if who is None else current_user, 'vote.view', vote)

    return intake.sees(user_id, vote_id, check)


def on_cast(data=None):
    """The fast path: no user, vote or topic is loaded for a ballot once the person was found to see the vote."""
    vote_id = socket_int(data, 'vote')
    if vote_id is None:
        return _refuse('bad_payload', _('The request is malformed.'))
    user_id = _user_id()
    facts = intake.facts(vote_id)
    if facts is None or user_id is None or not _sees(user_id, vote_id):
        return _refuse('not_found', _('No such vote, or you may not see it.'))
    choice = _choice(data)
    if choice is None:
        return _refuse('bad_payload', _('The ballot is malformed.'))
    principal = socket_int(data, 'for') if data.get('for') is not None else None
    if data.get('for') is not None and principal is None:
        return _refuse('bad_payload', _('The ballot is malformed.'))
    client_id = data.get('client_id')
    if client_id is not None and not isinstance(client_id, str):
        return _refuse('bad_payload', _('The ballot is malformed.'))
    # From the live room (a meeting's vote), or from the vote page (``channel: online``), as the route tells them.
    channel = Channel.ONLINE if data.get('channel') == 'online' or facts.meeting_id is None else Channel.ROOM
    try:
        receipt = intake.cast(user_id, facts, choice, channel, principal, client_id)
    except Refusal as exc:
        rollback_quietly()
        return _refuse(exc.code, str(exc))
    return {'ok': True, 'receipt': receipt}


def _step(data, operation):
    vote, refusal = _vote(data)
    if refusal is not None:
        return refusal
    try:
        operation(current_user, vote)
        changed(vote)
        db.session.commit()
    except Refusal as exc:
        rollback_quietly()
        return _refuse(exc.code, str(exc))
    return {'ok': True, 'status': str(vote.status)}


def on_open(data=None):
    return _step(data, open_vote)


def on_close(data=None):
    return _step(data, close_vote)


def register(sio) -> None:
    from consult.inputs import checked

    for name, handler in (
        ('vote:join', on_join),
        ('vote:cast', on_cast),
        ('vote:open', on_open),
        ('vote:close', on_close),
    ):
        sio.on_event(name, checked(handler))
