"""Helpers shared by fixtures, live-server tests and benchmarks."""

import os
from functools import cache
from pathlib import Path

import sqlalchemy as sa

PASSWORD = 'correct-horse-9'
ROOT = Path(__file__).resolve().parent.parent


def test_database_url(tmp_dir: Path) -> str:
    """``TEST_DATABASE_URL`` if set, else a fresh SQLite file in ``tmp_dir``."""
    return os.environ.get('TEST_DATABASE_URL') or f'sqlite:///{tmp_dir / "test.db"}'


def is_postgres(url: str) -> bool:
    return url.startswith('postgresql')


def reset_schema(engine) -> None:
    """Empty the database completely (all tables, the Alembic version) before migrating it."""
    if engine.dialect.name == 'postgresql':
        with engine.begin() as conn:
            conn.exec_driver_sql('DROP SCHEMA IF EXISTS public CASCADE')
            conn.exec_driver_sql('CREATE SCHEMA public')
    else:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql('PRAGMA foreign_keys=OFF')
            for table in reversed(metadata.sorted_tables):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))


def upgrade(app) -> None:
    """Run the Alembic migrations to head: the only way the schema is made, in tests too."""
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade(directory=str(ROOT / 'migrations'))


@cache
def password_hash() -> str:
    from consult.security import hash_password

    return hash_password(PASSWORD)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(('SAVEPOINT', 'RELEASE', 'ROLLBACK TO')):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


class Place:
    """What ``build_place`` made: ``city``, ``central``, ``a`` and ``b`` (communities), and their households."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def households(self, community):
        return [h for grid in community.grids for b in grid.buildings for h in b.households]


def build_place(session, suffix: str = '') -> Place:
    from consult.communities.models import Building
    from consult.communities.models import CentralCommunity
    from consult.communities.models import City
    from consult.communities.models import Community
    from consult.communities.models import Department
    from consult.communities.models import Grid
    from consult.communities.models import Household

    city = City(name=f'测试市{suffix}')
    central = CentralCommunity(city=city, name=f'测试中心社区{suffix}')
    other_central = CentralCommunity(city=city, name=f'另一中心社区{suffix}')
    communities = []
    for name, code, parent in (('甲社区', 'a', central), ('乙社区', 'b', central), ('丙社区', 'c', other_central)):
        community = Community(central_community=parent, name=f'{name}{suffix}', code=f'{code}{suffix}')
        for g in (1, 2):
            grid = Grid(community=community, name=f'第{g}网格')
            for b in (1, 2):
                building = Building(grid=grid, name=f'{g}-{b}幢')
                for number in ('101', '102', '201', '202'):
                    building.households.append(Household(number=number))
            community.grids.append(grid)
        communities.append(community)
    department = Department(city=city, name=f'测试局{suffix}', communities=[communities[0]])
    session.add_all([city, department])
    session.flush()
    from datetime import date

    from consult.rules.operations import ensure_initial_rules

    for community in communities:
        ensure_initial_rules(community, date(2023, 9, 25))
    return Place(
        city=city,
        central=central,
        other_central=other_central,
        a=communities[0],
        b=communities[1],
        c=communities[2],
        department=department,
    )


class MailServer:
    """A real SMTP server (aiosmtpd) on loopback for the mail tests: the app's smtplib talks SMTP to it.

    ``messages`` holds what it accepted: ``(envelope sender, recipients, parsed message)``.
    """

    def __init__(self):
        import email
        import email.policy

        from aiosmtpd.controller import Controller

        from tests.live_server import free_port

        self.messages: list[tuple[str, list[str], object]] = []

        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                server.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
                return '250 OK'

        self.port = free_port()
        self.host = '127.0.0.1'
        self._controller = Controller(Handler(), hostname=self.host, port=self.port)

    def start(self) -> 'MailServer':
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def recipients(self) -> list[str]:
        return [address for _sender, rcpts, _message in self.messages for address in rcpts]


def submission_token(html: str, name: str = 'submission_token') -> str:
    """The one-time token a creating form rendered (``consult.forms.OnceForm``) in ``html``."""
    import re

    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', html)
    assert match, f'no {name} field in the page'
    return match.group(1)


def seat_crowd(session, meeting_id: int, people: list[int], added_by_id: int) -> None:
    """Put ``people`` (user ids) on a meeting's roster as residents in two bulk INSERTs: every tenth agreeing to be
    named in the published record, three in four signed in online (the scale test and ``make bench-results``)."""
    from consult.meetings.models import Attendance
    from consult.meetings.models import Participant

    session.execute(
        sa.insert(Participant),
        [
            {
                'meeting_id': meeting_id,
                'user_id': user,
                'kind': 'resident',
                'source': 'criteria',
                'added_by_id': added_by_id,
                'organisation': '',
                'name_public': k % 10 == 0,
            }
            for k, user in enumerate(people)
        ],
    )
    session.execute(
        sa.insert(Attendance),
        [{'meeting_id': meeting_id, 'user_id': user, 'method': 'online'} for k, user in enumerate(people) if k % 4],
    )
