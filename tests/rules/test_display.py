"""The plain-language view of a rule set: sources for defaults and community values, and changes between versions."""

import pytest
from flask_babel import force_locale

from consult.rules.defaults import NUMBERS
from consult.rules.defaults import default_params
from consult.rules.display import changes_between
from consult.rules.display import number_rows
from consult.rules.display import threshold_rows
from consult.rules.validation import build_params
from consult.rules.validation import choices_from


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale('en'):
        yield


def edited(**changes):
    choices = choices_from(default_params())
    for key, value in changes.items():
        choices[key] = value
    return build_params(default_params(), choices)


def test_defaults_show_their_own_sources(english):
    for row in number_rows(default_params()):
        assert row.source == NUMBERS[row.key].source


def test_a_changed_number_names_the_community_and_the_default(english):
    numbers = dict(default_params()['numbers'], notice_days=15)
    [row] = [r for r in number_rows(edited(numbers=numbers)) if r.key == 'notice_days']
    assert row.value == 15
    assert row.source.startswith('Set by the community in this version (default: 10;')


def test_no_changes_between_identical_versions(english):
    assert not changes_between(default_params(), default_params())


def test_changes_name_numbers_thresholds_categories_and_exclusions(english):
    choices = choices_from(default_params())
    choices['numbers']['cooling_off_months'] = 12
    choices['cosign'] = {'count': 30, 'num': None, 'den': None}
    choices['meetings']['representatives_meeting']['quorum'] = ('>', 1, 2)
    choices['categories'] = [c for c in choices['categories'] if c != 'participant_requested']
    choices['work_items'] = '老旧小区改造'
    choices['exclusions'] = ['state_secret', 'private_matter']
    changes = changes_between(default_params(), build_params(default_params(), choices))
    assert changes.categories_added == ['老旧小区改造']
    assert changes.categories_removed == ['Matters any consulting party asks to consult on']
    assert changes.exclusions_added == []
    assert changes.exclusions_removed == [
        'Disputes pending before a court or arbitration',
        "A city department's statutory duty",
    ]
    assert [(str(label), old, new) for label, old, new, _unit in changes.changed] == [
        ('A decided matter is not reopened for', 6, 12),
        (
            'A topic goes to review when',
            'at least 20 co-sign, or at least 1% of verified adult residents co-sign',
            'at least 30 co-sign',
        ),
        (
            "Residents' representative meeting: quorum",
            'at least 2/3 of members attend',
            'more than 1/2 of members attend',
        ),
    ]


def test_threshold_rows_cover_cosign_petition_and_every_meeting(english):
    keys = [row.key for row in threshold_rows(default_params())]
    assert keys[:2] == ['cosign', 'petition']
    assert len(keys) == 2 + 4 * 3  # quorum, approval, and how it votes (secret or roll call, proxies)
