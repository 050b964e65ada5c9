from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from consult.residency.eligibility import age_on
from consult.residency.eligibility import can_take_part
from consult.residency.eligibility import can_vote
from consult.residency.eligibility import is_adult


class _Person:
    def __init__(self, birth_date):
        self.birth_date = birth_date


def test_eighteenth_birthday_is_the_first_day_of_voting_age():
    person = _Person(date(2008, 11, 22))
    assert not is_adult(person, date(2026, 11, 21))
    assert is_adult(person, date(2026, 11, 22))


def test_born_on_29_february_comes_of_age_on_1_march_in_common_years():
    person = _Person(date(2008, 2, 29))
    assert not is_adult(person, date(2026, 2, 28))
    assert is_adult(person, date(2026, 3, 1))


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
def test_age_is_whole_years_and_monotonic(born, day):
    if day < born:
        return
    age = age_on(born, day)
    assert age >= 0
    assert age_on(born, date(day.year + 1, 1, 1)) >= age if day.year < 2100 else True


def test_unverified_users_cannot_take_part(db, place, make_user):
    user = make_user()
    assert not can_take_part(user, place.a)
    assert not can_vote(user, place.a)


def test_verified_adult_takes_part_and_votes_in_their_community_only(db, place, make_resident):
    user = make_resident(place.households(place.a)[0])
    assert can_take_part(user, place.a)
    assert can_vote(user, place.a)
    assert not can_take_part(user, place.b)


def test_verified_minor_takes_part_but_does_not_vote(db, place, make_resident):
    user = make_resident(place.households(place.a)[0], birth_date=date(2015, 1, 1))
    assert can_take_part(user, place.a)
    assert not can_vote(user, place.a, date(2026, 11, 22))
    assert can_vote(user, place.a, date(2033, 1, 1))
