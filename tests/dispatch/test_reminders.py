"""The day-before reminder (``flask dispatch remind``): a department is told once per item and deadline."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from consult.dispatch.models import DispatchTicket
from consult.dispatch.sweeps import remind_due
from consult.dispatch.sweeps import reminder_horizon
from consult.kernel.clock import CITY_ZONE
from consult.notifications.models import Notification

#: 10:00 in the city: "tomorrow" is the next local date, whatever the UTC date.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=CITY_ZONE)


def _due(db, ticket, when):
    db.session.execute(sa.update(DispatchTicket).where(DispatchTicket.id == ticket.id).values(deadline_at=when))
    db.session.commit()
    db.session.expire_all()


def _reminders(db, user):
    return db.session.scalars(
        sa.select(Notification.topic_id).where(Notification.user_id == user.id, Notification.kind == 'ticket_due')
    ).all()


def test_the_horizon_is_the_end_of_tomorrow_in_the_city():
    assert reminder_horizon(NOW) == datetime(2026, 3, 12, 0, 0, tzinfo=CITY_ZONE)
    # 23:30 in the city is still the 10th there (15:30 UTC): tomorrow is the 11th.
    late_evening = datetime(2026, 3, 10, 23, 30, tzinfo=CITY_ZONE).astimezone(UTC)
    assert reminder_horizon(late_evening) == datetime(2026, 3, 12, 0, 0, tzinfo=CITY_ZONE)


def test_the_department_is_told_of_an_item_due_tomorrow_once(db, cast, make_ticket):
    ticket = make_ticket('reported')
    _due(db, ticket, NOW + timedelta(days=1, hours=5))  # tomorrow 15:00
    assert [t.id for t in remind_due(NOW)] == [ticket.id]
    db.session.commit()
    assert _reminders(db, cast.department) == [ticket.topic_id]
    assert _reminders(db, cast.staff) == []  # the department's reminder, not the committee's

    assert remind_due(NOW) == []  # the same day's second run
    assert remind_due(NOW + timedelta(hours=20)) == []  # the next morning, the deadline unchanged
    db.session.commit()
    assert _reminders(db, cast.department) == [ticket.topic_id]


def test_items_due_later_past_due_or_closed_are_not_reminded(db, cast, make_ticket):
    later, past, closed = make_ticket('dispatched'), make_ticket('handling'), make_ticket('closed')
    _due(db, later, datetime(2026, 3, 12, 0, 0, tzinfo=CITY_ZONE))  # the day after tomorrow, at midnight
    _due(db, past, NOW - timedelta(minutes=1))
    _due(db, closed, NOW + timedelta(hours=20))
    assert remind_due(NOW) == []
    db.session.commit()
    assert _reminders(db, cast.department) == []


def test_a_new_deadline_is_reminded_of_again(db, cast, make_ticket):
    ticket = make_ticket('dispatched')
    _due(db, ticket, NOW + timedelta(hours=30))
    assert len(remind_due(NOW)) == 1
    db.session.commit()
    _due(db, ticket, NOW + timedelta(days=3, hours=2))  # a new deadline
    assert remind_due(NOW) == []
    assert len(remind_due(NOW + timedelta(days=2))) == 1
    db.session.commit()
    assert len(_reminders(db, cast.department)) == 2


def test_the_reminder_is_mailed_after_the_commit(db, cast, make_ticket, mail_server):
    cast.department.email = 'department@example.org'
    db.session.commit()
    ticket = make_ticket('dispatched')
    _due(db, ticket, NOW + timedelta(hours=30))
    remind_due(NOW)
    assert mail_server.messages == []
    db.session.commit()
    assert mail_server.recipients() == ['department@example.org']
    assert ticket.topic.title in mail_server.messages[0][2]['Subject']


def test_the_cli_command_reminds_once(db, runner, cast, make_ticket):
    from consult.kernel.clock import utcnow

    ticket = make_ticket('dispatched')
    _due(db, ticket, utcnow() + timedelta(minutes=30))
    first = runner.invoke(args=['dispatch', 'remind'])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=['dispatch', 'remind'])
    assert again.exit_code == 0, again.output
    assert first.output != again.output  # "1 ... reminded", then "0 ... reminded"
    assert _reminders(db, cast.department) == [ticket.topic_id]
