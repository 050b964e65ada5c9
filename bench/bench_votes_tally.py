"""The ranked count: 100,000 random ballots over 10 options, counted by instant runoff.

Each ballot ranks a random number (1 to 10) of options in random order, from a fixed random seed, so
nearly every ballot is distinct and grouping saves little: this is the runoff's worst case at this size.
Prints the median and slowest of several counts and the number of rounds; exits 1 if the median takes
over 1 s (target: under 0.5 s in CPython). Run alone with ``python -m bench.bench_votes_tally``.
"""

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult.votes.counting import tally  # noqa: E402

BALLOTS = 100_000
OPTIONS = 10
REPEAT = 5
LIMIT = 1.0


def _ballots() -> list[tuple[tuple[int, ...], int]]:
    rng = random.Random(2026)
    options = range(OPTIONS)
    return [(tuple(rng.sample(options, rng.randint(1, OPTIONS))), 1) for _ in range(BALLOTS)]


def main() -> int:
    ballots = _ballots()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = tally('ranked', OPTIONS, ballots, seed=b'bench')
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f'ranked tally, {BALLOTS:,} ballots over {OPTIONS} options: median {median * 1000:.0f} ms, '
        f'slowest {max(times) * 1000:.0f} ms, {len(result.rounds)} rounds, '
        f'winner option {result.winner}, {result.rounds[-1].exhausted:,} ballots exhausted'
    )
    if median > LIMIT:
        print(f'FAIL: over {LIMIT:.0f} s')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
