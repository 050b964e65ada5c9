"""What the archive connects when the app is built: the ``archive`` step's guard and effect, and the predicates
of its actions (``archive.view``, ``archive.waive``, ``archive.appraise``, ``archive.destroy``,
``archive.download``; ``topic.archive`` is the topic machine's)."""

from consult.kernel import actions
from consult.kernel.signals import public_records
from consult.kernel.signals import withheld_items
from consult.topics.states import MACHINE as TOPIC

from . import guards as g
from . import operations
from . import permissions as p
from .records import record_kinds


def _destroyed(topic_id, **_kwargs) -> set[str]:
    import sqlalchemy as sa

    from consult.db import db

    from .models import Destruction

    return set(db.session.scalars(sa.select(Destruction.item_key).where(Destruction.topic_id == topic_id)))


def plug() -> None:
    TOPIC.extend('archive', guards=(g.bundle_complete,), effect=operations.record_file)
    # The transparency log keeps the archive file, each waiver and each destruction register entry.
    public_records.connect(record_kinds, weak=False)
    # Destroyed items' content is withheld from the public record, the result page, the API and the exports.
    withheld_items.connect(_destroyed, weak=False)
    actions.register_all(
        'archive',
        {
            'view': p.may_view,
            'waive': p.may_waive,
            'appraise': p.may_appraise,
            'destroy': p.may_destroy,
            'download': p.may_download,
        },
    )
