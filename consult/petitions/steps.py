"""Row-level steps on a petition shared by the operations and the sweeps: lock the row, change its status."""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.refusals import Refusal
from consult.petitions.models import Petition


def lock(petition) -> str:
    """Lock the petition row (PostgreSQL: ``FOR UPDATE``) and return its current status.

    Signatures on one petition are thereby serialised, so the threshold check after each one sees every
    signature committed before it: two last signatures racing cannot both miss the threshold. SQLite has
    one writer at a time and ignores ``FOR UPDATE``.
    """
    return db.session.scalar(sa.select(Petition.status).where(Petition.id == petition.id).with_for_update())


def transition(petition, from_status, to_status, refuse: bool = True, **values) -> bool:
    """Move ``petition`` from ``from_status`` with a conditional UPDATE, so two racing requests cannot both.

    :return: whether this call moved it (``False`` only with ``refuse=False``).
    :raises Refusal: ``wrong_state`` if the petition was no longer in ``from_status`` (with ``refuse``).
    """
    result = db.session.execute(
        sa.update(Petition)
        .where(Petition.id == petition.id, Petition.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        if refuse:
            raise Refusal(_('This petition has changed meanwhile; reload the page.'), code='wrong_state')
        return False
    db.session.refresh(petition)
    return True
