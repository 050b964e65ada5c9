"""The load: N python-socketio ``AsyncClient``s in one room, one sender, split over several processes.

The same code drives every server; a :class:`Protocol` says which events to use. Clients 0..S-1 are the senders (in
their own process, they receive too); the others are spread over ``procs`` receiver processes, because one Python
process saturates around 10-15k received messages/s and 1,000 clients x 20 msgs/s is 20k/s.

Connections are opened in batches of ``BATCH`` across all processes (a shared lock), each client joins the room
(acknowledged) before it counts as connected. Latency is receive time minus the send time embedded in the
payload, both ``time.time_ns()`` on the same machine.
"""

import asyncio
import contextlib
import gc
import math
import multiprocessing as mp
import os
import re
import resource
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from bench.live import cpus

BATCH = 50
#: The client processes' event loop: 'uvloop' (about twice the messages per CPU-second) or 'asyncio'.
LOOP = os.environ.get('BENCH_LOOP', 'uvloop')
LEAN = os.environ.get('BENCH_LEAN', '1') == '1'
#: Freeze each client process's objects out of the garbage collector once its clients are in the room.
FREEZE = os.environ.get('BENCH_CLIENT_FREEZE', '1') == '1'
CONNECT_TIMEOUT = 30
_BODY_T = re.compile(r'bench t=(\d+) j=(\d+)')


