"""What a round measured: the rate, the latencies per path, the CPU, and whether every ballot counted once."""

import contextlib
import os
from collections import Counter
from pathlib import Path

_TICK = os.sysconf('SC_CLK_TCK')


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path('/proc/stat').read_text().split('\n', 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / _TICK, sum(fields) / _TICK


def _postgres() -> float:
    """CPU seconds so far of every PostgreSQL process on the machine (other sessions' too: an upper bound)."""
    total = 0.0
    for stat in Path('/proc').glob('[0-9]*/stat'):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if '(postgres)' in text:
                fields = text.rsplit(')', 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


class Counters:
    """CPU counters over the cast phase: the server's process tree, PostgreSQL, the machine."""

    def __init__(self, server):
        self.server = server

    def start(self):
        server, postgres, machine = self.server.cpu_seconds(), _postgres(), _machine()

        def finish() -> dict:
            busy, total = _machine()
            return {
                'server_cpu_s': round(self.server.cpu_seconds() - server, 2),
                'postgres_cpu_s': round(_postgres() - postgres, 2),
                'machine_busy_s': round(busy - machine[0], 2),
                'machine_total_s': round(total - machine[1], 2),
            }

        return finish


def _percentile(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else float('nan')


def _latencies(attempts, path: str, ok: bool) -> dict:
    values = sorted((a[3] - a[2]) / 1e6 for a in attempts if a[1] == path and a[4] == ok)
    return {'n': len(values), 'p50': _percentile(values, 0.5), 'p99': _percentile(values, 0.99)}


def judge(voters, cast: dict, closed: dict, before_close: tuple[int, int]) -> dict:
    """The round's figures; ``exactly_once``: counted ballots == receipts == distinct successful voters == voters,
    the receipts the voters got are the published ones, each duplicate refused ``already_voted``, the tally by
    option what the voters chose, and nothing left in the box."""
    attempts = cast['attempts']
    ok = [a for a in attempts if a[4]]
    refused = Counter(a[5] for a in attempts if not a[4])
    ok_voters = Counter(a[0] for a in ok)
    client_receipts = {a[5] for a in ok}
    span = (max(a[3] for a in attempts) - min(a[2] for a in attempts)) / 1e9 if attempts else float('nan')
    duplicates = sum(v.duplicate for v in voters)
    options = len(closed['tally_heads'])
    chosen = Counter(voters[v].choice for v in ok_voters)
    expected_heads = [chosen.get(k, 0) for k in range(options)]
    marked, sealed = before_close
    n = len(voters)
    once = (
        closed['counted_rows'] == len(closed['receipts']) == len(ok) == len(client_receipts) == len(ok_voters) == n
        and marked == sealed == n
        and closed['receipts'] == client_receipts
        and refused == Counter({'already_voted': duplicates})
        and closed['tally_heads'] == expected_heads
        and closed['sealed_left'] == 0
        and closed['status'] == 'closed'
    )
    measured = cast['measured'] or {}
    first = min((a[2] for a in attempts), default=0)
    return {
        'voters': n,
        'attempts': len(attempts),
        'ballots': len(ok),
        'span_s': round(span, 3),
        'ballots_per_s': round(len(ok) / span, 1) if span else 0.0,
        'socket': _latencies(attempts, 'socket', True),
        'http': _latencies(attempts, 'http', True),
        'refused_socket': _latencies(attempts, 'socket', False),
        'refused_http': _latencies(attempts, 'http', False),
        'duplicates_sent': duplicates,
        'refusals': dict(refused),
        # pressed again (``driver.RETRYABLE``), by the answer that made the voter press again
        'retries': cast['retries'],
        'voters_without_receipt': n - len(ok_voters),
        # counted ballots whose receipt no voter got (their answer was lost): counted, but the voter cannot check
        'receipts_not_delivered': len(closed['receipts'] - client_receipts),
        'voters_counted_twice': sum(1 for count in ok_voters.values() if count > 1),
        'distinct_successful_voters': len(ok_voters),
        'receipts_to_voters': len(client_receipts),
        'marked_before_close': marked,
        'sealed_before_close': sealed,
        'counted_rows': closed['counted_rows'],
        'receipts_published': len(closed['receipts']),
        'receipts_match': closed['receipts'] == client_receipts,
        'tally_heads': closed['tally_heads'],
        'expected_heads': expected_heads,
        'close_s': closed['close_s'],
        'exactly_once': once,
        'connected_sockets': cast['connected_sockets'],
        'connect_s': cast['connect_s'],
        'failed_connects': cast['failed_connects'],
        'errors': cast['errors'],
        'disconnects': cast['disconnects'],
        'client_cpu_s': cast['client_cpu_s'],
        **measured,
        # what one counted ballot costs the server (its share of the duplicates' and retries' work included)
        'server_cpu_ms_per_ballot': round(1000 * measured.get('server_cpu_s', 0) / max(1, len(ok)), 2),
        'postgres_cpu_ms_per_ballot': round(1000 * measured.get('postgres_cpu_s', 0) / max(1, len(ok)), 2),
        # per attempt: voter, path, sent (ms after the first send), latency ms, counted, pressed again, refusal code
        'trace': [
            (a[0], a[1], round((a[2] - first) / 1e6, 1), round((a[3] - a[2]) / 1e6, 1), a[4], a[6])
            + (() if a[4] else (a[5],))
            for a in sorted(attempts, key=lambda a: a[2])
        ],
    }


HEADER = (
    f'{"workers":>7} {"ballots":>7} {"span s":>7} {"ballot/s":>8} {"sock p50":>8} {"sock p99":>8} {"http p50":>8} '
    f'{"http p99":>8} {"dup ref":>7} {"srv cpu":>7} {"pg cpu":>6} {"cli cpu":>7} {"busy %":>6} {"close s":>7} once'
)


def print_round(f: dict) -> None:
    busy = 100 * f.get('machine_busy_s', 0) / max(f.get('machine_total_s', 0), 1e-9)
    print(
        f'{f["workers"]:>7} {f["ballots"]:>7} {f["span_s"]:>7.2f} {f["ballots_per_s"]:>8.0f} '
        f'{f["socket"]["p50"]:>8.0f} {f["socket"]["p99"]:>8.0f} {f["http"]["p50"]:>8.0f} {f["http"]["p99"]:>8.0f} '
        f'{f["refusals"].get("already_voted", 0):>7} {f.get("server_cpu_s", 0):>7.1f} {f.get("postgres_cpu_s", 0):>6.1f} '
        f'{f["client_cpu_s"]:>7.1f} {busy:>6.0f} {f["close_s"]:>7.2f} {"yes" if f["exactly_once"] else "NO"}',
        flush=True,
    )
    print(
        f'    server {f["server_cpu_ms_per_ballot"]} ms CPU per ballot (PostgreSQL {f["postgres_cpu_ms_per_ballot"]}); '
        f'{f["connected_sockets"]:,} sockets connected in {f["connect_s"]} s; electorate {f["electorate"]:,}; '
        f'counted {f["counted_rows"]:,}, receipts {f["receipts_published"]:,} (match: {f["receipts_match"]}), '
        f'distinct voters {f["distinct_successful_voters"]:,}, twice {f["voters_counted_twice"]}, '
        f'refusals {f["refusals"]} of {f["duplicates_sent"]} duplicates; tally {f["tally_heads"]}',
        flush=True,
    )
    if f['retries'] or f['voters_without_receipt'] or f['receipts_not_delivered']:
        print(
            f'    pressed again: {f["retries"]}; voters without a receipt {f["voters_without_receipt"]}, '
            f'counted ballots whose receipt was not delivered {f["receipts_not_delivered"]}',
            flush=True,
        )
    if f['failed_connects']:
        print(f'    failed connects: {f["failed_connects"][:3]}', flush=True)
    if f['disconnects']:
        print(f'    sockets dropped during the casts (voter: reason): {f["disconnects"][:5]}', flush=True)
    if f['errors']:
        print(f'    client errors: {f["errors"][:3]}', flush=True)
    for row in f['inserts']:
        print(
            f'    bare INSERT+COMMIT x {row["rows"]:,}, {row["concurrency"]} connections in {row["procs"]} processes: '
            f'{row["per_s"]:,.0f}/s (p50 {row["p50"]} ms, p99 {row["p99"]} ms; stored {row["stored"]:,})',
            flush=True,
        )
