"""Condition results in plain language, with their numbers, in English and Chinese."""

import pytest
from flask_babel import force_locale

from consult.rules.defaults import COSIGN_THRESHOLD
from consult.rules.defaults import MEETING_RULES
from consult.rules.engine import Condition
from consult.rules.engine import Threshold
from consult.rules.engine import evaluate
from consult.votes.display import MOTION_OPTION_LABELS
from consult.votes.display import QUANTITY_LABELS
from consult.votes.display import describe_result


def only_result(threshold, **counts):
    [[result]] = evaluate(threshold, {tuple(k.split('__')): v for k, v in counts.items()}).results
    return result


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale('en'):
        yield


@pytest.fixture
def chinese(app):
    with app.test_request_context(), force_locale('zh_Hans'):
        yield


def test_an_approval_in_english(english):
    result = only_result(MEETING_RULES['residents_meeting']['approval'], yes__head=31, attending__head=40)
    assert (
        describe_result(result) == 'yes 31 votes, attending 40 people; needs more than 1/2 (at least 21 votes): passed'
    )


def test_an_approval_in_chinese(chinese):
    result = only_result(MEETING_RULES['residents_meeting']['approval'], yes__head=31, attending__head=40)
    assert describe_result(result) == '赞成 31 票，出席 40 人，须超过 1/2（至少 21 票）：通过'


def test_a_failed_quorum_in_chinese(chinese):
    result = only_result(MEETING_RULES['representatives_meeting']['quorum'], attending__head=19, members__head=30)
    assert describe_result(result) == '出席 19 人，成员 30 人，须不少于 2/3（至少 20 人）：未达到'


def test_one_vote_is_singular(english):
    threshold = Threshold.all_of(Condition('yes', '>', 1, 2, 'votes_cast'))
    result = only_result(threshold, yes__head=1, votes_cast__head=1)
    assert describe_result(result) == 'yes 1 vote, votes cast 1 vote; needs more than 1/2 (at least 1 vote): passed'


def test_a_weighted_condition_says_so(chinese):
    threshold = Threshold.all_of(Condition('yes', '>', 1, 2, 'attending', by='weight'))
    result = only_result(threshold, yes__weight=3, attending__weight=13)
    assert describe_result(result) == '赞成 3，出席 13，须超过 1/2（至少 7）：未通过（按权重计算）'


def test_households(chinese):
    threshold = Threshold.all_of(Condition('yes', '>', 1, 2, 'households', by='household'))
    result = only_result(threshold, yes__household=21, households__household=40)
    assert describe_result(result) == '赞成 21 户，总户数 40 户，须超过 1/2（至少 21 户）：通过'


def test_an_absolute_number(english):
    result = only_result(Threshold.all_of(COSIGN_THRESHOLD.rules[0].conditions[0]), signatures__head=12)
    assert describe_result(result) == 'co-signatures 12 people; needs at least 20 people: not met'


def test_every_count_and_base_has_a_label():
    from consult.rules.engine import BASES
    from consult.rules.engine import COUNTED

    assert set(QUANTITY_LABELS) == (set(COUNTED) | set(BASES)) - {'one'}


def test_motion_options_in_chinese(chinese):
    assert [str(label) for label in MOTION_OPTION_LABELS] == ['赞成', '反对', '弃权']
