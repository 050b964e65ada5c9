"""Run every ``bench/bench_*.py`` in turn and print their figures (``make bench``).

Benchmarks measure; they are not tests and assert nothing about time. Set ``BENCH_DATABASE_URL`` to a
PostgreSQL URL to measure there too (that database is emptied and rebuilt: point it at a scratch database).
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob('bench_*.py')):
        print(f'== {script.name}', flush=True)
        failures += subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False).returncode != 0
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
