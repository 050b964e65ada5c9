"""Sealing a consultation's record bundle: the log's part (``log/``), the manifest and its signature.

``seal(topic_id, files)`` takes the archive's files (``record.json``, ``parts/``, ...) and returns them with
``log/records.json``, ``log/leaves.json`` (each leaf with its inclusion proof against ``log/head.json``),
``log/head.json``, ``log/public_key.pem``, ``manifest.json`` and ``manifest.sig`` (the hex Ed25519 signature of
``manifest.json``'s exact bytes). ``static/verify/consult_verify.py`` checks all of it offline.
"""

import hashlib
import json

from consult.kernel.clock import utcnow

from . import keys
from . import queries
from .canonical import canonical
from .canonical import iso
from .display import head_dict
from .records import kinds

LOG_FILES = ('log/records.json', 'log/leaves.json', 'log/head.json', 'log/public_key.pem')


class Unsealable(RuntimeError):
    """The log has no signed head yet, or a record behind one of the topic's leaves is gone."""


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def log_files(topic_id: int) -> tuple[dict[str, bytes], dict]:
    """The ``log/`` files of a topic, and the head they are proved against."""
    head = queries.latest_head()
    if head is None:
        raise Unsealable('the log has no signed head yet')
    leaves = [leaf for leaf in queries.leaves_of_topic(topic_id) if leaf.idx < head.tree_size]
    known = kinds()
    wanted: dict[str, set[int]] = {}
    for leaf in leaves:
        wanted.setdefault(leaf.kind, set()).add(leaf.record_id)
    records = {}
    for name, ids in wanted.items():
        loaded = known[name].load(sorted(ids)) if name in known else {}
        for record_id in ids:
            if record_id not in loaded:
                raise Unsealable(f'record {name}/{record_id} is missing')
            records[f'{name}/{record_id}'] = loaded[record_id]
    entries = [
        {
            'index': leaf.idx,
            'payload': leaf.payload,
            'leaf_hash': bytes(leaf.leaf_hash).hex(),
            'inclusion': [h.hex() for h in queries.inclusion_proof(leaf.idx, head.tree_size)],
        }
        for leaf in leaves
    ]
    signed = {key: value for key, value in head_dict(head).items() if key != 'seq'}
    files = {
        'log/records.json': canonical(records),
        'log/leaves.json': _json(entries),
        'log/head.json': _json(signed),
        'log/public_key.pem': keys.public_pem().encode(),
    }
    return files, signed


def seal(topic_id: int, files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` plus the log's files, the manifest listing every file's SHA-256, and the manifest's signature.

    :raises Unsealable: no signed head yet, or a record behind a leaf is missing.
    :raises ValueError: ``files`` already holds a name the seal writes.
    """
    reserved = {*LOG_FILES, 'manifest.json', 'manifest.sig'}
    clash = reserved & set(files)
    if clash:
        raise ValueError(f'the bundle may not hold {sorted(clash)}')
    log, head = log_files(topic_id)
    everything = {**files, **log}
    manifest = _json(
        {
            'topic_id': topic_id,
            'created_at': iso(utcnow()),
            'head': {'tree_size': head['tree_size'], 'root_hash': head['root_hash']},
            'files': {path: hashlib.sha256(data).hexdigest() for path, data in sorted(everything.items())},
        }
    )
    return {**everything, 'manifest.json': manifest, 'manifest.sig': keys.sign(manifest).hex().encode()}
