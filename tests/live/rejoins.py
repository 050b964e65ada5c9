"""A busy chat while clients leave and join the room again: what each re-joining socket was sent, counted.

People who may chat post a message about every ``PACE`` seconds each (the rooms' pace limit refuses some, which
is fine); meanwhile re-joining clients (python-socketio, one socket each for the whole run) leave the room,
wait for the answer, and join again with the last sequence number they hold without a gap, as the page
does (``static/js/meeting.js``). Each records every ``meeting:message`` and every message of a join's or
replay's answer. At the end a socket must hold every message from its first join on, each exactly once.
"""

import random
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

from tests.live.conftest import login

#: Demo accounts that may enter the demo meeting's room; those who may chat there chat (``rights.chat``).
CANDIDATES = [f'138000000{n:02d}' for n in range(1, 12)]
DEMO_MEETING = '垃圾分类投放点调整议事会'
PACE = 0.3


def meeting_id(server) -> int:
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT id FROM meetings WHERE status = 'open' AND title = :t"), {'t': DEMO_MEETING}
            ).scalar_one()
    finally:
        engine.dispose()


@dataclass
class Rejoiner:
    """One socket that leaves and joins again; ``got`` is every sequence number it was sent, repeats included."""

    recorder: object
    meeting: int
    got: list = field(default_factory=list)
    first: int = 0
    rejoins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def heard(self, message) -> None:
        with self.lock:
            self.got.append(message['seq'])

    def contiguous(self) -> int:
        """The last number held without a gap since the first join (what the page sends as ``last_seq``)."""
        with self.lock:
            held = set(self.got)
        seq = self.first
        while seq + 1 in held:
            seq += 1
        return seq

    def heard_since(self) -> int:
        """How many numbers past its first join this socket has been sent (the chat's progress)."""
        with self.lock:
            return max(self.got, default=self.first) - self.first

    def join(self, last_seq: int) -> dict:
        while True:
            ack = self.recorder.client.call('meeting:join', {'meeting': self.meeting, 'last_seq': last_seq}, timeout=20)
            if ack.get('code') != 'rate_limited':
                break
            time.sleep(0.2)
        assert ack['ok'], ack
        with self.lock:
            self.got.extend(m['seq'] for m in ack['missed'])
        while ack['more']:
            ack = self.recorder.client.call(
                'meeting:replay', {'meeting': self.meeting, 'after': self.contiguous()}, timeout=20
            )
            assert ack['ok'], ack
            with self.lock:
                self.got.extend(m['seq'] for m in ack['missed'])
        return ack

    def rejoin(self) -> None:
        assert self.recorder.client.call('meeting:leave', {'meeting': self.meeting}, timeout=20)['ok']
        self.join(self.contiguous())
        self.rejoins += 1


def _socket(server, sockets, mobile):
    http, token = login(server, mobile)
    recorder = sockets(http)
    recorder.connect(server, auth={'csrf_token': token})
    recorder.wait_for('welcome')
    return recorder


def churn(
    servers, sockets, rejoiners: int = 4, rejoins: int = 100, seconds: float = 40, messages: int = 60
) -> tuple[list, int]:
    """Run the chat and the re-joins on ``servers`` (round robin); return the re-joiners and the last number.

    Each re-joiner goes on until it has re-joined its share of ``rejoins`` times *and* the room has stored
    ``messages`` since its first join (on a fast machine the re-joins alone can be over before the chat is).
    """
    meeting = meeting_id(servers[0])
    chatters = []
    for n, mobile in enumerate(CANDIDATES):
        recorder = _socket(servers[n % len(servers)], sockets, mobile)
        ack = recorder.client.call('meeting:join', {'meeting': meeting, 'last_seq': 0}, timeout=20)
        if ack['ok'] and ack['rights']['chat']:
            chatters.append(recorder)
    assert len(chatters) >= 6, f'only {len(chatters)} demo accounts may chat in the room'
    chatters = chatters[:6]

    others = []
    for n in range(rejoiners):
        server = servers[(n + 1) % len(servers)]
        recorder = _socket(server, sockets, CANDIDATES[n])
        rejoiner = Rejoiner(recorder, meeting)
        recorder.client.on('meeting:message', rejoiner.heard)
        rejoiner.first = rejoiner.join(0)['seq']  # from here on, everything must come, once
        with rejoiner.lock:
            rejoiner.got = [seq for seq in rejoiner.got if seq > rejoiner.first]
        others.append(rejoiner)

    stop = threading.Event()
    errors = []

    def chat(recorder, n):
        count = 0
        while not stop.is_set():
            count += 1
            try:
                recorder.client.call(
                    'meeting:say', {'meeting': meeting, 'body': f'忙碌 {n}-{count}', 'client_id': f'busy-{n}-{count}'}
                )
            except Exception:
                errors.append(traceback.format_exc())
                return
            stop.wait(PACE * random.uniform(0.5, 1.5))

    def rejoin_loop(rejoiner):
        try:
            while not stop.is_set() and (rejoiner.rejoins < rejoins // rejoiners or rejoiner.heard_since() < messages):
                rejoiner.rejoin()
                time.sleep(random.uniform(0.02, 0.12))
        except Exception:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=chat, args=(c, n), daemon=True) for n, c in enumerate(chatters)]
    loops = [threading.Thread(target=rejoin_loop, args=(r,), daemon=True) for r in others]
    for thread in threads + loops:
        thread.start()
    for thread in loops:
        thread.join(timeout=seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    assert not errors, errors
    engine = sa.create_engine(servers[0].database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            last = conn.execute(sa.text('SELECT last_seq FROM meetings WHERE id = :m'), {'m': meeting}).scalar_one()
    finally:
        engine.dispose()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(r.contiguous() < last for r in others):
        time.sleep(0.1)
    return others, last


def duplicates_and_holes(rejoiner: Rejoiner, last: int) -> tuple[dict, list]:
    with rejoiner.lock:
        counts = Counter(rejoiner.got)
    repeated = {seq: n for seq, n in counts.items() if n > 1}
    holes = [seq for seq in range(rejoiner.first + 1, last + 1) if seq not in counts]
    return repeated, holes
