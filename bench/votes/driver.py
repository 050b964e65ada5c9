"""The voters: client processes that cast every ballot at once, half through the socket and half through HTTP.

Each voter has a plan (:class:`Voter`): the path of its ballot, its choice, and whether it also sends a duplicate
at the same moment (a second tab): a socket voter's duplicate is an HTTP POST, an HTTP voter's a second POST.
Exactly one of the two must be counted and the other refused with ``already_voted``.

Before the start, every socket voter connects (python-socketio ``AsyncClient``, websocket only, its forged session
cookie and the signed CSRF token in ``auth``, as the page sends them), in batches of ``BATCH`` across all the
processes; the HTTP voters need nothing beforehand. On ``go``, each process starts all its attempts at once:
``vote:cast {vote, choice}`` with an acknowledgement, or ``POST /votes/<id>/cast`` with ``Accept:
application/json`` and the ``X-CSRFToken`` header (what ``static/js/site.js`` sends with every fetch), each HTTP
request on its own connection, at most ``--http-limit`` of them open per process (README.md, "HTTP"). A voter
answered "temporarily unavailable", or whose HTTP connection closed before any answer, presses again
(``RETRYABLE``), as the vote page lets them. Every attempt records its first send and its last answer
(``time.time_ns()``, one clock for every process) and that answer: the receipt code, or the refusal's code.
"""

import asyncio
import contextlib
import functools
import gc
import multiprocessing as mp
import os
import time
from collections import Counter
from dataclasses import dataclass

from bench.live.driver import CLIENT_NICE
from bench.live.driver import apply_priority
from bench.live.driver import raise_fd_limit

BATCH = 50
CONNECT_TIMEOUT = 30
#: How long an attempt may wait for its answer before it counts as lost (a page would wait on).
ANSWER_TIMEOUT = 600
#: Answers after which a voter presses again: the server's "temporarily unavailable" (a pooled connection not
#: free within SQLAlchemy's 30 s), and an HTTP connection closed before any answer (gunicorn's read timeout).
RETRYABLE = frozenset({'unavailable', 'http 503', 'http ServerDisconnectedError', 'http ClientOSError'})
RETRIES = 5
RETRY_PAUSE = 1.0


@dataclass
class Voter:
    index: int
    path: str  # 'socket' or 'http'
    choice: int
    duplicate: bool
    headers: dict  # Cookie and User-Agent (bench/live/auth.py)
    token: str  # the signed CSRF token, as in the page's <meta name="csrf-token">


def plan(credentials: list[tuple[dict, dict]], options: int, duplicates: float, paths: str = 'both') -> list[Voter]:
    """Even voters vote through the socket, odd ones through HTTP (``paths``: ``both``, or only ``socket`` or
    ``http``); every ``1/duplicates``-th pair also sends a duplicate (so both paths have them)."""
    every = max(1, round(1 / duplicates)) if duplicates > 0 else 0
    return [
        Voter(
            index=k,
            path=paths if paths != 'both' else ('socket' if k % 2 == 0 else 'http'),
            choice=k % options,
            duplicate=bool(every) and (k // 2) % every == 0,
            headers=headers,
            token=auth['csrf_token'],
        )
        for k, (headers, auth) in enumerate(credentials)
    ]


class _Process:
    """The voters of one client process, their sockets and what they were answered."""

    def __init__(self, url: str, vote_id: int, voters: list[Voter], http_limit: int):
        self.url, self.vote_id, self.voters, self.http_limit = url, vote_id, voters, http_limit
        self.sockets = {}
        self.failed_connects: list[str] = []
        #: (voter, path, sent ns, answered ns, counted, receipt or refusal code, times pressed again)
        self.attempts: list[tuple] = []
        self.retries: list[str] = []  # why each attempt was pressed again
        self.disconnects: list[str] = []  # sockets that dropped before the end (voter: reason)
        self.errors: list[str] = []  # the first few HTTP client errors, in full

    async def _connect(self, voter: Voter) -> None:
        import socketio

        client = socketio.AsyncClient(reconnection=False, request_timeout=ANSWER_TIMEOUT)
        client.on('error', lambda *_args: None)  # a refusal's error event; the acknowledgement says it too
        client.on('disconnect', lambda reason=None: self.disconnects.append(f'{voter.index}: {reason}'))
        try:
            # a copy: python-engineio moves the Cookie header into its jar and deletes it from the dict it is given
            await asyncio.wait_for(
                client.connect(
                    self.url,
                    headers=dict(voter.headers),
                    auth={'csrf_token': voter.token},
                    transports=['websocket'],
                    wait_timeout=CONNECT_TIMEOUT,
                ),
                2 * CONNECT_TIMEOUT,
            )
            self.sockets[voter.index] = client
        except Exception as exc:  # a failed voter is a figure, not a crash
            self.failed_connects.append(f'{voter.index}: {type(exc).__name__}: {exc}'[:300])

    async def connect_all(self, lock) -> None:
        socket_voters = [v for v in self.voters if v.path == 'socket']
        for at in range(0, len(socket_voters), BATCH):
            await asyncio.get_running_loop().run_in_executor(None, lock.acquire)
            try:
                await asyncio.gather(*(self._connect(v) for v in socket_voters[at : at + BATCH]))
            finally:
                lock.release()

    async def _socket_once(self, voter: Voter) -> tuple[bool, str]:
        client = self.sockets.get(voter.index)
        if client is None or not client.connected:
            return False, 'not_connected'
        try:
            answer = await client.call(
                'vote:cast', {'vote': self.vote_id, 'choice': [voter.choice]}, timeout=ANSWER_TIMEOUT
            )
        except Exception as exc:
            return False, type(exc).__name__
        ok = isinstance(answer, dict) and bool(answer.get('ok'))
        return ok, answer.get('receipt') if ok else (answer.get('code') if isinstance(answer, dict) else repr(answer))

    async def _http_once(self, session, voter: Voter) -> tuple[bool, str]:
        headers = {
            **voter.headers,
            'Accept': 'application/json',
            'Accept-Language': 'en',
            'X-CSRFToken': voter.token,
        }
        try:
            async with session.post(
                f'{self.url}/votes/{self.vote_id}/cast', data={'choice': str(voter.choice)}, headers=headers
            ) as response:
                body = await response.json(content_type=None) if response.status in (200, 409) else None
                status = response.status
        except Exception as exc:
            body, status = None, type(exc).__name__
            if len(self.errors) < 5:
                self.errors.append(f'{type(exc).__name__}: {exc}'[:300])
        ok = isinstance(body, dict) and bool(body.get('ok'))
        return ok, body.get('receipt') if ok else (body.get('code') if isinstance(body, dict) else f'http {status}')

    async def _attempt(self, path: str, voter: Voter, once) -> None:
        """One voter's attempt on one path; pressed again (up to ``RETRIES`` times, ``RETRY_PAUSE`` apart) while the
        answer says to try again, as the vote page lets a voter do. Latency: first send to the last answer."""
        sent, tries = time.time_ns(), 0
        while True:
            ok, what = await once()
            if ok or what not in RETRYABLE or tries == RETRIES:
                break
            tries += 1
            self.retries.append(what)
            await asyncio.sleep(RETRY_PAUSE)
        self.attempts.append((voter.index, path, sent, time.time_ns(), ok, what, tries))

    async def cast_all(self) -> None:
        import aiohttp

        # a connection per request (one per voter), at most ``http_limit`` at once: see README.md, "HTTP"
        connector = aiohttp.TCPConnector(limit=self.http_limit, limit_per_host=self.http_limit, force_close=True)
        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT)
        async with aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout
        ) as session:
            attempts = []
            for voter in self.voters:
                by_http = functools.partial(self._http_once, session, voter)
                if voter.path == 'socket':
                    attempts.append(self._attempt('socket', voter, functools.partial(self._socket_once, voter)))
                else:
                    attempts.append(self._attempt('http', voter, by_http))
                if voter.duplicate:
                    attempts.append(self._attempt('http', voter, by_http))
            await asyncio.gather(*attempts)

    async def disconnect_all(self) -> None:
        async def one(client):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.disconnect(), 5)

        await asyncio.gather(*(one(c) for c in self.sockets.values()))


