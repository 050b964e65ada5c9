"""Deadlines from the rule set in force: calendar days for simple items, working days for complex ones."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.dispatch import operations
from consult.dispatch.deadlines import LOCAL
from consult.dispatch.deadlines import add_working_days
from consult.dispatch.deadlines import deadline
from consult.dispatch.models import DispatchTicket
from consult.rules.defaults import NUMBERS
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus


class Rules:
    def __init__(self, **numbers):
        self.params = {'numbers': numbers}

    number = RuleSet.number


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL).astimezone(UTC)


def test_defaults_carry_their_source():
    assert NUMBERS['whistle_simple_days'].value == 1
    assert NUMBERS['whistle_complex_working_days'].value == 10
    assert 'Guangling' in str(NUMBERS['whistle_simple_days'].source)
    assert 'Guangling' in str(NUMBERS['whistle_complex_working_days'].source)


def test_simple_deadline_is_calendar_days():
    start = local(2026, 11, 20, 15, 30)  # a Friday
    assert deadline(start, 'simple', Rules(whistle_simple_days=1)) == start + timedelta(days=1)
    assert deadline(start, 'simple', Rules(whistle_simple_days=3)) == start + timedelta(days=3)  # Monday: no skip


@pytest.mark.parametrize(
    ('start', 'days', 'due'),
    [
        ((2026, 11, 20, 15, 30), 1, (2026, 11, 23, 15, 30)),  # Friday + 1 -> Monday, across the weekend
        ((2026, 11, 19, 9, 0), 2, (2026, 11, 23, 9, 0)),  # Thursday + 2 -> Monday
        ((2026, 11, 21, 10, 0), 1, (2026, 11, 23, 10, 0)),  # Saturday + 1 -> Monday
        ((2026, 11, 22, 10, 0), 1, (2026, 11, 23, 10, 0)),  # Sunday + 1 -> Monday
        ((2026, 11, 16, 8, 0), 4, (2026, 11, 20, 8, 0)),  # Monday + 4 -> Friday, no weekend
        ((2026, 11, 20, 15, 30), 10, (2026, 12, 4, 15, 30)),  # Friday + 10 -> Friday two weeks on
    ],
)
def test_complex_deadline_skips_weekends(start, days, due):
    assert add_working_days(local(*start), days) == local(*due)
    assert deadline(local(*start), 'complex', Rules(whistle_complex_working_days=days)) == local(*due)


def test_weekend_is_judged_on_longgang_time():
    # 23:30 UTC on Friday is already Saturday 07:30 in Longgang: one working day later is Monday 07:30.
    start = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert add_working_days(start, 1) == local(2026, 11, 23, 7, 30)


def test_a_version_without_the_keys_uses_the_defaults():
    assert Rules().number('whistle_simple_days') == 1
    assert Rules().number('whistle_complex_working_days') == 10


def test_overdue_boundary_for_a_simple_item(db, make_ticket):
    ticket = make_ticket('dispatched', kind='simple')
    due = ticket.deadline_at
    assert due == ticket.dispatched_at + timedelta(days=1)
    assert not ticket.is_overdue(due - timedelta(seconds=1))
    assert not ticket.is_overdue(due)  # exactly at the deadline: still in time
    assert ticket.is_overdue(due + timedelta(seconds=1))


def test_closed_items_are_never_overdue(db, make_ticket):
    ticket = make_ticket('closed')
    assert not ticket.is_overdue(ticket.deadline_at + timedelta(days=30))


def test_overdue_boundary_for_a_complex_item_across_a_weekend(db, cast, make_ticket, monkeypatch):
    friday = local(2026, 11, 20, 15, 0)
    monkeypatch.setattr(operations, 'utcnow', lambda: friday)
    ticket = make_ticket('dispatched', kind='complex')
    assert ticket.dispatched_at == friday
    assert ticket.deadline_at == local(2026, 12, 4, 15, 0)
    assert not ticket.is_overdue(local(2026, 12, 4, 15, 0))
    assert ticket.is_overdue(local(2026, 12, 4, 15, 0, 1))


def test_deadline_follows_the_rule_set_in_force(db, cast, make_ticket):
    params = default_params()
    params['numbers']['whistle_simple_days'] = 3
    rules = RuleSet(
        community_id=cast.place.a.id,
        version=2,
        effective_from=date(2024, 1, 1),
        status=RuleSetStatus.CONFIRMED,
        params=params,
    )
    db.session.add(rules)
    db.session.commit()
    ticket = make_ticket('dispatched')
    assert ticket.deadline_at - ticket.dispatched_at == timedelta(days=3)
    assert ticket.rule_set_id == rules.id


def test_queue_puts_overdue_first(db, cast, make_ticket):
    from consult.dispatch.queries import queue

    fresh = make_ticket('dispatched')
    late = make_ticket('handling')
    closed = make_ticket('closed')
    proposed = make_ticket('proposed')
    db.session.execute(
        sa.update(DispatchTicket)
        .where(DispatchTicket.id.in_([late.id, closed.id]))
        .values(deadline_at=fresh.deadline_at - timedelta(days=5))
    )
    now = fresh.dispatched_at + timedelta(hours=1)
    ids = [t.id for t in queue(set(), {cast.place.a.id}, now, 1).items]
    assert ids == [late.id, fresh.id, proposed.id, closed.id]
    exactly = [t.id for t in queue(set(), {cast.place.a.id}, fresh.deadline_at, 1).items]
    assert exactly[0] == late.id
    assert exactly[1] == fresh.id
    after = [t.id for t in queue(set(), {cast.place.a.id}, fresh.deadline_at + timedelta(seconds=1), 1).items]
    assert after == [late.id, fresh.id, proposed.id, closed.id]  # closed with an old deadline stays last
