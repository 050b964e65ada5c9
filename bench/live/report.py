"""What ``make bench-live`` prints: a row per round, and the summary against the targets of issue 16."""

import math
import os
import statistics

#: Issue 16's targets (a join figure only for 1,000 clients or more; the ratios against the Node relay).
JOIN_TARGET_S = 5.0
JOIN_TARGET_CLIENTS = 1000
CPU_RATIO_TARGET = 1.3
P99_RATIO_TARGET = 1.5

HEADER = (
    f'{"server":<26} {"clients":>7} {"join-s":>6} {"ms/join":>7} {"deliv%":>7} {"p50":>6} {"p99":>6} {"max":>6} '
    f'{"us/del":>6} {"ooo":>4} {"RSS MiB idle/in/after":>22} {"KiB/cli":>7} {"cli-s":>5}'
)


def _mib(kib: int) -> str:
    return f'{kib / 1024:.0f}'


def print_row(f: dict) -> None:
    """One round of one server: the figures of issue 16 first, problems underneath."""
    rss = f'{_mib(f["rss_idle_kib"])}/{_mib(f["rss_in_kib"])}/{_mib(f["rss_after_kib"])}'
    print(
        f'{f["label"]:<26} {f["connected"]:>7} {f["join_s"]:>6.1f} {f["join_cpu_ms"]:>7.1f} '
        f'{100 * f["delivered"]:>6.2f}% {f["p50"]:>6.1f} {f["p99"]:>6.1f} {f["max"]:>6.1f} '
        f'{f["server_us_per_delivery"]:>6.1f} {f["out_of_order"]:>4} {rss:>22} {f["kib_per_client"]:>7.1f} '
        f'{f["client_cpu_s"]:>5.1f}',
        flush=True,
    )
    if 'p99_ratio' in f:
        print(f'    vs the relay this round: p99 x{f["p99_ratio"]:.2f}, us/delivery x{f["us_ratio"]:.2f}', flush=True)
    if 'persisted' in f:
        print(f'    persisted: {f["persisted"]}', flush=True)
    if os.environ.get('BENCH_VERBOSE'):
        print(f'    max latency by message: {f["max_by_message"]}', flush=True)
        if f['ack_ms']:
            print(f'    say acknowledged after (ms): {f["ack_ms"]}', flush=True)
    if f.get('client_gc_ms'):
        pauses = f['client_gc_ms']
        print(f'    client garbage collections over 5 ms: {len(pauses)}, longest {pauses[:5]}', flush=True)
    if f.get('other_events'):
        print(f'    other events during the messages: {f["other_events"]}', flush=True)
    for problem in ('failed_connects', 'errors'):
        if f.get(problem):
            print(f'    {problem}: {f[problem][:3]}', flush=True)
    if f.get('disconnected') or f.get('short'):
        print(
            f'    disconnected={f.get("disconnected")} short (received: clients)={f.get("short")}'
            f' reasons={f.get("disconnect_reasons")}',
            flush=True,
        )
    if f.get('duplicates'):
        print(f'    duplicates={f["duplicates"]}', flush=True)


