"""build_params(): bounds, the law's minimums, state secrets, work items and the co-signing threshold."""

import pytest

from consult.kernel.refusals import Refusal
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import SOURCE_S1_9
from consult.rules.defaults import default_params
from consult.rules.engine import Threshold
from consult.rules.validation import build_params
from consult.rules.validation import choices_from


@pytest.fixture
def choices(app):
    with app.test_request_context():
        yield choices_from(default_params())


def refused(choices) -> Refusal:
    with pytest.raises(Refusal) as info:
        build_params(default_params(), choices)
    return info.value


def test_defaults_round_trip(choices):
    assert build_params(default_params(), choices) == default_params()


@pytest.mark.parametrize(
    ('which', 'op', 'num', 'den', 'ok'),
    [
        ('quorum', '>', 1, 2, True),
        ('quorum', '>=', 1, 2, False),
        ('quorum', '>', 49, 100, False),
        ('quorum', '>=', 51, 100, True),
        ('quorum', '>=', 2, 3, True),
        ('approval', '>', 1, 2, True),
        ('approval', '>=', 1, 2, False),
        ('approval', '>', 1, 3, False),
        ('approval', '>=', 501, 1000, True),
    ],
)
def test_residents_meeting_never_weaker_than_the_law(choices, which, op, num, den, ok):
    choices['meetings']['residents_meeting'][which] = (op, num, den)
    if ok:
        params = build_params(default_params(), choices)
        [[condition]] = params['meetings']['residents_meeting'][which]
        assert (condition['op'], condition['num'], condition['den']) == (op, num, den)
    else:
        refusal = refused(choices)
        assert (refusal.code, refusal.rule.code) == ('weaker_than_law', 'residents_meeting_majority')
        assert refusal.rule.source is SOURCE_S1_9


def test_other_meetings_may_lower_their_quorum(choices):
    choices['meetings']['representatives_meeting']['quorum'] = ('>', 1, 2)
    params = build_params(default_params(), choices)
    [[condition]] = params['meetings']['representatives_meeting']['quorum']
    assert (condition['op'], condition['num'], condition['den'], condition['base']) == ('>', 1, 2, 'members')


@pytest.mark.parametrize(
    ('op', 'num', 'den'),
    [('>', 1, 0), ('>', 0, 2), ('>', 3, 2), ('>', 1, 1), ('=', 1, 2), ('>', 'x', 2), ('>=', 1, 1001), ('>', -1, 2)],
)
def test_malformed_shares_are_refused(choices, op, num, den):
    choices['meetings']['deliberative_council']['quorum'] = (op, num, den)
    assert refused(choices).code in {'share_bounds', 'share_operator'}


@pytest.mark.parametrize(
    ('key', 'value', 'ok'),
    [
        ('notice_days', 0, True),
        ('notice_days', 365, True),
        ('notice_days', 366, False),
        ('notice_days', -1, False),
        ('notice_days', '3.5', False),
        ('notice_days', None, False),
        ('notice_days', True, False),
        ('review_deadline_days', 0, False),
        ('review_deadline_days', 1, True),
        ('cooling_off_months', 60, True),
        ('cooling_off_months', 61, False),
    ],
)
def test_numbers_within_bounds(choices, key, value, ok):
    choices['numbers'][key] = value
    if ok:
        assert build_params(default_params(), choices)['numbers'][key] == value
    else:
        assert refused(choices).code == 'number_bounds'


def test_state_secrets_cannot_be_switched_off(choices):
    choices['exclusions'] = ['private_matter', 'litigation', 'department_duty']
    refusal = refused(choices)
    assert refusal.code == 'state_secret'
    assert refusal.rule.source is EXCLUSIONS['state_secret']['source']


def test_other_exclusions_can_be_switched_off(choices):
    choices['exclusions'] = ['state_secret', 'unknown']
    assert build_params(default_params(), choices)['exclusions'] == ['state_secret']


def test_work_items_are_cleaned_deduplicated_and_bounded(choices):
    choices['work_items'] = ' 垃圾分类 \n\n<b>停车管理</b>\n垃圾分类\r\n'
    assert build_params(default_params(), choices)['work_items'] == ['垃圾分类', '停车管理']


def test_fifty_work_items_pass_and_fifty_one_are_refused(choices):
    choices['work_items'] = '\n'.join(f'事项{n}' for n in range(50))
    assert len(build_params(default_params(), choices)['work_items']) == 50
    choices['work_items'] += '\n事项50'
    assert refused(choices).code == 'too_many_work_items'


def test_work_item_of_forty_characters_passes_and_forty_one_is_refused(choices):
    choices['work_items'] = '字' * 40
    assert build_params(default_params(), choices)['work_items'] == ['字' * 40]
    choices['work_items'] = '字' * 41
    assert refused(choices).code == 'work_item_too_long'


def test_at_least_one_category(choices):
    choices['categories'] = []
    assert refused(choices).code == 'no_category'
    choices['work_items'] = '老旧小区改造'
    assert build_params(default_params(), choices)['categories'] == []


@pytest.mark.parametrize(
    ('cosign', 'expected'),
    [
        ({'count': 30, 'num': None, 'den': None}, [[('one', 30, 1)]]),
        ({'count': None, 'num': 1, 'den': 50}, [[('adults', 1, 50)]]),
        ({'count': 15, 'num': 3, 'den': 100}, [[('one', 15, 1)], [('adults', 3, 100)]]),
    ],
)
def test_cosign_count_share_or_both(choices, cosign, expected):
    choices['cosign'] = cosign
    threshold = Threshold.from_list(build_params(default_params(), choices)['cosign'])
    assert [[(c.base, c.num, c.den) for c in rule.conditions] for rule in threshold.rules] == expected


@pytest.mark.parametrize(
    ('cosign', 'code'),
    [
        ({'count': None, 'num': None, 'den': None}, 'cosign_empty'),
        ({'count': 0}, 'cosign_count'),
        ({'count': 100_001}, 'cosign_count'),
        ({'count': 'many'}, 'cosign_count'),
        ({'num': 1, 'den': None}, 'share_bounds'),
        ({'num': 2, 'den': 1}, 'share_bounds'),
    ],
)
def test_cosign_refusals(choices, cosign, code):
    choices['cosign'] = cosign
    assert refused(choices).code == code