@dataclass
class Protocol:
    """How one kind of server is spoken to. ``kind`` is 'relay' (Node or bare relay) or 'app' (the live room)."""

    kind: str
    urls: list[str]
    room: object = 'r1'  # the relay's room name, or the meeting id
    #: Per client: (headers, auth) for the app; empty for the relays.
    credentials: list = field(default_factory=list)
    run_id: str = ''
    #: The last sequence number the clients have seen (the app's join sends it; 0 on the first round).
    last_seq: int = 0

    def url(self, index: int) -> str:
        return self.urls[index % len(self.urls)]

    def connect_kwargs(self, index: int) -> dict:
        kwargs = {'transports': ['websocket'], 'wait_timeout': CONNECT_TIMEOUT}
        if self.credentials:
            headers, auth = self.credentials[index]
            # a copy: python-engineio moves the Cookie header into its cookie jar and deletes it from the dict
            kwargs.update(headers=dict(headers), auth=auth)
        return kwargs

    @property
    def receive_event(self) -> str:
        return 'said' if self.kind == 'relay' else 'meeting:message'

    async def join(self, client):
        if self.kind == 'relay':
            answer = await client.call('join', self.room, timeout=CONNECT_TIMEOUT)
            if answer != 'ok':
                raise RuntimeError(f'join answered {answer!r}')
            return answer
        answer = await client.call(
            'meeting:join', {'meeting': self.room, 'last_seq': self.last_seq}, timeout=CONNECT_TIMEOUT
        )
        if not (isinstance(answer, dict) and answer.get('ok')):
            raise RuntimeError(f'meeting:join answered {answer!r}')
        return answer

    def say(self, j: int) -> tuple[str, dict]:
        now = time.time_ns()
        if self.kind == 'relay':
            return 'say', {'room': self.room, 't': now, 'j': j}
        body = f'bench t={now} j={j}'
        return 'meeting:say', {'meeting': self.room, 'body': body, 'client_id': f'{self.run_id}-{j}'}

    def stamp(self, payload) -> tuple[int, int, int]:
        """(send time ns, message index, order key) of a received payload; the room orders by ``seq``."""
        if self.kind == 'relay':
            return payload['t'], payload['j'], payload['j']
        match = _BODY_T.search(payload['body'])
        return int(match.group(1)), int(match.group(2)), payload['seq']


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard == resource.RLIM_INFINITY else max(soft, min(hard, needed))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class _Receivers:
    """The clients of one process and what they received."""

    def __init__(self, protocol: Protocol, indices: list[int]):
        import socketio

        self.protocol = protocol
        self.indices = indices
        self.latencies: list[float] = []  # ms
        self.seen: dict[int, set] = {i: set() for i in indices}
        self.duplicates = 0
        self.out_of_order = 0
        self.errors: list = []
        self.failed_connects: list[str] = []
        self.acks: list = []
        self.clients = {}
        self.cpu_ready = 0.0  # CPU seconds spent connecting, set when all are in the room
        self.by_message: dict[int, list[float]] = {}
        self.ack_ms: list[float] = []  # the senders': emit to acknowledgement
        self.others: dict[str, int] = {}  # other events received after everyone joined, by name
        self.counting = False
        self.disconnects: dict[str, int] = {}  # while counting, by reason
        self.gc_pauses: list[float] = []  # ms, collections over 5 ms while counting
        self._gc_began = 0.0
        gc.callbacks.append(self._collected)
        for i in indices:
            client = socketio.AsyncClient(reconnection=False, request_timeout=CONNECT_TIMEOUT)
            client.on(protocol.receive_event, self._handler(i))
            client.on('error', lambda data: self.errors.append(data))
            client.on('*', self._other)
            client.on('disconnect', self._disconnected)
            self.clients[i] = client

    def _collected(self, phase, _info) -> None:
        if phase == 'start':
            self._gc_began = time.perf_counter()
        elif self.counting and (ms := (time.perf_counter() - self._gc_began) * 1000) > 5:
            self.gc_pauses.append(round(ms, 1))

    def _disconnected(self, reason=None) -> None:
        if self.counting:
            self.disconnects[str(reason)] = self.disconnects.get(str(reason), 0) + 1

    def _other(self, event, *_args) -> None:
        if self.counting:
            self.others[event] = self.others.get(event, 0) + 1

    def _handler(self, index: int):
        seen = self.seen[index]
        last = [-1]

        def on_message(payload):
            now = time.time_ns()
            sent, j, order = self.protocol.stamp(payload)
            self.latencies.append((now - sent) / 1e6)
            self.by_message.setdefault(j, []).append((now - sent) / 1e6)
            if j in seen:
                self.duplicates += 1
            seen.add(j)
            if order < last[0]:
                self.out_of_order += 1
            last[0] = max(last[0], order)

        return on_message

    async def _connect_one(self, index: int) -> None:
        client = self.clients[index]

        async def connect_and_join():
            await client.connect(self.protocol.url(index), **self.protocol.connect_kwargs(index))
            await self.protocol.join(client)

        try:
            # aiohttp waits forever for a handshake a full server never answers (gunicorn's worker_connections)
            await asyncio.wait_for(connect_and_join(), 2 * CONNECT_TIMEOUT)
        except Exception as exc:  # a failed client is a figure, not a crash
            self.failed_connects.append(f'{index}: {type(exc).__name__}: {exc}'[:300])

    async def connect_all(self, lock) -> tuple[int, int]:
        start = time.time_ns()
        for at in range(0, len(self.indices), BATCH):
            batch = self.indices[at : at + BATCH]
            await asyncio.get_running_loop().run_in_executor(None, lock.acquire)
            try:
                await asyncio.gather(*(self._connect_one(i) for i in batch))
            finally:
                lock.release()
        if FREEZE:
            # Everything the connections built is long-lived: out of the collector, so that a full collection
            # during the messages does not walk it (50-90 ms pauses in a process of 333 clients otherwise).
            gc.collect()
            gc.freeze()
        self.cpu_ready = time.process_time()
        self.counting = True
        return start, time.time_ns()

    async def disconnect_all(self) -> None:
        async def one(client):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.disconnect(), 5)

        await asyncio.gather(*(one(c) for c in self.clients.values()))

    def result(self, connect_span) -> dict:
        return {
            'cpu_s': time.process_time() - self.cpu_ready,
            'clients': len(self.indices),
            'connect_span': connect_span,
            'failed_connects': self.failed_connects,
            'latencies': self.latencies,
            'received': sum(len(s) for s in self.seen.values()),
            'disconnected': sum(not client.connected for client in self.clients.values()),
            'disconnects': self.disconnects,
            'counts': [len(s) for s in self.seen.values()],
            'duplicates': self.duplicates,
            'out_of_order': self.out_of_order,
            'errors': self.errors[:20],
            'error_count': len(self.errors),
            'acks': self.acks,
            'others': self.others,
            'by_message': self.by_message,
            'ack_ms': self.ack_ms,
            'gc_pauses': self.gc_pauses,
        }


