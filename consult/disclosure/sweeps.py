"""The disclosure sweep: windows that ended close, overdue answers are flagged (``flask disclosure sweep``).

Each publication's window closes once: the topic step (``close_window`` or ``report_to_gov``) moves it with one
conditional UPDATE, and a result not adopted has its ``window_closed_at`` stamped by a conditional UPDATE; so a
second run, or two runs at once, close nothing twice. A window with an unanswered objection stays open (the
step's guard refuses) and its objection is flagged when overdue. Operations flush; the caller commits.
"""

from datetime import datetime

import sqlalchemy as sa

from consult.db import db
from consult.kernel.refusals import Refusal
from consult.topics import states

from . import logger
from . import notices
from . import queries
from .guards import entrusted
from .models import Objection
from .models import Publication


def close_windows(now: datetime) -> list[tuple[int, str]]:
    """Close every window that ended by ``now``; return ``(topic_id, what happened)`` for each closed."""
    closed = []
    for topic, publication in queries.windows_due(now):
        if queries.open_objection_count(topic.id):
            continue  # the window cannot close with an unanswered objection (flagged when overdue)
        if publication.adopted:
            step = 'report_to_gov' if entrusted(topic) else 'close_window'
            try:
                with db.session.begin_nested():
                    states.apply(topic, step, None, now=now)
            except Refusal as refusal:
                logger.info('topic %s: window not closed: %s', topic.id, refusal.code)
                continue
            _stamp(publication, now)
            closed.append((topic.id, step))
        elif _stamp(publication, now):
            states.log_step(topic, 'window_closed', None)
            closed.append((topic.id, 'window_closed'))
    return closed


def _stamp(publication: Publication, now: datetime) -> bool:
    return bool(
        db.session.execute(
            sa.update(Publication)
            .where(Publication.id == publication.id, Publication.window_closed_at.is_(None))
            .values(window_closed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def flag_overdue(now: datetime) -> list[int]:
    """Flag each objection overdue for its answer (once) to the committee and the supervisory committee."""
    from consult.topics.models import Topic

    flagged = []
    for objection in queries.overdue_unflagged(now):
        claimed = db.session.execute(
            sa.update(Objection)
            .where(Objection.id == objection.id, Objection.overdue_flagged_at.is_(None))
            .values(overdue_flagged_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            notices.objection_overdue(db.session.get(Topic, objection.topic_id))
            flagged.append(objection.id)
    return flagged