async def _wait(event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.005)


async def _process_main(url, vote_id, voters, http_limit, lock, ready_q, go, result_q) -> None:
    process = _Process(url, vote_id, voters, http_limit)
    await process.connect_all(lock)
    # everything the connections built is long-lived: out of the collector (bench/live/README.md, "pauses")
    gc.collect()
    gc.freeze()
    ready_q.put(('ready', len(process.sockets)))
    await _wait(go)
    cpu = time.process_time()
    await process.cast_all()
    cpu = time.process_time() - cpu
    result_q.put(
        {
            'attempts': process.attempts,
            'failed_connects': process.failed_connects,
            'errors': process.errors,
            'retries': process.retries,
            'disconnects': list(process.disconnects),
            'cpu_s': round(cpu, 2),
        }
    )
    await process.disconnect_all()


def _run(*args) -> None:
    raise_fd_limit(16384)
    apply_priority()
    if CLIENT_NICE:  # the clients below the server, as in bench/live (README: "Clients below the servers")
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), int(CLIENT_NICE)))
    if os.environ.get('BENCH_LOOP', 'uvloop') == 'uvloop':
        import uvloop

        uvloop.run(_process_main(*args))
    else:
        asyncio.run(_process_main(*args))


def cast(urls: list[str], vote_id: int, voters: list[Voter], procs: int, http_limit: int = 0, on_go=None) -> dict:
    """Connect the socket voters, then cast every ballot at once; the attempts and the client figures.

    ``on_go`` is called just before the start (the caller's CPU counters) and returns what it measured once
    every answer is in (its result is ``figures['measured']``).
    """
    ctx = mp.get_context('spawn')
    lock, ready_q, result_q, go = ctx.Lock(), ctx.Queue(), ctx.Queue(), ctx.Event()
    shares = [voters[k::procs] for k in range(procs)]
    workers = [
        ctx.Process(target=_run, args=(urls[k % len(urls)], vote_id, share, http_limit, lock, ready_q, go, result_q))
        for k, share in enumerate(shares)
        if share
    ]
    connect_started = time.monotonic()
    for worker in workers:
        worker.start()
    try:
        connected = sum(ready_q.get(timeout=900)[1] for _ in workers)
        connect_s = time.monotonic() - connect_started
        finish = on_go() if on_go else None
        go.set()
        parts = [result_q.get(timeout=2 * ANSWER_TIMEOUT + 120) for _ in workers]
        measured = finish() if finish else None
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    return {
        'connected_sockets': connected,
        'connect_s': round(connect_s, 1),
        'failed_connects': [f for p in parts for f in p['failed_connects']][:10],
        'errors': [e for p in parts for e in p['errors']][:10],
        'retries': dict(Counter(r for p in parts for r in p['retries'])),
        'disconnects': [d for p in parts for d in p['disconnects']][:20],
        'attempts': [a for p in parts for a in p['attempts']],
        'client_cpu_s': round(sum(p['cpu_s'] for p in parts), 2),
        'measured': measured,
    }
