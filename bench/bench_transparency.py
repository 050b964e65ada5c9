"""The transparency log: the append rate through the real path, then a bulk-built log of 1,000,000 leaves
(``BENCH_DATABASE_URL``, PostgreSQL; 100,000 on a temporary SQLite file without it): inclusion and consistency
proofs (median and p95 over random pairs, each verified) and the full verification (``flask archive verify``).

The bulk leaves are of a kind of the benchmark's own whose records are computed, not read: the full verification
figure therefore counts the leaves, the tree, the heads and the record digests, not the reading of 1,000,000
business rows.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from consult import create_app
from consult.config import TestingConfig
from consult.db import db
from consult.kernel.events import DomainEvent
from consult.kernel.events import publish
from consult.kernel.signals import RecordKind
from consult.kernel.signals import public_records
from consult.transparency import keys
from consult.transparency import log
from consult.transparency import merkle
from consult.transparency import queries
from consult.transparency.canonical import digest
from consult.transparency.verify import verify_log
from tests import support

HEAD_EVERY = 10_000
PAIRS = 1_000


@dataclass(frozen=True)
class BenchRecorded(DomainEvent):
    record_id: int


def _record(record_id: int) -> dict:
    return {'id': record_id, 'title': f'record {record_id}', 'n': record_id * 7}


KIND = RecordKind(
    'bench_record',
    BenchRecorded,
    lambda e: e.record_id,
    lambda e: None,
    lambda ids: {i: _record(i) for i in ids},
)


def _kinds(_sender, **_kwargs):
    return KIND


def ms(values):
    values = sorted(values)
    return statistics.median(values) * 1000, values[int(len(values) * 0.95)] * 1000


def append_rate(count: int = 2000) -> None:
    started = time.perf_counter()
    for n in range(count):
        publish(BenchRecorded(record_id=n + 1))
        db.session.commit()
    single = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for batch in range(count // 100):
        for n in range(100):
            publish(BenchRecorded(record_id=count + batch * 100 + n + 1))
        db.session.commit()
    batched = count / (time.perf_counter() - started)
    print(f'append: {single:.0f} leaves/s, one per transaction (each with its signed head)')
    print(f'append: {batched:.0f} leaves/s, 100 per transaction')


def _rows(start: int, size: int):
    """The leaves, subtree hashes and heads of a log grown from ``start`` to ``size`` leaves (as the app would)."""
    tree = {}
    if start:
        found = queries.hashes({(lv, (start >> lv) - 1) for lv in range(start.bit_length()) if (start >> lv) & 1})
        tree = {lv: value for (lv, _), value in found.items()}
    leaves, nodes = [], []
    at = '2026-12-05T00:00:00.000000Z'
    for index in range(start, size):
        payload = json.dumps(
            {
                'at': at,
                'digest': digest(_record(index + 1)),
                'kind': KIND.name,
                'record_id': index + 1,
                'seq': index,
                'topic_id': None,
                'v': 1,
            },
            sort_keys=True,
            separators=(',', ':'),
        )
        value = merkle.leaf_hash(payload.encode())
        leaves.append((index, KIND.name, index + 1, None, payload, value))
        current, level = value, 0
        while (index >> level) & 1:
            current = merkle.node_hash(tree[level], current)
            level += 1
            nodes.append((level, index >> level, current))
        tree[level] = current
    return leaves, nodes


def bulk_build(size: int) -> float:
    started = time.perf_counter()
    base = queries.size()
    postgres = db.engine.dialect.name == 'postgresql'
    for chunk in range(base, size, 100_000):
        end = min(size, chunk + 100_000)
        leaves, nodes = _rows(chunk, end)
        if postgres:
            raw = db.session.connection().connection.driver_connection
            with raw.cursor() as cursor:
                with cursor.copy(
                    'COPY log_leaves (idx, kind, record_id, topic_id, payload, leaf_hash) FROM STDIN'
                ) as c:
                    for row in leaves:
                        c.write_row(row)
                with cursor.copy('COPY log_nodes (level, "index", hash) FROM STDIN') as c:
                    for row in nodes:
                        c.write_row(row)
        else:
            db.session.execute(
                log.LogLeaf.__table__.insert(),
                [
                    dict(zip(('idx', 'kind', 'record_id', 'topic_id', 'payload', 'leaf_hash'), r, strict=True))
                    for r in leaves
                ],
            )
            if nodes:
                db.session.execute(
                    log.LogNode.__table__.insert(), [{'level': a, 'index': b, 'hash': c} for a, b, c in nodes]
                )
        db.session.flush()
        for head_size in range(((chunk // HEAD_EVERY) + 1) * HEAD_EVERY, end + 1, HEAD_EVERY):
            _sign_at(head_size)
        db.session.commit()
    _sign_at(size)
    db.session.commit()
    return time.perf_counter() - started


def _sign_at(tree_size: int) -> None:
    last = queries.latest_head()
    if last is not None and last.tree_size >= tree_size:
        return
    root = queries.root_hash(tree_size)
    stamp = int(time.time() * 1000)
    db.session.add(
        log.LogHead(
            seq=(last.seq if last else 0) + 1,
            tree_size=tree_size,
            root_hash=root,
            timestamp=stamp,
            key_id=keys.key_id(),
            signature=keys.sign(keys.head_message(tree_size, root, stamp)),
        )
    )
    db.session.flush()


def proofs(size: int) -> None:
    rng = random.Random(9162)
    inclusion, consistency = [], []
    for _ in range(PAIRS):
        tree_size = rng.randint(1, size)
        index = rng.randrange(tree_size)
        started = time.perf_counter()
        path = queries.inclusion_proof(index, tree_size)
        inclusion.append(time.perf_counter() - started)
        leaf = queries.hashes([(0, index)])[(0, index)]
        assert merkle.root_from_inclusion(index, tree_size, leaf, path) == queries.root_hash(tree_size)
        old, new = sorted((rng.randint(1, size), rng.randint(1, size)))
        started = time.perf_counter()
        path = queries.consistency_proof(old, new)
        consistency.append(time.perf_counter() - started)
        assert merkle.verify_consistency(old, new, queries.root_hash(old), queries.root_hash(new), path)
    median, p95 = ms(inclusion)
    print(f'inclusion proof: median {median:.2f} ms, p95 {p95:.2f} ms ({PAIRS} random leaves and sizes, each verified)')
    median, p95 = ms(consistency)
    print(f'consistency proof: median {median:.2f} ms, p95 {p95:.2f} ms ({PAIRS} random pairs, each verified)')


def main() -> None:
    url = os.environ.get('BENCH_DATABASE_URL') or f'sqlite:///{tempfile.mkdtemp()}/bench.db'
    size = int(os.environ.get('BENCH_LOG_SIZE') or (1_000_000 if url.startswith('postgresql') else 100_000))
    app = create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': url, 'RATELIMIT_ENABLED': False})
    public_records.connect(_kinds, weak=False)
    with app.app_context():
        support.reset_schema(db.engine)
        support.upgrade(app)
        print(f'database: {db.engine.dialect.name}; log of {size:,} leaves')
        append_rate()
        took = bulk_build(size)
        print(f'bulk build to {queries.size():,} leaves: {took:.1f} s')
        if db.engine.dialect.name == 'postgresql':
            with db.engine.begin() as conn:
                conn.exec_driver_sql('ANALYZE log_leaves, log_nodes, log_heads')
        proofs(size)
        started = time.perf_counter()
        report = verify_log()
        took = time.perf_counter() - started
        assert report.ok, report.first
        print(
            f'full verification: {took:.1f} s for {report.leaves:,} leaves, {report.nodes:,} subtree hashes, '
            f'{report.heads} signed heads, {report.records:,} record digests ({report.leaves / took:,.0f} leaves/s)'
        )


if __name__ == '__main__':
    main()
