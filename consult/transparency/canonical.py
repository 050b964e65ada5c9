"""Canonical JSON (RFC 8785) and the digests of records and leaves."""

import hashlib
from datetime import UTC
from datetime import datetime

import rfc8785


def canonical(value) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (UTF-8 bytes)."""
    return rfc8785.dumps(value)


def digest(record: dict) -> str:
    """The SHA-256 (hex) of a record's canonical JSON: what its leaf carries."""
    return hashlib.sha256(canonical(record)).hexdigest()


def iso(moment: datetime | None) -> str | None:
    """A UTC timestamp as records and leaves write it (``2026-12-05T01:02:03.456789Z``)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
