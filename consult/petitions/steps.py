"""Row-level steps on a petition shared by the operations and the sweeps: lock the row.

Its status changes only through its state machine, :mod:`consult.petitions.states`.
"""

import sqlalchemy as sa

from consult.db import db
from consult.petitions.models import Petition


def lock(petition) -> str:
    """Lock the petition row (PostgreSQL: ``FOR UPDATE``) and return its current status.

    Signatures on one petition are thereby serialised, so the threshold check after each one sees every
    signature committed before it: two last signatures racing cannot both miss the threshold. SQLite has
    one writer at a time and ignores ``FOR UPDATE``.
    """
    return db.session.scalar(sa.select(Petition.status).where(Petition.id == petition.id).with_for_update())