def spread(values: list[float]) -> dict:
    """Median, min and max of one figure across rounds."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return {'median': math.nan, 'min': math.nan, 'max': math.nan}
    return {'median': round(statistics.median(values), 2), 'min': min(values), 'max': max(values)}


def _cell(s: dict, digits: int = 1) -> str:
    return f'{s["median"]:.{digits}f} ({s["min"]:.{digits}f}-{s["max"]:.{digits}f})'


#: A ratio whose rounds spread over more than this factor (max / min) is not judged: the machine was busy.
TRUST_SPREAD = 2.0


def _verdict(ok: bool | str | None) -> str:
    if ok is None:
        return ''
    return ' UNSURE' if ok == 'unsure' else (' PASS' if ok else ' MISS')


def _judge(s: dict, target: float) -> bool | str:
    if s['min'] > 0 and s['max'] / s['min'] > TRUST_SPREAD:
        return 'unsure'
    return s['median'] <= target


def summarise(results: list[dict], names: list[str], clients: int) -> dict:
    """Per server, across the counted rounds: median and spread of each figure and ratio, and the verdicts."""
    summary = {}
    for name in names:
        rows = [r for r in results if r['server'] == name]
        if not rows:
            continue
        entry = {
            key: spread([r[key] for r in rows])
            for key in ('join_s', 'join_cpu_ms', 'server_us_per_delivery', 'p50', 'p99', 'kib_per_client')
        }
        entry['rss_growth_kib'] = spread([r['rss_after_kib'] - r['rss_idle_kib'] for r in rows])
        entry['rounds'] = len(rows)
        entry['out_of_order'] = sum(r['out_of_order'] for r in rows)
        entry['delivered_min'] = min(r['delivered'] for r in rows)
        if any('persisted' in r for r in rows):
            entry['persisted_exactly_once'] = all(r['persisted']['exactly_once'] for r in rows)
        if any('p99_ratio' in r for r in rows):
            entry['us_ratio'] = spread([r['us_ratio'] for r in rows if 'us_ratio' in r])
            entry['p99_ratio'] = spread([r['p99_ratio'] for r in rows if 'p99_ratio' in r])
            judged = clients >= JOIN_TARGET_CLIENTS
            entry['pass'] = {
                'join': entry['join_s']['median'] < JOIN_TARGET_S if judged else None,
                'us_ratio': _judge(entry['us_ratio'], CPU_RATIO_TARGET),
                'p99_ratio': _judge(entry['p99_ratio'], P99_RATIO_TARGET),
                'out_of_order': entry['out_of_order'] == 0,
                'delivered': entry['delivered_min'] == 1.0,
                'persisted': entry.get('persisted_exactly_once', True),
            }
        summary[name] = entry
    return summary


def print_summary(summary: dict, clients: int) -> None:
    """The final block: one column per server (the relay, then each app process count), one line per figure."""
    if not summary:
        return
    names = list(summary)
    rounds = summary[names[0]]['rounds']
    width = 27
    print(
        f'\nsummary over {rounds} counted round(s): median (min-max) across rounds; ratios are per round, app / relay'
    )
    print(f'{"":<30}{"target":<9}' + ''.join(f'{name[:width]:>{width}}' for name in names))

    def line(label: str, target: str, cell) -> None:
        print(f'{label:<30}{target:<9}' + ''.join(f'{cell(summary[n], n)[:width]:>{width}}' for n in names))

    def ratio_cell(key: str):
        def cell(e: dict, _name) -> str:
            if key not in e:
                return '-'
            return _cell(e[key], 2) + _verdict(e['pass'][key])

        return cell

    def join_cell(e: dict, _name) -> str:
        return _cell(e['join_s']) + _verdict(e.get('pass', {}).get('join'))

    line(f'join {clients:,} clients (s)', f'< {JOIN_TARGET_S:g}', join_cell)
    line('server CPU per join (ms)', '', lambda e, _: _cell(e['join_cpu_ms'], 2))
    line('server CPU per delivery (us)', '', lambda e, _: _cell(e['server_us_per_delivery']))
    line('  ratio to the relay', f'<= {CPU_RATIO_TARGET}', ratio_cell('us_ratio'))
    line('p99 send-to-receive (ms)', '', lambda e, _: _cell(e['p99']))
    line('  ratio to the relay', f'<= {P99_RATIO_TARGET}', ratio_cell('p99_ratio'))
    line('p50 (ms)', '', lambda e, _: _cell(e['p50']))
    line(
        'out of order (total)',
        '0',
        lambda e, _: f'{e["out_of_order"]}' + _verdict(e['pass']['out_of_order'] if 'pass' in e else None),
    )
    line('RSS per client (KiB)', '', lambda e, _: _cell(e['kib_per_client']))
    line('RSS after leaving - idle (KiB)', '', lambda e, _: _cell(e['rss_growth_kib'], 0))
    line(
        'delivered (lowest round)',
        '100 %',
        lambda e, _: f'{100 * e["delivered_min"]:.2f} %' + _verdict(e['pass']['delivered'] if 'pass' in e else None),
    )
    line(
        'stored exactly once',
        'yes',
        lambda e, _: (
            '-'
            if 'persisted_exactly_once' not in e
            else ('yes' if e['persisted_exactly_once'] else 'NO') + _verdict(e['pass']['persisted'])
        ),
    )
    print("(the relay's out-of-order count is in send order across the five senders' sockets and means nothing)")
    print(f"(UNSURE: the rounds' ratios spread over more than {TRUST_SPREAD:g}x, min to max: check `uptime`, rerun)")
