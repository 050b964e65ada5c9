"""``make bench-live``: the live room against the Node reference relay, same Python client, same run.

    python -m bench.live [--mode app|calibrate|relay] [--clients 1000] [--messages 50] [--rate 20] [--procs 3]
                         [--servers 1 [2 4]] [--rounds 5] [--cycles N] [--bare KEY=VALUE,...]...

``app`` (default): the Node relay, then the app as in production (gunicorn -k gevent -w 1, CONSULT_ENV=production,
PostgreSQL ``BENCH_DATABASE_URL`` (reset), Redis ``BENCH_REDIS_URL``) with 1,000 seeded participants of one open
online meeting, once per ``--servers`` count, interleaved round by round; checks every message was persisted
exactly once. ``--cycles N``: N cycles of all clients joining and leaving the app, its workers' RSS after each.
``calibrate``: the Node relay against the bare Flask-SocketIO relay, once per ``--bare`` variant (``BARE_*``
environment knobs of bare_relay.py, plus ``worker=<gunicorn worker class>`` and ``servers=2``). Prints a row per
round and the summary against issue 16's targets (report.py), and writes bench/results/live-<time>.json.
"""

import argparse
import contextlib
import json
import math
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.live import appsetup
from bench.live import cpus
from bench.live import report
from bench.live import servers
from bench.live.driver import Protocol
from bench.live.driver import apply_priority
from bench.live.driver import drive
from bench.live.driver import raise_fd_limit
from bench.live.driver import reset_priority

#: python-engineio keeps a closed socket while its ping task sleeps (the ping interval, 25 s) and while its sweep
#: walks a copy of the sockets it had (up to the ping timeout, 20 s): the RSS after leaving is read after both.
AFTER_PAUSE = 50.0


def _args(argv):
    parser = argparse.ArgumentParser(prog='python -m bench.live')
    parser.add_argument('--mode', choices=['app', 'calibrate', 'relay'], default=os.environ.get('MODE') or 'app')
    parser.add_argument('--clients', type=int, default=1000)
    parser.add_argument('--messages', type=int, default=50)
    parser.add_argument('--rate', type=float, default=20)
    parser.add_argument('--procs', type=int, default=int(os.environ.get('BENCH_PROCS', '3')))
    parser.add_argument('--senders', type=int, default=5, help='message j is sent by client j %% senders')
    parser.add_argument(
        '--servers', type=int, nargs='+', default=[1], help='app process counts sharing the room through Redis'
    )
    parser.add_argument('--no-redis', action='store_true', help='app without the Redis message queue')
    parser.add_argument('--bare', action='append', default=[], help='a bare-relay variant: KEY=VALUE,... (calibrate)')
    parser.add_argument('--relay-dir', default=os.environ.get('BENCH_RELAY_DIR', '../shared/bench'))
    parser.add_argument('--settle', type=float, default=0.0, help='seconds between the last join and the messages')
    parser.add_argument('--drain', type=float, default=5.0)
    parser.add_argument('--warmup', type=int, default=1, help='uncounted rounds first (JIT, caches, pools)')
    parser.add_argument('--rounds', type=int, default=int(os.environ.get('BENCH_ROUNDS', '5')), help='interleaved')
    parser.add_argument('--cycles', type=int, default=0, help='N join-and-leave cycles against the app, RSS after each')
    parser.add_argument(
        '--after-pause',
        type=float,
        default=None,
        help='seconds after the leaves before the RSS after leaving (default: 0; with --cycles, AFTER_PAUSE)',
    )
    args = parser.parse_args(argv)
    if args.after_pause is None:
        args.after_pause = AFTER_PAUSE if args.cycles else 0.0
    return args


class _Marks:
    """The servers' CPU and RSS at the phases of a round: before the joins, all in the room, after leaving."""

    def __init__(self, server_list):
        self.servers = server_list
        self.cpu = {}
        self.rss = {}

    def take(self, phase: str) -> None:
        self.cpu[phase] = sum(s.cpu_seconds() for s in self.servers)
        self.rss[phase] = sum(s.rss_kib() for s in self.servers)

    def probe(self) -> float:
        return sum(s.cpu_seconds() for s in self.servers)


