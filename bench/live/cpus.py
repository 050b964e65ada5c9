"""Which CPUs the servers and the load generator run on (``BENCH_SERVER_CPUS``, ``BENCH_CLIENT_CPUS``).

A list such as ``0`` or ``0,2-3``; empty: not pinned (the scheduler's choice). The server processes (the Node
relay, the app's gunicorn master and so its workers) are pinned with ``os.sched_setaffinity`` when they start,
the client processes when they start, the bench's own process with the clients. PostgreSQL and Redis are left
alone. Defaults: with 4 CPUs or more, the servers on the first half and the clients on the rest; with 2 or 3,
the servers on CPU 0 and the clients on the others; with 1, nothing pinned (README, "CPU pinning").
"""

import os


def parse(spec: str) -> set[int] | None:
    """``'0,2-3'`` -> ``{0, 2, 3}``; an empty spec -> ``None`` (not pinned)."""
    cpus: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(','))):
        low, _, high = part.partition('-')
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus or None


def _available() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def fix() -> None:
    """Write both choices into the environment before anything is pinned: the processes started later (the
    client processes are spawned, and would see only their own CPUs) then read the same choice."""
    for side in ('server', 'client'):
        os.environ[f'BENCH_{side.upper()}_CPUS'] = ','.join(map(str, sorted(chosen(side) or ())))


def _default(side: str) -> set[int] | None:
    cpus = _available()
    if len(cpus) < 2:
        return None
    servers = len(cpus) // 2 if len(cpus) >= 4 else 1
    return set(cpus[:servers]) if side == 'server' else set(cpus[servers:])


def chosen(side: str) -> set[int] | None:
    """The CPUs of ``side`` ('server' or 'client'): the environment's if set (even empty), else the default."""
    name = f'BENCH_{side.upper()}_CPUS'
    if name in os.environ:
        return parse(os.environ[name])
    return _default(side)


def pin(side: str) -> None:
    """Pin the calling process (and what it starts later) to ``side``'s CPUs as set in the environment, if any.

    Only the environment counts here, not the default: ``make bench-votes`` starts its servers through
    servers.py too and is not pinned unless asked; ``make bench-live`` writes its choice there first (``fix``).
    """
    cpus = parse(os.environ.get(f'BENCH_{side.upper()}_CPUS', ''))
    if cpus:
        os.sched_setaffinity(0, cpus)


def describe(cpus: set[int] | None) -> str:
    return ','.join(map(str, sorted(cpus))) if cpus else 'any (not pinned)'


def header() -> str:
    return (
        f'CPUs: servers {describe(chosen("server"))}; clients {describe(chosen("client"))}; '
        f'PostgreSQL and Redis not pinned; {os.cpu_count()} CPUs on this machine'
    )
