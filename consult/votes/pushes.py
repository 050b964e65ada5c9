"""Telling open pages that a vote opened, closed or was cancelled (after the commit; never a count)."""

from consult.kernel.rooms import meeting_room
from consult.kernel.rooms import vote_room
from consult.realtime import VoteChanged
from consult.realtime import emit_after_commit


def changed(vote) -> None:
    event = VoteChanged(vote=vote.id, meeting=vote.meeting_id, status=str(vote.status))
    emit_after_commit(event, vote_room(vote.id))
    if vote.meeting_id is not None:
        emit_after_commit(event, meeting_room(vote.meeting_id))
