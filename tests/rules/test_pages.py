"""The public rule set pages and the proposal, confirmation and decline flow over HTTP."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from consult.audit.models import AuditEntry
from consult.kernel.clock import today
from consult.roles.models import Role
from consult.rules.defaults import COSIGN_SOURCE
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import MEETING_RULES
from consult.rules.defaults import NUMBERS
from consult.rules.defaults import PETITION_SOURCE
from consult.rules.defaults import default_params
from consult.rules.models import RuleSet
from consult.rules.models import RuleSetStatus
from consult.rules.validation import choices_from

CHINESE = {'Accept-Language': ''}


def row(html: str, key: str) -> str:
    match = re.search(rf'<(tr|li) data-rule="{re.escape(key)}">(.*?)</\1>', html, re.S)
    assert match, f'no row for {key}'
    return match.group(2)


def form_data(csrf_token, **overrides):
    choices = choices_from(default_params())
    data = {
        'csrf_token': csrf_token,
        'categories': choices['categories'],
        'work_items': '',
        'exclusions': choices['exclusions'],
        'cosign_count': '20',
        'cosign_num': '1',
        'cosign_den': '100',
        'effective_from': today().isoformat(),
        'summary': '延长结果公示期',
    }
    for key, value in choices['numbers'].items():
        data[f'number_{key}'] = str(value)
    for meeting, rules in choices['meetings'].items():
        for which, (op, num, den) in rules.items():
            data[f'{meeting}_{which}_op'] = op
            data[f'{meeting}_{which}_num'] = str(num)
            data[f'{meeting}_{which}_den'] = str(den)
    data['number_result_publicity_days'] = '10'
    data.update(overrides)
    return data


@pytest.fixture
def people(make_user, grant, place):
    director, party = make_user(), make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    grant(party, Role.PARTY_ORG, community=place.a)
    return {'director': director, 'party': party}


def test_public_page_shows_every_number_and_source_in_chinese_to_anonymous_visitors(client, place):
    response = client.get(f'/rules/{place.a.code}', headers=CHINESE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans"' in html or 'lang="zh' in html
    with force_locale('zh_Hans'):
        for key, number in NUMBERS.items():
            text = row(html, key)
            assert re.search(rf'(?<!\d){number.value}(?!\d)', text), key
            assert str(number.source) in text, key
        for meeting, rule in MEETING_RULES.items():
            for which in ('quorum', 'approval'):
                assert str(rule['source']) in row(html, f'{meeting}.{which}')
        assert str(COSIGN_SOURCE) in row(html, 'cosign')
        assert '20' in row(html, 'cosign')
        assert '1%' in row(html, 'cosign')
        assert str(PETITION_SOURCE) in row(html, 'petition')
        for key, exclusion in EXCLUSIONS.items():
            text = row(html, key)
            assert str(exclusion['source']) in text
            assert str(exclusion['redirect']) in text
        assert '《城市居民委员会组织法》第九条' in html


def test_community_page_links_to_its_rules(client, place):
    html = client.get(f'/communities/{place.a.code}').get_data(as_text=True)
    assert f'href="/rules/{place.a.code}"' in html


def test_unknown_community_and_version_are_not_found(client, place):
    assert client.get('/rules/nowhere').status_code == 404
    assert client.get(f'/rules/{place.a.code}/v/99').status_code == 404


def test_director_proposes_party_confirms_and_the_history_shows_both(client, auth, csrf, db, place, people):
    auth.login(people['director'])
    page = client.get(f'/rules/{place.a.code}/propose').get_data(as_text=True)
    assert 'name="number_review_deadline_days"' in page
    assert re.search(r'id="number_review_deadline_days"[^>]*value="7"', page)
    response = client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf()))
    assert response.status_code == 302
    assert response.headers['Location'].endswith(f'/rules/{place.a.code}/v/2')
    html = client.get(f'/rules/{place.a.code}/v/2').get_data(as_text=True)
    assert 'Result public notice period: 7 → 10' in html
    auth.logout()

    auth.login(people['party'])
    response = client.post(f'/rules/{place.a.code}/v/2/confirm', data={'csrf_token': csrf()})
    assert response.status_code == 302
    rules = db.session.scalar(sa.select(RuleSet).where(RuleSet.community_id == place.a.id, RuleSet.version == 2))
    assert rules.status == RuleSetStatus.CONFIRMED
    history = client.get(f'/rules/{place.a.code}/history').get_data(as_text=True)
    assert '延长结果公示期' in history
    assert people['director'].display_name in history
    assert people['party'].display_name in history
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.community_id == place.a.id)))
    assert {'rules.propose', 'rules.confirm'} <= actions
    public = client.get(f'/rules/{place.a.code}').get_data(as_text=True)
    assert re.search(r'(?<!\d)10(?!\d)', row(public, 'result_publicity_days'))
    assert 'Set by the community' in row(public, 'result_publicity_days')


def test_weaker_than_law_is_refused_with_its_source_and_nothing_saved(client, auth, csrf, db, place, people):
    auth.login(people['director'])
    data = form_data(csrf(), residents_meeting_quorum_op='>=')
    response = client.post(f'/rules/{place.a.code}/propose', data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'Urban Residents Committee Organisation Law art 9' in html
    assert db.session.scalar(sa.select(sa.func.count(RuleSet.id)).where(RuleSet.community_id == place.a.id)) == 1


@pytest.mark.parametrize(
    ('overrides', 'message'),
    [
        ({'summary': ''}, 'Say what this version changes and why.'),
        ({'number_notice_days': '400'}, 'Number must be between 0 and 365.'),
        ({'number_notice_days': 'ten'}, 'Not a valid integer value.'),
        ({'effective_from': (today() - timedelta(days=1)).isoformat()}, 'cannot take effect before today'),
        ({'exclusions': ['private_matter']}, 'state secrets'),
        ({'cosign_count': '', 'cosign_num': '', 'cosign_den': ''}, 'Set a co-signing count'),
    ],
)
def test_bad_proposals_are_refused(client, auth, csrf, db, place, people, overrides, message):
    auth.login(people['director'])
    response = client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf(), **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(RuleSet.id)).where(RuleSet.community_id == place.a.id)) == 1


def test_decline_without_reason_is_refused_and_with_reason_is_public(client, auth, csrf, db, place, people):
    auth.login(people['director'])
    client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf()))
    auth.logout()
    auth.login(people['party'])
    response = client.post(
        f'/rules/{place.a.code}/v/2/decline', data={'csrf_token': csrf(), 'reason': ''}, follow_redirects=True
    )
    assert 'State the reason for declining this version.' in response.get_data(as_text=True)
    client.post(f'/rules/{place.a.code}/v/2/decline', data={'csrf_token': csrf(), 'reason': '与上级规定不符'})
    history = client.get(f'/rules/{place.a.code}/history').get_data(as_text=True)
    assert '与上级规定不符' in history
    response = client.post(f'/rules/{place.a.code}/v/2/confirm', data={'csrf_token': csrf()}, follow_redirects=True)
    assert 'This version has already been decided.' in response.get_data(as_text=True)


def test_history_query_count_does_not_grow_with_versions(client, db, place, people, make_user, count_queries):
    url = f'/rules/{place.a.code}/history'
    _add_version(db, place, people['director'], 2)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    others = [make_user() for _ in range(5)]
    for offset, user in enumerate(others):
        _add_version(db, place, user, 3 + offset)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert html.count('class="rule-version"') == 7
    assert many.count == few.count


def _add_version(db, place, user, number):
    db.session.add(
        RuleSet(
            community_id=place.a.id,
            version=number,
            effective_from=today(),
            status=RuleSetStatus.DECLINED,
            params=default_params(),
            summary=f'v{number}',
            proposed_by_id=user.id,
            decided_by_id=user.id,
        )
    )
    db.session.commit()


def test_pending_proposal_is_public_and_only_the_party_organisation_sees_the_decision_forms(
    client, auth, csrf, place, people
):
    auth.login(people['director'])
    client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf()))
    page = client.get(f'/rules/{place.a.code}/v/2').get_data(as_text=True)
    assert 'Confirm this version' not in page
    auth.logout()
    public = client.get(f'/rules/{place.a.code}').get_data(as_text=True)
    assert 'Version 2 is proposed and waits for the Party organisation.' in public
    assert 'Confirm this version' not in client.get(f'/rules/{place.a.code}/v/2').get_data(as_text=True)
    auth.login(people['party'])
    page = client.get(f'/rules/{place.a.code}/v/2').get_data(as_text=True)
    assert 'Confirm this version' in page
    assert 'Decline this version' in page


def test_second_proposal_over_http_is_refused_while_one_is_pending(client, auth, csrf, db, place, people):
    auth.login(people['director'])
    client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf()))
    response = client.post(f'/rules/{place.a.code}/propose', data=form_data(csrf(), number_notice_days='12'))
    assert 'already waiting for confirmation' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(RuleSet.id)).where(RuleSet.community_id == place.a.id)) == 2