def _measure(label: str, protocol: Protocol, server_list, args, messages: int | None = None) -> dict:
    marks = _Marks(server_list)
    marks.take('idle')
    started = time.monotonic()
    figures = drive(
        protocol,
        args.clients,
        args.messages if messages is None else messages,
        args.rate,
        args.procs,
        args.drain if messages is None else 0.0,
        args.senders,
        cpu_probe=marks.probe,
        settle=args.settle,
        on_ready=lambda: marks.take('in'),
    )
    figures['label'] = label
    figures['wall_s'] = round(time.monotonic() - started, 1)
    figures['server_cpu_s'] = round(marks.probe() - marks.cpu['idle'], 2)
    # the join phase: from before the client processes start to the last client in the room (connect and join)
    figures['join_s'] = figures['connect_ms'] / 1000
    figures['join_cpu_ms'] = round(1000 * (marks.cpu['in'] - marks.cpu['idle']) / max(1, figures['connected']), 2)
    # CPU of the message phase only (joins excluded): what one delivery costs the server
    figures['server_us_per_delivery'] = round(1e6 * figures['server_cpu_messages_s'] / max(1, figures['received']), 1)
    figures['quiesce_after_s'] = servers.quiesce(server_list)  # the leaves handled, before the RSS after leaving
    time.sleep(args.after_pause)  # past the ping interval and timeout: what is held for good, not for a while
    marks.take('after')
    figures['rss_idle_kib'], figures['rss_in_kib'], figures['rss_after_kib'] = (
        marks.rss['idle'],
        marks.rss['in'],
        marks.rss['after'],
    )
    figures['kib_per_client'] = round((marks.rss['in'] - marks.rss['idle']) / max(1, figures['connected']), 1)
    return figures


@dataclass
class Target:
    name: str
    protocol: Protocol
    servers: list
    app: object = None  # the app, for the persistence check


def _variant_env(spec: str) -> tuple[dict, str | None, int]:
    env, worker, count = {}, None, 1
    for item in filter(None, spec.split(',')):
        key, _, value = item.partition('=')
        if key == 'label':
            continue
        if key == 'worker':
            worker = value
        elif key == 'servers':
            count = int(value)
        else:
            env[key] = value
    return env, worker, count


def _bare_targets(args, stack) -> list[Target]:
    targets = []
    for n, spec in enumerate(args.bare or ['']):
        extra, worker, count = _variant_env(spec)
        env = {**os.environ, **extra}
        if count > 1:
            env.setdefault('BARE_QUEUE', appsetup.redis_url())
        procs = [stack.enter_context(servers.bare_relay(env, f'bare-{n}-{k}', worker)) for k in range(count)]
        label = dict(item.partition('=')[::2] for item in spec.split(',')).get('label') or spec or 'default'
        targets.append(Target(f'bare {label}', Protocol('relay', [p.url for p in procs]), procs))
    return targets


@dataclass
class _Seeded:
    """The app's database, seeded once for every process count: environment, app, meeting, forged logins."""

    env: dict
    app: object
    meeting_id: int
    credentials: list


def _seed_app(args) -> _Seeded:
    url, redis = appsetup.database_url(), None if args.no_redis else appsetup.redis_url()
    appsetup.reset_database(url)
    env = appsetup.server_env(url, redis)
    appsetup.migrate(env)
    app = appsetup.make_app(url, redis)
    meeting_id, user_ids = appsetup.seed(app, args.clients)
    from bench.live.auth import forge

    return _Seeded(env, app, meeting_id, forge(app, appsetup.login_sessions(app, user_ids)))