def _count_by(values) -> dict[int, int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


async def _wait(event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.02)


async def _receiver_main(protocol, indices, lock, ready_q, stop, result_q) -> None:
    receivers = _Receivers(protocol, indices)
    span = await receivers.connect_all(lock)
    ready_q.put(('ready', len(indices)))
    await _wait(stop)
    result = receivers.result(span)
    await receivers.disconnect_all()
    result_q.put(result)


async def _sender_main(protocol, senders, lock, ready_q, go, stop, result_q, messages, rate) -> None:
    receivers = _Receivers(protocol, list(range(senders)))
    span = await receivers.connect_all(lock)
    ready_q.put(('ready', senders))
    await _wait(go)
    start = time.monotonic()
    connected = [c for c in receivers.clients.values() if c.connected] or list(receivers.clients.values())
    for j in range(messages):
        await asyncio.sleep(max(0.0, start + j / rate - time.monotonic()))
        client = connected[j % len(connected)]
        event, payload = protocol.say(j)
        if protocol.kind == 'app':
            sent = time.time_ns()

            def on_ack(*answer, sent=sent):
                receivers.acks.append(answer)
                receivers.ack_ms.append(round((time.time_ns() - sent) / 1e6, 1))

            await client.emit(event, payload, callback=on_ack)
        else:
            await client.emit(event, payload)
    ready_q.put(('sent', messages))
    await _wait(stop)
    result = receivers.result(span)
    await receivers.disconnect_all()
    result_q.put(result)


def _lean_dispatch() -> None:
    """Run each received message's handler in the read loop instead of a new asyncio task per message.

    python-engineio's AsyncClient dispatches every MESSAGE packet with ``run_async=True`` (one task each); at
    20k messages/s on two cores that client overhead, not the server, set the latencies. Applied to every
    client process, whatever the server, so the comparison stays like for like. ``BENCH_LEAN=0`` turns it off.
    """
    from engineio.async_client import AsyncClient

    original = AsyncClient._trigger_event

    async def trigger_event(self, event, *args, **kwargs):
        if event == 'message':
            kwargs['run_async'] = False
        return await original(self, event, *args, **kwargs)

    AsyncClient._trigger_event = trigger_event


#: The client processes' niceness (``BENCH_CLIENT_NICE``, default 5; empty: as the servers). See README.md.
CLIENT_NICE = os.environ.get('BENCH_CLIENT_NICE', '5')


def apply_priority() -> None:
    """``BENCH_NICE`` (e.g. -10, needs root): the same scheduling priority for every bench process, so other
    work on a shared machine disturbs the servers and clients less. Unset: unchanged."""
    if os.environ.get('BENCH_NICE'):
        nice = int(os.environ['BENCH_NICE'])
        os.setpriority(os.PRIO_PROCESS, 0, nice)
        # With autogroup scheduling (Linux default), nice only counts inside a session's group: set the group's.
        with contextlib.suppress(OSError):
            Path('/proc/self/autogroup').write_text(str(nice))


def reset_priority() -> None:
    """Give the session's scheduling group its normal weight back once the bench is over."""
    if os.environ.get('BENCH_NICE'):
        with contextlib.suppress(OSError):
            Path('/proc/self/autogroup').write_text('0')


def _run(coro_fn, *args) -> None:
    raise_fd_limit(4096)
    apply_priority()
    cpus.pin('client')
    if CLIENT_NICE:
        # The clients below the servers: on a box the clients saturate, measure the server, not the queue
        # of client work (applies to every server alike).
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), int(CLIENT_NICE)))
    if LEAN:
        _lean_dispatch()
    if LOOP == 'uvloop':
        import uvloop

        uvloop.run(coro_fn(*args))
    else:
        asyncio.run(coro_fn(*args))


