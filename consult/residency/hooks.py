"""A residence began or ended: announce it, so contexts that count residents (petitions) re-check.

Residency imports none of them: :func:`residence_changed` publishes a
:class:`~consult.kernel.events.ResidenceChanged` after the change is flushed, and listeners connect to it
when the app is built. Inside :func:`batched` (a roster import verifying many claims) the communities are
collected and the event is published once at the end.
"""

from contextlib import contextmanager

from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.events import ResidenceChanged
from consult.kernel.events import publish

_BATCH_KEY = 'consult_residence_changes'


def residence_changed(community_ids, now=None) -> None:
    ids = {community_id for community_id in community_ids if community_id is not None}
    pending = db.session.info.get(_BATCH_KEY)
    if pending is not None:
        pending.update(ids)
        return
    if ids:
        publish(ResidenceChanged(community_ids=frozenset(ids), at=now or utcnow()))


@contextmanager
def batched(now=None):
    """Collect residence changes made inside the block; announce them once when it ends without error."""
    if _BATCH_KEY in db.session.info:  # already batching: the outer block announces them
        yield
        return
    pending: set[int] = set()
    db.session.info[_BATCH_KEY] = pending
    try:
        yield
    finally:
        db.session.info.pop(_BATCH_KEY, None)
    residence_changed(pending, now)
