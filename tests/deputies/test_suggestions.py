"""Formal suggestions (rule 39): the deadline in Longgang's calendar, the reply, the assessment, the sweep."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.deputies import operations
from consult.deputies import sweeps
from consult.deputies.guards import add_months
from consult.deputies.guards import reply_due
from consult.deputies.models import TEXT_MAX
from consult.deputies.models import DeputySuggestion
from consult.kernel.clock import CITY_ZONE
from consult.kernel.clock import utcnow
from consult.kernel.events import SuggestionMoved
from consult.kernel.events import SuggestionSent
from consult.kernel.events import subscribe
from consult.kernel.events import unsubscribe
from consult.kernel.refusals import Refusal
from consult.notifications.models import Notification
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.rules.queries import rules_in_force


class _Rules:
    def __init__(self, **numbers):
        self.numbers = numbers

    def number(self, key):
        return self.numbers[key]


@pytest.mark.parametrize(
    ('day', 'months', 'expected'),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 5), 6, date(2027, 6, 5)),
    ],
)
def test_months_are_calendar_months_clamped_to_the_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_deadline_is_the_end_of_a_longgang_day_whatever_the_utc_hour():
    rules = _Rules(deputy_reply_months=3, deputy_complex_reply_months=6)
    # 17:30 UTC on 31 Jan is already 1 Feb in Longgang: three months from 1 Feb.
    sent = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    due = reply_due(sent, rules, False)
    assert due.astimezone(CITY_ZONE).date() == date(2026, 5, 1)
    assert (due.astimezone(CITY_ZONE).hour, due.astimezone(CITY_ZONE).minute) == (23, 59)
    assert reply_due(sent, rules, True).astimezone(CITY_ZONE).date() == date(2026, 8, 1)


def test_sending_sets_the_timer_from_the_rules_in_force_and_publishes(db, cast, send):
    seen = []
    subscribe(SuggestionSent, seen.append)
    try:
        suggestion = send()
        complex_ = send(complex_=True)
    finally:
        unsubscribe(SuggestionSent, seen.append)
    rules = rules_in_force(cast.place.a, date.today())
    assert suggestion.due_at == reply_due(suggestion.sent_at, rules, False)
    assert complex_.due_at == reply_due(complex_.sent_at, rules, True)
    assert complex_.due_at > suggestion.due_at + timedelta(days=80)
    assert [e.suggestion_id for e in seen] == [suggestion.id, complex_.id]
    assert suggestion.status == 'sent'


def test_a_community_may_set_a_shorter_period(db, cast, send):
    params = default_params()
    params['numbers']['deputy_reply_months'] = 1
    db.session.add(
        RuleSet(
            community_id=cast.place.a.id,
            version=2,
            effective_from=date(2024, 1, 1),
            status=RuleSetStatus.CONFIRMED,
            params=params,
        )
    )
    db.session.commit()
    suggestion = send()
    local = suggestion.sent_at.astimezone(CITY_ZONE).date()
    assert suggestion.due_at.astimezone(CITY_ZONE).date() == add_months(local, 1)


def test_the_law_caps_the_periods_a_community_may_set():
    from consult.rules.validation import NUMBER_BOUNDS

    assert NUMBER_BOUNDS['deputy_reply_months'] == (1, 3)
    assert NUMBER_BOUNDS['deputy_complex_reply_months'] == (1, 6)


@pytest.mark.parametrize(
    ('field', 'value', 'code'),
    [
        ('title', '', 'text_required'),
        ('title', 'x' * 121, 'text_too_long'),
        ('body', '\x00', 'text_required'),
        ('body', 'x' * (TEXT_MAX + 1), 'text_too_long'),
        ('department', 'not a department', 'bad_body'),
    ],
)
def test_bad_suggestions_are_refused_and_nothing_saved(db, cast, send, field, value, code):
    with pytest.raises(Refusal) as refused:
        send(**{field: value})
    assert refused.value.code == code
    db.session.rollback()
    assert not db.session.scalar(sa.select(sa.func.count(DeputySuggestion.id)))


def test_a_department_that_does_not_serve_the_community_is_refused(db, cast, place):
    from consult.communities.models import Department

    other = Department(city=place.city, name='不服务甲社区的局', communities=[place.b])
    db.session.add(other)
    db.session.flush()
    with pytest.raises(Refusal) as refused:
        operations.send_suggestion(cast.deputy, place.a, {'title': 't', 'body': 'b', 'department': other})
    assert refused.value.code == 'bad_body'


@pytest.mark.parametrize('who', ['resident', 'staff', 'director', 'department', 'representative'])
def test_only_deputies_send_suggestions(db, cast, who):
    with pytest.raises(Refusal) as refused:
        operations.send_suggestion(getattr(cast, who), cast.place.a, {'title': 't', 'body': 'b'})
    assert refused.value.code == 'forbidden'


def test_the_department_replies_and_the_deputy_assesses(db, cast, send):
    suggestion = send()
    moves = []
    subscribe(SuggestionMoved, moves.append)
    try:
        operations.reply(cast.department, suggestion, '已列入明年计划。')
        db.session.commit()
        operations.assess(cast.deputy, suggestion, 'partly', '计划过晚。')
        db.session.commit()
    finally:
        unsubscribe(SuggestionMoved, moves.append)
    assert suggestion.status == 'assessed'
    assert (suggestion.reply, suggestion.replied_by_id) == ('已列入明年计划。', cast.department.id)
    assert (suggestion.assessment, suggestion.assessment_comment) == ('partly', '计划过晚。')
    assert [(m.action, m.source, m.target) for m in moves] == [
        ('reply', 'sent', 'replied'),
        ('assess', 'replied', 'assessed'),
    ]
    assert not suggestion.late_reply


def test_the_committee_replies_to_a_suggestion_sent_to_it(db, cast, send):
    suggestion = send(committee=True)
    with pytest.raises(Refusal):
        operations.reply(cast.department, suggestion, '答复')
    operations.reply(cast.staff, suggestion, '答复')
    assert suggestion.status == 'replied'


@pytest.mark.parametrize('who', ['deputy', 'resident', 'staff', 'director', 'staff_b'])
def test_only_the_body_replies(db, cast, send, who):
    suggestion = send()
    with pytest.raises(Refusal) as refused:
        operations.reply(getattr(cast, who), suggestion, '答复')
    assert refused.value.code == 'forbidden'


@pytest.mark.parametrize('text', ['', ' \x00 ', 'x' * (TEXT_MAX + 1), None])
def test_an_empty_or_oversized_reply_is_refused(db, cast, send, text):
    suggestion = send()
    with pytest.raises(Refusal):
        operations.reply(cast.department, suggestion, text)
    db.session.rollback()
    db.session.refresh(suggestion)
    assert suggestion.status == 'sent'


def test_only_the_deputy_assesses_once_with_a_valid_assessment(db, cast, send):
    suggestion = send()
    with pytest.raises(Refusal) as early:
        operations.assess(cast.deputy, suggestion, 'satisfied', '好')
    assert early.value.code == 'wrong_state'
    operations.reply(cast.department, suggestion, '答复')
    db.session.commit()
    for who, value, comment, code in [
        (cast.department, 'satisfied', '好', 'forbidden'),
        (cast.deputy, 'delighted', '好', 'bad_assessment'),
        (cast.deputy, None, '好', 'bad_assessment'),
        (cast.deputy, 'satisfied', '', 'text_required'),
    ]:
        with pytest.raises(Refusal) as refused:
            operations.assess(who, suggestion, value, comment)
        assert refused.value.code == code
    operations.assess(cast.deputy, suggestion, 'satisfied', '好')
    db.session.commit()
    with pytest.raises(Refusal) as twice:
        operations.assess(cast.deputy, suggestion, 'not_satisfied', '改变主意')
    assert twice.value.code == 'wrong_state'


def _overdue(db, suggestion, days=1):
    db.session.execute(
        sa.update(DeputySuggestion)
        .where(DeputySuggestion.id == suggestion.id)
        .values(due_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()
    db.session.refresh(suggestion)


def test_the_sweep_flags_an_overdue_suggestion_once_and_tells_the_body_and_the_deputy(db, cast, send):
    late, committee_late, in_time = send(), send(committee=True), send()
    _overdue(db, late)
    _overdue(db, committee_late)
    assert sorted(sweeps.flag_overdue(utcnow())) == sorted([late.id, committee_late.id])
    db.session.commit()
    assert sweeps.flag_overdue(utcnow()) == []
    db.session.refresh(late)
    assert late.overdue_at is not None
    assert late.status == 'sent'
    told = db.session.execute(sa.select(Notification.user_id, Notification.kind)).all()
    assert (cast.department.id, sweeps.OVERDUE_BODY) in told
    assert (cast.staff.id, sweeps.OVERDUE_BODY) in told
    assert (cast.director.id, sweeps.OVERDUE_BODY) in told
    assert told.count((cast.deputy.id, sweeps.OVERDUE_DEPUTY)) == 2
    assert in_time.overdue_at is None


def test_a_late_reply_is_kept_and_shown_as_late(db, cast, send):
    suggestion = send()
    _overdue(db, suggestion)
    operations.reply(cast.department, suggestion, '迟到的答复')
    db.session.commit()
    assert suggestion.late_reply
    assert sweeps.flag_overdue(utcnow()) == []


def test_the_sweep_command_reports_what_it_flagged(db, cast, send, runner):
    _overdue(db, send())
    result = runner.invoke(args=['deputies', 'sweep'])
    assert result.exit_code == 0, result.output
    assert '已标记1件逾期未答复的代表建议。' in result.output  # the CLI speaks the default language
