"""The kinds of public record the contexts contribute, the listener that logs them, and the loaders' helper.

Contexts describe their records with :class:`consult.kernel.signals.RecordKind` (from their ``wiring.plug()``);
the log never imports a context. :func:`rows` turns a loader's ``SELECT`` into the canonical dicts it returns.
"""

import enum
from collections.abc import Iterable
from datetime import datetime

from consult.kernel.signals import RecordKind
from consult.kernel.signals import contributions
from consult.kernel.signals import public_records

from . import log
from .canonical import iso


def kinds() -> dict[str, RecordKind]:
    """Every contributed kind, by name."""
    found: dict[str, RecordKind] = {}
    for value in contributions(public_records, None):
        for kind in value if isinstance(value, list | tuple) else [value]:
            found[kind.name] = kind
    return found


def on_event(event) -> None:
    """In the business transaction: append a leaf for every kind this event makes a record of."""
    for kind in kinds().values():
        if not isinstance(event, kind.event):
            continue
        record_id = kind.record_id(event)
        if record_id is None:
            continue
        record = kind.load([record_id]).get(record_id)
        if record is None:
            raise LookupError(f'{kind.name}/{record_id}: the record of a published event is not stored')
        log.append(kind.name, record_id, kind.topic_id(event), record)


def _plain(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def rows(result: Iterable) -> dict[int, dict]:
    """A loader's rows (SQLAlchemy rows with an ``id`` column) as canonical-JSON-able dicts keyed by id."""
    out = {}
    for row in result:
        record = {key: _plain(value) for key, value in row._mapping.items()}
        out[record['id']] = record
    return out


def load_all(kind: RecordKind, ids: list[int]) -> dict[int, dict]:
    return kind.load(sorted(set(ids))) if ids else {}
