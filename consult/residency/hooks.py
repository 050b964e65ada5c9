"""A residence began or ended: contexts that count residents (petitions) re-check what depends on it.

Residency imports none of them: a listener registers here (``listen``, called by the app factory) and
:func:`residence_changed` is called by :mod:`consult.residency.operations` after the change is flushed.
Inside :func:`batched` (a roster import verifying many claims) the communities are collected and the
listeners run once at the end.
"""

from collections.abc import Callable
from contextlib import contextmanager

from consult.db import db
from consult.db import utcnow

_listeners: list[Callable] = []
_BATCH_KEY = 'consult_residence_changes'


def listen(listener: Callable) -> None:
    """Call ``listener(community_ids: set[int], now)`` after every residence change (registered once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def residence_changed(community_ids, now=None) -> None:
    ids = {community_id for community_id in community_ids if community_id is not None}
    pending = db.session.info.get(_BATCH_KEY)
    if pending is not None:
        pending.update(ids)
        return
    if ids:
        for listener in _listeners:
            listener(ids, now or utcnow())


@contextmanager
def batched(now=None):
    """Collect residence changes made inside the block; tell the listeners once when it ends without error."""
    if _BATCH_KEY in db.session.info:  # already batching: the outer block tells them
        yield
        return
    pending: set[int] = set()
    db.session.info[_BATCH_KEY] = pending
    try:
        yield
    finally:
        db.session.info.pop(_BATCH_KEY, None)
    residence_changed(pending, now)
