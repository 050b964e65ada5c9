"""Every path onto a roster applies one eligibility: verified residents aged 18 or over (domain.md rule 10)."""

from datetime import date

import pytest
import sqlalchemy as sa

from consult.kernel.clock import today
from consult.kernel.refusals import VOTING_AGE
from consult.kernel.refusals import Refusal
from consult.meetings import operations as ops
from consult.meetings import permissions as p
from consult.meetings import roster
from consult.meetings.models import Participant
from consult.residency.eligibility import adult_cutoff
from consult.roles.models import Role
from consult.roles.permissions import forget_grants
from tests.meetings.conftest import schedule_data


def _on_roster(db, meeting) -> dict:
    rows = db.session.execute(
        sa.select(Participant.user_id, Participant.kind).where(Participant.meeting_id == meeting.id)
    ).all()
    return dict(rows)


def _under_age(refused) -> None:
    assert refused.value.code == 'under_age'
    assert refused.value.rule is VOTING_AGE


@pytest.mark.parametrize('mode', ['adults', 'households'])
@pytest.mark.parametrize('by_area', [False, True])
def test_criteria_leave_out_the_minor(db, cast, make_meeting, mode, by_area):
    meeting = make_meeting(ready=False)
    other = ops.schedule(cast.staff, meeting.topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, other, mode, by_area)
    assert cast.minor.id not in _on_roster(db, other)


def test_a_minor_cannot_ask_to_join(db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    assert not p.may_request_to_join(cast.minor, meeting)
    with pytest.raises(Refusal) as refused:
        roster.request_to_join(cast.minor, meeting, '我也住在这里')
    _under_age(refused)
    assert cast.minor.id not in _on_roster(db, meeting)


@pytest.mark.parametrize('kind', ['resident', 'household_rep', 'representative'])
def test_staff_cannot_add_a_minor_in_a_voting_capacity(db, cast, grant, make_meeting, kind):
    meeting = make_meeting(ready=False)
    if kind == 'representative':
        grant(cast.minor, Role.REPRESENTATIVE, community=cast.place.a)
        forget_grants(cast.minor)
    with pytest.raises(Refusal) as refused:
        roster.add_participant(cast.staff, meeting, cast.minor, kind)
    _under_age(refused)
    assert cast.minor.id not in _on_roster(db, meeting)


def test_a_minor_may_still_attend_without_a_vote(db, cast, make_meeting):
    meeting = make_meeting(ready=False)
    roster.add_participant(cast.staff, meeting, cast.minor, 'observer')
    assert _on_roster(db, meeting)[cast.minor.id] == 'observer'


def test_approving_a_request_rechecks_the_age(db, cast, make_resident, make_meeting):
    """A request made by an adult whose recorded birth date is corrected before the decision is not approved."""
    meeting = make_meeting(ready=False)
    newcomer = make_resident(cast.place.households(cast.place.a)[9])
    join = roster.request_to_join(newcomer, meeting, '我住在隔壁')
    newcomer.birth_date = date(today().year - 12, 1, 1)
    db.session.flush()
    with pytest.raises(Refusal) as refused:
        roster.decide_join(cast.staff, join, True, '')
    _under_age(refused)


@pytest.mark.parametrize('days_older', [0, -1])
def test_every_path_draws_the_line_on_the_same_day(db, cast, make_resident, make_meeting, days_older):
    """Eighteen today is in by every path; eighteen tomorrow is out by every path."""
    from datetime import timedelta

    homes = cast.place.households(cast.place.a)
    born = adult_cutoff(today()) + timedelta(days=-days_older)
    meeting = make_meeting(ready=False)  # built before these three became residents
    by_criteria, by_request, by_staff = (make_resident(homes[10 + i], birth_date=born) for i in range(3))
    other = ops.schedule(cast.staff, meeting.topic, schedule_data(cast))
    roster.build_from_criteria(cast.staff, other, 'adults', False)
    eligible = days_older == 0
    assert (by_criteria.id in _on_roster(db, other)) is eligible
    assert p.may_request_to_join(by_request, meeting) is eligible
    if eligible:
        roster.request_to_join(by_request, meeting, '我住在这里')
        roster.add_participant(cast.staff, meeting, by_staff, 'resident')
        assert _on_roster(db, meeting)[by_staff.id] == 'resident'
    else:
        for attempt in (
            lambda: roster.request_to_join(by_request, meeting, '我住在这里'),
            lambda: roster.add_participant(cast.staff, meeting, by_staff, 'resident'),
        ):
            with pytest.raises(Refusal) as refused:
                attempt()
            _under_age(refused)


def test_the_join_route_refuses_a_minor_with_the_rule(db, client, auth, csrf, cast, make_meeting):
    meeting = make_meeting(ready=False)
    auth.login(cast.minor)
    response = client.post(
        f'/meetings/{meeting.id}/join',
        data={'csrf_token': csrf(), 'join-reason': '我也住在这里'},
        headers={'Accept-Language': 'en'},
    )
    assert response.status_code in (302, 303)
    page = client.get(response.headers['Location'], headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert 'aged 18 or over' in page
    assert cast.minor.id not in _on_roster(db, meeting)


def test_signing_in_adds_nobody_to_the_roster(db, cast, open_meeting):
    """Sign-in (online, by code, by staff) only records attendance of people already on the roster."""
    from consult.meetings import checkin

    assert checkin.check_in_online(cast.minor, open_meeting) is None
    for attempt in (
        lambda: checkin.check_in_by_code(cast.minor, open_meeting, checkin.code_for(open_meeting)),
        lambda: checkin.mark_present(cast.staff, open_meeting, cast.minor),
    ):
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.code == 'not_participant'
    assert cast.minor.id not in _on_roster(db, open_meeting)