def _app_target(seeded: _Seeded, args, index: int, count: int, stack) -> Target:
    """``count`` app processes on their own queue channel, sharing one process's database pool between them."""
    env = {**seeded.env, 'SOCKETIO_CHANNEL': f'{seeded.env["SOCKETIO_CHANNEL"]}-{index}'}
    if count > 1:
        # PostgreSQL admits 100 connections by default and a process keeps up to pool + overflow (20 + 0) plus the
        # room's autocommit pool (5 + 20): four processes with the production pool would exhaust it
        env['DATABASE_POOL_SIZE'] = str(max(2, seeded.app.config['DATABASE_POOL_SIZE'] // count))
        env['DATABASE_MAX_OVERFLOW'] = str(seeded.app.config['DATABASE_MAX_OVERFLOW'] // count)
        print(f'{count} app processes, database pool {env["DATABASE_POOL_SIZE"]} + {env["DATABASE_MAX_OVERFLOW"]} each')
    procs = [stack.enter_context(servers.app_server(env, f'app-{index}-{k}')) for k in range(count)]
    # other senders per process count: the room's limit is per person (30 messages a minute, bursts of 10)
    offset = index * args.senders * (args.warmup + args.rounds + 1) % len(seeded.credentials)
    credentials = seeded.credentials[offset:] + seeded.credentials[:offset]
    protocol = Protocol('app', [p.url for p in procs], seeded.meeting_id, credentials)
    name = f'app {count} proc{"s" if count > 1 else ""}{", no redis" if args.no_redis else ""}'
    return Target(name, protocol, procs, seeded.app)


def _round(target: Target, args, n: int) -> dict:
    if target.app is not None:
        if n > 1 - args.warmup:  # fresh senders each round: the room's per-person limit is 30 messages a minute
            creds = target.protocol.credentials
            target.protocol.credentials = creds[args.senders :] + creds[: args.senders]
        target.protocol.run_id = f'bench{secrets.token_hex(3)}r{n}'
        target.protocol.last_seq = _check_one(target.protocol)
    figures = _measure(target.name + (' (warm-up)' if n <= 0 else ''), target.protocol, target.servers, args)
    figures['server'] = target.name
    figures['round'] = n
    figures['loadavg'] = os.getloadavg()
    if target.app is not None:
        kept = appsetup.persisted(target.app, target.protocol.room, target.protocol.run_id)
        kept['exactly_once'] = kept['rows'] == kept['distinct_client_ids'] == kept['distinct_seqs'] == args.messages
        figures['persisted'] = kept
    return figures


def _check_one(protocol: Protocol) -> int:
    """One forged client against the real server first (a clear message instead of 1,000 failures); the seq."""
    import asyncio

    import socketio

    async def check():
        client = socketio.AsyncClient(reconnection=False)
        welcome = asyncio.get_running_loop().create_future()
        client.on('welcome', lambda data: welcome.done() or welcome.set_result(data))
        await client.connect(protocol.url(0), **protocol.connect_kwargs(0))
        try:
            await asyncio.wait_for(welcome, 10)
            return (await protocol.join(client))['seq']
        finally:
            await client.disconnect()

    try:
        return asyncio.run(check())
    except Exception as exc:
        raise SystemExit(f'one forged client could not connect and join: {type(exc).__name__}: {exc}') from exc


def _cycles(target: Target, args) -> list[dict]:
    """``--cycles N``: all clients join the app and leave, N times, no messages; the workers' RSS after each."""
    print(f'{args.cycles} cycles of {args.clients:,} joins and leaves against {target.name}, no messages')
    print(
        f'{"cycle":>5} {"join-s":>6} {"ms/join":>7} {"RSS MiB idle":>12} {"in room":>8} {"after":>8} {"growth KiB":>10}'
    )
    target.protocol.last_seq = _check_one(target.protocol)
    servers.quiesce(target.servers)
    start = sum(s.rss_kib() for s in target.servers)
    rows = []
    for cycle in range(1, args.cycles + 1):
        f = _measure(target.name, target.protocol, target.servers, args, messages=0)
        f['cycle'] = cycle
        rows.append(f)
        print(
            f'{cycle:>5} {f["join_s"]:>6.1f} {f["join_cpu_ms"]:>7.1f} {f["rss_idle_kib"] / 1024:>12.1f} '
            f'{f["rss_in_kib"] / 1024:>8.1f} {f["rss_after_kib"] / 1024:>8.1f} {f["rss_after_kib"] - start:>10}',
            flush=True,
        )
        if f['failed_connects']:
            print(f'    failed_connects: {f["failed_connects"][:3]}', flush=True)
    if len(rows) > 1:  # the first cycle also warms the process up (imports, pools, caches): count from its end
        growth = rows[-1]['rss_after_kib'] - rows[0]['rss_after_kib']
        per_join = growth / ((len(rows) - 1) * max(1, rows[-1]['connected']))
        print(
            f'RSS growth from the end of cycle 1 to the end of cycle {len(rows)}: {growth} KiB, '
            f'{growth / (len(rows) - 1):.0f} KiB per cycle, {per_join:.2f} KiB per join and leave'
        )
    return rows


def main(argv=None) -> int:
    args = _args(argv)
    cpus.fix()
    raise_fd_limit(args.clients * 2 + 1024)
    print(f'{args.clients} clients, {args.messages} messages at {args.rate}/s, {args.procs} receiver processes')
    print(cpus.header())
    server_cpus = cpus.chosen('server')
    if args.mode == 'app' and server_cpus and max(args.servers) > len(server_cpus):
        print(f'    note: up to {max(args.servers)} app processes on {len(server_cpus)} server CPU(s): they take turns')
    results, cycles, names = [], [], []
    apply_priority()
    cpus.pin('client')  # the bench's own process (seeding, probes) with the load generator
    with contextlib.ExitStack() as stack:
        stack.callback(reset_priority)
        seeded = _seed_app(args) if args.mode == 'app' else None
        if args.cycles:
            cycles = _cycles(_app_target(seeded, args, 0, args.servers[0], stack), args)
        else:
            relay = stack.enter_context(servers.node_relay(Path(args.relay_dir)))
            relay_target = Target('node relay', Protocol('relay', [relay.url]), [relay])
            names.append(relay_target.name)
            print(report.HEADER)
        if args.mode == 'calibrate':
            bare = _bare_targets(args, stack)
            names += [t.name for t in bare]
            results += _rounds([relay_target, *bare], args)
        elif args.mode == 'relay':
            results += _rounds([relay_target], args)
        for index, count in enumerate(args.servers if args.mode == 'app' and not args.cycles else ()):
            # one process count after the other, each interleaved with the relay: only one count's processes
            # (and database connections) exist at a time
            with contextlib.ExitStack() as count_stack:
                target = _app_target(seeded, args, index, count, count_stack)
                names.append(target.name)
                results += _rounds([relay_target, target], args)
    summary = report.summarise(results, names, args.clients)
    report.print_summary(summary, args.clients)
    out = appsetup.ensure_dir(servers.RESULTS) / f'live-{time.strftime("%Y%m%d-%H%M%S")}.json'
    record = {'args': vars(args), 'cpus': cpus.header(), 'summary': summary, 'runs': results, 'cycles': cycles}
    out.write_text(json.dumps(record, indent=1, default=str))
    print(f'written: {out.relative_to(servers.ROOT)}')
    return 0  # a benchmark measures; like `make bench`, it asserts nothing about time


def _rounds(targets: list[Target], args) -> list[dict]:
    """Warm-up and counted rounds, the targets interleaved in each; the counted rounds' figures."""
    results = []
    for n in range(1 - args.warmup, args.rounds + 1):
        relay_figures = None
        for target in targets:
            waited = servers.quiesce([server for t in targets for server in t.servers])
            if waited > 1:
                print(f'    (waited {waited} s for the servers to go idle)', flush=True)
            figures = _round(target, args, n)
            figures['quiesce_s'] = waited
            if relay_figures is None:
                relay_figures = figures
            else:  # this round's ratios to the relay's round just before
                for ratio, key in (('p99_ratio', 'p99'), ('us_ratio', 'server_us_per_delivery')):
                    figures[ratio] = round(figures[key] / (relay_figures[key] or math.nan), 3)
            report.print_row(figures)
            if n > 0:
                results.append(figures)
    return results


if __name__ == '__main__':
    sys.exit(main())
