"""The topic page's opinion section and the pages that record the opinion, the check and corrections."""

import re

import sqlalchemy as sa

from consult.outcomes import operations
from consult.outcomes.models import OpinionCorrection
from consult.topics.models import TopicStatus
from tests.outcomes.conftest import OPINION
from tests.outcomes.conftest import opinion_of


def _section(page: str) -> str:
    return page.split('id="outcome-title"', 1)[1].split('</section>', 1)[0]


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_section_shows_the_opinion_its_dissent_votes_and_check(db, client, auth, cast, formed, adults):
    from tests.outcomes.conftest import deciding_vote

    operations.check_legality(cast.director, formed, 'needs_vote', matter='fund_raising')
    db.session.commit()
    vote = deciding_vote(db, cast, formed, [(u, 0) for u in adults[:3]])
    page = client.get(f'/topics/{formed.id}').get_data(as_text=True)
    section = _section(page)
    assert 'Consultation opinion and legality check' in page
    assert '同意在3号楼加装电梯' in section
    assert '一楼住户反对分摊费用' in section
    assert 'Consensus was reached' in section
    assert 'A matter the residents&#39; meeting must decide by a vote' in section
    assert 'Urban Residents Committee Organisation Law art 16' in section
    assert 'Record the legality check' not in section  # anonymous: nothing to do
    assert 'Legality check passed, result to be published' in page  # the vote passed
    assert f'/votes/{vote.id}' not in section  # the opinion relied on no vote; the deciding vote is the topic's


def test_the_director_records_the_opinion_and_the_check_from_the_page(db, client, auth, cast, make_topic, adults):
    topic = make_topic('opinion_formed')
    auth.login(cast.director)
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    section = _section(page)
    assert f'/outcomes/topic/{topic.id}/opinion' in section
    assert f'/outcomes/topic/{topic.id}/legality' in section
    form = client.get(f'/outcomes/topic/{topic.id}/opinion').get_data(as_text=True)
    assert '多数居民**赞成**。' in form  # prefilled from the comment period's summary
    response = client.post(
        f'/outcomes/topic/{topic.id}/opinion',
        data={
            'csrf_token': _token(form),
            'consensus': 'no',
            'text': OPINION,
            'dissent': '一楼住户反对\n\n二楼住户希望分期',
        },
    )
    assert response.status_code == 302
    opinion = opinion_of(topic)
    assert opinion.consensus is False
    assert opinion.dissent == ['一楼住户反对', '二楼住户希望分期']
    form = client.get(f'/outcomes/topic/{topic.id}/legality').get_data(as_text=True)
    assert OPINION in form
    refused = client.post(
        f'/outcomes/topic/{topic.id}/legality',
        data={'csrf_token': _token(form), 'result': 'pass', 'matter': 'compact'},
    ).get_data(as_text=True)
    assert 'role="alert"' in refused
    assert 'Urban Residents Committee Organisation Law art 15' in refused
    db.session.expire_all()
    assert topic.status == TopicStatus.OPINION_FORMED
    response = client.post(
        f'/outcomes/topic/{topic.id}/legality', data={'csrf_token': _token(form), 'result': 'pass', 'matter': ''}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert topic.status == TopicStatus.LEGALITY_REVIEWED
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    assert f'/outcomes/opinion/{opinion.id}/correct' in _section(page)


def test_the_submitter_and_residents_get_no_form(db, client, auth, cast, formed):
    for person in (cast.staff, cast.resident, cast.neighbour):
        auth.login(person)
        page = client.get(f'/topics/{formed.id}').get_data(as_text=True)
        assert '/outcomes/topic/' not in _section(page)
        assert client.get(f'/outcomes/topic/{formed.id}/opinion').status_code == 403
        assert client.get(f'/outcomes/topic/{formed.id}/legality').status_code == 403
        auth.logout()


def test_a_correction_posted_twice_is_appended_once(db, client, auth, cast, formed):
    operations.check_legality(cast.director, formed, 'pass')
    db.session.commit()
    opinion = opinion_of(formed)
    auth.login(cast.director)
    form = client.get(f'/outcomes/opinion/{opinion.id}/correct').get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {'csrf_token': _token(form), 'submission_token': token, 'body': '更正：分摊比例另议'}
    assert client.post(f'/outcomes/opinion/{opinion.id}/correct', data=data).status_code == 302
    assert client.post(f'/outcomes/opinion/{opinion.id}/correct', data=data).status_code == 302
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(OpinionCorrection).where(OpinionCorrection.opinion_id == opinion.id)
    )
    assert count == 1
    page = client.get(f'/topics/{formed.id}').get_data(as_text=True)
    assert '更正：分摊比例另议' in _section(page)


def test_the_states_read_well_in_chinese(db, client, cast, make_topic):
    labels = {
        'legality_reviewed': '合法性审查通过，待公布结果',
        'pending_vote': '待居民会议表决',
        'returned': '合法性审查未通过，退回重新协商',
    }
    for state, label in labels.items():
        topic = make_topic(state)
        page = client.get(f'/topics/{topic.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
        assert label in page, state
        assert '协商意见与合法性审查' in page


def test_the_committees_home_lists_the_opinions_awaiting_their_check(db, client, auth, cast, formed):
    auth.login(cast.director)
    home = client.get('/').get_data(as_text=True)
    assert 'data-work="legality"' in home
    assert f'/topics/{formed.id}#outcome' in home
    auth.logout()
    auth.login(cast.neighbour)
    assert 'data-work="legality"' not in client.get('/').get_data(as_text=True)
