"""Satisfaction ratings (domain.md rule 32): verified residents, 1 to 5, one each, changed until the period ends."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.implementation import ratings
from consult.implementation.models import Rating
from consult.implementation.public import public_implementation
from consult.implementation.queries import feedback_of
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal


def _refused(code, *args):
    with pytest.raises(Refusal) as caught:
        ratings.rate(*args)
    assert caught.value.code == code, caught.value
    assert caught.value.rule is not None
    return caught.value


def test_a_resident_rates_and_changes_the_rating(db, cast, fed_back):
    ratings.rate(cast.resident, fed_back, 4, '电梯很好')
    ratings.rate(cast.resident, fed_back, '2', '噪音较大')
    ratings.rate(cast.neighbour, fed_back, 5)
    db.session.commit()
    rows = db.session.scalars(sa.select(Rating).where(Rating.topic_id == fed_back.id).order_by(Rating.id)).all()
    assert [(r.user_id, r.score, r.comment) for r in rows] == [
        (cast.resident.id, 2, '噪音较大'),
        (cast.neighbour.id, 5, ''),
    ]
    section = public_implementation(fed_back, utcnow())
    assert section.ratings.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert section.ratings.count == 2
    assert section.ratings.average == 3.5
    assert [c.comment for c in section.ratings.comments] == ['噪音较大']


@pytest.mark.parametrize('score', [0, 6, -1, 10**20, '10**20', '3.5', '', None, True, 'five', 3.0, '٣'])
def test_a_score_outside_one_to_five_is_refused(db, cast, fed_back, score):
    _refused('bad_score', cast.resident, fed_back, score)
    assert not db.session.scalars(sa.select(Rating)).all()


def test_a_long_comment_is_refused_and_nul_is_removed(db, cast, fed_back):
    _refused('text_too_long', cast.resident, fed_back, 3, '长' * 501)
    rating = ratings.rate(cast.resident, fed_back, 3, '好\x00的')
    assert rating.comment == '好的'


def test_only_verified_adult_residents_of_the_community_rate(db, cast, fed_back):
    for actor in (cast.outsider, cast.stranger, cast.staff, cast.department, cast.minor):
        _refused('forbidden', actor, fed_back, 3)


def test_the_rating_period_ends_at_its_second(db, cast, fed_back, monkeypatch):
    end = feedback_of(fed_back.id).rating_ends_at
    monkeypatch.setattr(ratings, 'utcnow', lambda: end)
    ratings.rate(cast.resident, fed_back, 5)
    monkeypatch.setattr(ratings, 'utcnow', lambda: end + timedelta(seconds=1))
    _refused('period_ended', cast.resident, fed_back, 1)
    assert db.session.scalar(sa.select(Rating.score)) == 5


def test_no_rating_before_the_result_is_published(db, cast, implementing):
    _refused('wrong_state', cast.resident, implementing, 5)
