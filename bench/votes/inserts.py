"""The yardstick: as many bare single-row INSERTs through psycopg 3 as ballots, on the same database.

Each INSERT is committed on its own (one transaction per row, as each ballot is), into a throwaway table shaped
like the sealed box (a random 32-character key, the vote's id, ~90 bytes), over ``concurrency`` connections
spread across ``procs`` processes (psycopg's ``AsyncConnection``; each connection inserts its share in turn).
The rate is rows over first start to last commit; the latency is each INSERT plus its COMMIT.
"""

import asyncio
import multiprocessing as mp
import secrets
import time

import sqlalchemy as sa

TABLE = 'bench_bare_inserts'


def conninfo(url: str) -> str:
    """psycopg's connection string from the app's SQLAlchemy URL."""
    return sa.make_url(url).set(drivername='postgresql').render_as_string(hide_password=False)


def _payload() -> bytes:
    return secrets.token_bytes(90)


async def _connection(dsn: str, rows: int, vote_id: int, ready, go, latencies: list) -> None:
    import psycopg

    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        ready()
        await go.wait()
        for _ in range(rows):
            started = time.perf_counter()
            await conn.execute(
                f'INSERT INTO {TABLE} (id, vote_id, sealed) VALUES (%s, %s, %s)',  # noqa: S608 - a constant
                (secrets.token_hex(16), vote_id, _payload()),
            )
            await conn.commit()
            latencies.append((time.perf_counter() - started) * 1000)


async def _process_main(dsn: str, shares: list[int], ready_q, go_event, result_q) -> None:
    go, latencies, waiting = asyncio.Event(), [], [len(shares)]

    def ready():
        waiting[0] -= 1
        if not waiting[0]:
            ready_q.put('ready')

    tasks = [asyncio.create_task(_connection(dsn, rows, 1, ready, go, latencies)) for rows in shares]
    while not go_event.is_set():
        await asyncio.sleep(0.005)
    began = time.time_ns()
    go.set()
    await asyncio.gather(*tasks)
    result_q.put({'began': began, 'ended': time.time_ns(), 'latencies': latencies})


def _run(*args) -> None:
    asyncio.run(_process_main(*args))


def prepare(url: str) -> None:
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP TABLE IF EXISTS {TABLE}')
        conn.execute(
            f'CREATE TABLE {TABLE} (id varchar(32) PRIMARY KEY, vote_id integer NOT NULL, sealed bytea NOT NULL)'
        )


def drop(url: str) -> None:
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP TABLE IF EXISTS {TABLE}')


def _count(url: str) -> int:
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        return conn.execute(f'SELECT count(*) FROM {TABLE}').fetchone()[0]  # noqa: S608 - a constant


def measure(url: str, rows: int, concurrency: int, procs: int) -> dict:
    """``rows`` single-row INSERT + COMMIT over ``concurrency`` connections in ``min(procs, concurrency)`` processes."""
    prepare(url)
    procs = max(1, min(procs, concurrency))
    per_connection = [rows // concurrency + (k < rows % concurrency) for k in range(concurrency)]
    shares = [per_connection[k::procs] for k in range(procs)]
    ctx = mp.get_context('spawn')
    ready_q, result_q, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_run, args=(conninfo(url), share, ready_q, go, result_q)) for share in shares]
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            ready_q.get(timeout=120)
        go.set()
        parts = [result_q.get(timeout=600) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    wall = (max(p['ended'] for p in parts) - min(p['began'] for p in parts)) / 1e9
    latencies = sorted(x for p in parts for x in p['latencies'])
    stored = _count(url)
    drop(url)
    return {
        'rows': rows,
        'stored': stored,
        'concurrency': concurrency,
        'procs': procs,
        'wall_s': round(wall, 3),
        'per_s': round(rows / wall, 1),
        'p50': round(latencies[len(latencies) // 2], 2),
        'p99': round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 2),
    }
