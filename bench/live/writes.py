"""Server CPU per stored room message: ``seats.write``, the one statement that numbers and stores it.

    .venv/bin/python -m bench.live.writes [N]

On the bench's PostgreSQL database (``BENCH_DATABASE_URL``, recreated: scratch only), an open meeting with a few
people on its roster; N messages (default 2,000) written one after another through the production path (the
autocommit pool), after 50 uncounted. Prints CPU and wall time per message. The message's share of
``make bench-live``'s CPU per delivery is this figure divided by the room's size.
"""

import sys
import time


def main(argv: list[str]) -> None:
    from bench.live import appsetup
    from bench.live.seed import seed

    count = int(argv[0]) if argv else 2000
    url = appsetup.database_url()
    appsetup.reset_database(url)
    appsetup.migrate(appsetup.server_env(url, None))
    app = appsetup.make_app(url, None)
    meeting_id, user_ids = seed(app, 10)
    with app.app_context():
        from consult.kernel.clock import utcnow
        from consult.meetings import seats

        seat = seats.Seat(meeting_id=meeting_id, user_id=user_ids[0], name='', badge='', chats_by_right=True)
        for n in range(50):
            seats.write(seat, 'warm-up', f'warm-{n}', utcnow())
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(count):
            seq, committed = seats.write(seat, '这是一条基准测试消息', f'bench-{n}', utcnow())
            if seq is None or not committed:
                raise SystemExit(f'message {n} was not stored: {seq!r}, {committed!r}')
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f'{count} messages stored: {1000 * cpu / count:.3f} ms of CPU, {1000 * wall / count:.3f} ms wall each')


if __name__ == '__main__':
    main(sys.argv[1:])
