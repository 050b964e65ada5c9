"""The archive's public records for the transparency log (``consult.kernel.signals.public_records``): the
archive file, each waiver and each destruction register entry, as canonical-JSON-able dicts of their public,
immutable fields (no user id: people by capacity), each kind read with one statement."""

from collections.abc import Sequence

import sqlalchemy as sa

from consult.db import db
from consult.kernel.events import BundleItemWaived
from consult.kernel.events import RecordDestroyed
from consult.kernel.events import TopicArchived
from consult.kernel.signals import RecordKind

from .models import Appraisal
from .models import ArchiveFile
from .models import Destruction
from .models import Waiver


def _at(value) -> str:
    return value.isoformat()


def load_files(ids: Sequence[int]) -> dict[int, dict]:
    rows = db.session.scalars(sa.select(ArchiveFile).where(ArchiveFile.id.in_(list(ids))))
    return {
        r.id: {'topic_id': r.topic_id, 'from_status': r.from_status, 'archived_at': _at(r.archived_at)} for r in rows
    }


def load_waivers(ids: Sequence[int]) -> dict[int, dict]:
    rows = db.session.scalars(sa.select(Waiver).where(Waiver.id.in_(list(ids))))
    return {r.id: {'topic_id': r.topic_id, 'item_key': r.item_key, 'reason': r.reason, 'at': _at(r.at)} for r in rows}


def load_destructions(ids: Sequence[int]) -> dict[int, dict]:
    rows = db.session.execute(
        sa.select(Destruction, Appraisal)
        .join(Appraisal, Appraisal.id == Destruction.appraisal_id)
        .where(Destruction.id.in_(list(ids)))
    ).all()
    return {
        d.id: {
            'topic_id': d.topic_id,
            'item_key': d.item_key,
            'retention_years': d.retention_years,
            'term_ended_on': _at(d.term_ended_on),
            'at': _at(d.at),
            'appraised_at': _at(a.at),
            'appraisal_reason': a.reason,
            'appraisers': sorted(member['role'] for member in a.members),
        }
        for d, a in rows
    }


def record_kinds(_sender=None, **_kwargs) -> list[RecordKind]:
    """The receiver of ``public_records``: the archive's three kinds of record."""
    return [
        RecordKind('archive_file', TopicArchived, lambda e: e.file_id, lambda e: e.topic_id, load_files),
        RecordKind('archive_waiver', BundleItemWaived, lambda e: e.waiver_id, lambda e: e.topic_id, load_waivers),
        RecordKind(
            'archive_destruction', RecordDestroyed, lambda e: e.destruction_id, lambda e: e.topic_id, load_destructions
        ),
    ]
