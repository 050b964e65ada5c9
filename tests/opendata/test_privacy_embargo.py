"""No personal field and nothing of an open vote leaves the API, its CSV exports or the results feed."""

from .conftest import MARKERS
from .conftest import OPEN_VOTE_TITLE
from .conftest import as_json
from .conftest import body_of
from .conftest import every_url


def test_every_route_of_the_document_answers_on_the_seeded_data(app, client, seeded):
    urls = every_url(app, seeded)
    assert len(urls) > 20
    for url in urls:
        body_of(client, url)


def test_no_personal_field_appears_in_any_answer(app, client, seeded):
    for url in every_url(app, seeded):
        for language in ('zh-CN', 'en'):
            body = client.get(url, headers={'Accept-Language': language}).get_data(as_text=True)
            for field, marker in MARKERS.items():
                assert marker not in body, f'{field} leaks in {url}'
            assert 'MkPlace' not in body


def test_the_seeded_people_are_really_in_the_database(seeded):
    """The privacy test reads what is there: the markers are in the rows the API reads around."""
    assert seeded.person.real_name.startswith(MARKERS['real_name'])
    assert MARKERS['held_by'] in seeded.minutes.document
    assert seeded.person.display_name in seeded.minutes.document


def test_an_open_vote_is_in_no_answer(app, client, seeded):
    for url in every_url(app, seeded):
        body = client.get(url).get_data(as_text=True)
        assert OPEN_VOTE_TITLE not in body, url
        assert '甲方案' not in body, url
    response = client.get(f'/api/v1/votes/{seeded.open_vote.id}')
    assert response.status_code == 404
    assert as_json(response)['error']['code'] == 404
    listed = as_json(client.get(f'/api/v1/votes?meeting={seeded.meeting.id}'))['data']
    assert [v['id'] for v in listed] == [seeded.closed_vote.id]
    opinion = as_json(client.get('/api/v1/opinions'))['data'][0]
    assert opinion['vote_ids'] == [seeded.closed_vote.id]


def test_private_and_draft_topics_and_what_hangs_on_them_are_absent(db, client, seeded):
    from consult.votes.models import Vote

    ids = [t['id'] for t in as_json(client.get('/api/v1/topics'))['data']]
    assert ids == [seeded.topic.id]
    for topic in (seeded.private_topic, seeded.draft_topic):
        assert client.get(f'/api/v1/topics/{topic.id}').status_code == 404
        assert client.get(f'/api/v1/topics/{topic.id}/timeline').status_code == 404
        assert client.get(f'/api/v1/topics/{topic.id}/timeline.csv').status_code == 404
    vote = Vote(
        community_id=seeded.place.a.id,
        topic_id=seeded.private_topic.id,
        title='私密表决',
        kind='motion',
        rule_kind='residents_meeting',
        electorate_mode='adults',
        status='closed',
        created_by_id=seeded.person.id,
        closed_at=seeded.closed_vote.closed_at,
        result={},
    )
    db.session.add(vote)
    db.session.commit()
    assert client.get(f'/api/v1/votes/{vote.id}').status_code == 404
    assert '私密表决' not in client.get('/api/v1/votes.csv').get_data(as_text=True)


def test_a_vote_appears_once_closed(db, client, seeded):
    from consult.kernel.clock import utcnow

    assert client.get(f'/api/v1/votes/{seeded.open_vote.id}').status_code == 404
    seeded.open_vote.status = 'closed'
    seeded.open_vote.closed_at = utcnow()
    seeded.open_vote.result = {'tally': {'counts': [4, 0]}}
    db.session.commit()
    shown = as_json(client.get(f'/api/v1/votes/{seeded.open_vote.id}'))
    assert shown['title'] == OPEN_VOTE_TITLE
    assert shown['options'] == ['甲方案', '乙方案']


def test_a_closed_vote_gives_each_condition_with_its_numbers_in_words(db, client, seeded):
    from consult.rules.defaults import MEETING_RULES
    from consult.votes.counting import tally
    from consult.votes.decide import decide

    rules = MEETING_RULES['residents_meeting']
    counted = tally('motion', 3, [((0,), 1)] * 31 + [((1,), 1)] * 9, seed=b'seed')
    decision = decide(
        'motion',
        counted,
        quorum=rules['quorum'],
        approval=rules['approval'],
        bases={('eligible', 'head'): 60, ('attending', 'head'): 40},
    )
    seeded.closed_vote.result = {'tally': counted.to_dict(), 'decision': decision.to_dict()}
    db.session.commit()
    chinese = as_json(client.get(f'/api/v1/votes/{seeded.closed_vote.id}', headers={'Accept-Language': 'zh-CN'}))
    abouts = [c['about'] for c in chinese['conditions']]
    assert 'quorum' in abouts
    assert 'approval' in abouts
    assert any('31' in c['text'] and '通过' in c['text'] for c in chinese['conditions'])
    english = as_json(client.get(f'/api/v1/votes/{seeded.closed_vote.id}', headers={'Accept-Language': 'en'}))
    assert any('passed' in c['text'] for c in english['conditions'])
    approval = next(c for c in english['conditions'] if c['about'] == 'approval')
    assert (approval['counted_what'], approval['counted'], approval['base'], approval['holds']) == ('yes', 31, 40, True)
    listed = as_json(client.get(f'/api/v1/votes?topic={seeded.topic.id}'))['data'][0]
    assert [c['counted'] for c in listed['conditions']] == [c['counted'] for c in english['conditions']]
    assert {c['text'] for c in listed['conditions']} == {None}
