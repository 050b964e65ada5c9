"""What the archive connects when the app is built: the ``archive`` step's guard and effect, and the predicates
of its actions (``archive.view``, ``archive.waive``, ``archive.appraise``, ``archive.destroy``,
``archive.download``; ``topic.archive`` is the topic machine's)."""

from consult.kernel import actions
from consult.kernel.signals import public_records
from consult.topics.states import MACHINE as TOPIC

from . import guards as g
from . import operations
from . import permissions as p
from .records import record_kinds


def plug() -> None:
    TOPIC.extend('archive', guards=(g.bundle_complete,), effect=operations.record_file)
    # The transparency log keeps the archive file, each waiver and each destruction register entry.
    public_records.connect(record_kinds, weak=False)
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