def _percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return float('nan')
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def drive(
    protocol: Protocol,
    clients: int,
    messages: int,
    rate: float,
    procs: int,
    drain: float = 5.0,
    senders: int = 1,
    cpu_probe=None,
    settle: float = 0.0,
    on_ready=None,
) -> dict:
    """Run the fan-out once; return the figures (latencies in ms).

    Clients ``0..senders-1`` (one process) send message ``j`` from client ``j % senders``: the live room limits
    each person to a burst of 10 messages, so 50 messages at 20/s take 5 senders. They receive too.
    ``on_ready()`` is called once every client is in the room, before ``settle`` and the messages.
    """
    ctx = mp.get_context('spawn')
    lock, ready_q, result_q = ctx.Lock(), ctx.Queue(), ctx.Queue()
    go, stop = ctx.Event(), ctx.Event()
    shares = [list(range(senders + k, clients, procs)) for k in range(procs)]
    shares = [s for s in shares if s]
    workers = [
        ctx.Process(target=_run, args=(_receiver_main, protocol, s, lock, ready_q, stop, result_q)) for s in shares
    ]
    workers.append(
        ctx.Process(
            target=_run, args=(_sender_main, protocol, senders, lock, ready_q, go, stop, result_q, messages, rate)
        )
    )
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            ready_q.get(timeout=600)
        if on_ready:
            on_ready()
        time.sleep(settle)  # let the server finish what the joins started before the first message
        cpu_go = cpu_probe() if cpu_probe else 0.0
        go.set()
        ready_q.get(timeout=messages / rate + 60)
        time.sleep(drain)
        cpu_messages = (cpu_probe() - cpu_go) if cpu_probe else float('nan')
        stop.set()
        parts = [result_q.get(timeout=120) for _ in workers]
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    latencies = sorted(x for part in parts for x in part['latencies'])
    by_message = {}
    for part in parts:
        for j, values in part['by_message'].items():
            by_message.setdefault(j, []).extend(values)
    # the worst latency of each message, in sending order: a backlog shows as a falling curve
    max_by_message = [round(max(by_message.get(j, [math.nan])), 1) for j in range(messages)]
    connected = clients - sum(len(p['failed_connects']) for p in parts)
    received = sum(p['received'] for p in parts)
    acks = [a for p in parts for a in p['acks']]
    return {
        'clients': clients,
        'connected': connected,
        'messages': messages,
        'rate': rate,
        'procs': len(shares),
        'connect_ms': round(
            (max(p['connect_span'][1] for p in parts) - min(p['connect_span'][0] for p in parts)) / 1e6
        ),
        'delivered': received / max(1, clients * messages),
        'received': received,
        'duplicates': sum(p['duplicates'] for p in parts),
        'out_of_order': sum(p['out_of_order'] for p in parts),
        'disconnected': sum(p['disconnected'] for p in parts),
        'disconnect_reasons': _count_by(r for p in parts for r, n in p['disconnects'].items() for _ in range(n)),
        # clients that missed something: {messages received: clients}
        'short': _count_by(n for p in parts for n in p['counts'] if n < messages),
        'p50': _percentile(latencies, 0.50),
        'p95': _percentile(latencies, 0.95),
        'p99': _percentile(latencies, 0.99),
        'max': latencies[-1] if latencies else float('nan'),
        'failed_connects': [f for p in parts for f in p['failed_connects']][:10],
        'error_count': sum(p['error_count'] for p in parts),
        'errors': [e for p in parts for e in p['errors']][:10],
        'server_cpu_messages_s': round(cpu_messages, 2),
        'other_events': {
            name: sum(p['others'].get(name, 0) for p in parts) for name in {n for p in parts for n in p['others']}
        },
        'max_by_message': max_by_message,
        'ack_ms': [a for p in parts for a in p['ack_ms']],
        'client_cpu_s': round(sum(p['cpu_s'] for p in parts), 1),
        # the client processes' garbage collections over 5 ms while counting: a pause there is latency too
        'client_gc_ms': sorted((x for p in parts for x in p['gc_pauses']), reverse=True),
        'acks_ok': sum(1 for a in acks if a and isinstance(a[0], dict) and a[0].get('ok')),
        'acks': acks[:3],
    }
