"""Issue 12: a step's button says what it does (a verb); the timeline keeps the event that happened."""

import re

from consult.topics import states

EVENTS_AS_BUTTONS = ('已上提联合党委', '">党组织把关未通过</a>', '>居委会撤回<')


def _buttons(page: str) -> list[str]:
    section = page.split('id="actions-title"', 1)[1].split('</section>', 1)[0]
    return [re.sub(r'\s+', ' ', b).strip() for b in re.findall(r'<a class="button[^"]*"[^>]*>([^<]*)</a>', section)]


def test_every_step_has_a_verb_label():
    # Steps only the system takes (the review queue, a deciding vote's result) have no button.
    people = {action for action in states.TRANSITIONS if states.MACHINE.taken_by_people(action)}
    steps = people - states.ELSEWHERE - {'create', 'edit', 'cosigns_carried'}
    for action in steps:
        if action in ('close_comments', 'summarise_comments'):
            continue  # taken from the comment section's own forms, which have their own verb buttons
        assert action in states.STEP_LABELS, action
        assert str(states.STEP_LABELS[action]) != str(states.ACTION_LABELS[action])


def test_party_buttons_are_verbs_and_the_timeline_keeps_the_event(db, client, auth, cast, make_topic):
    topic = make_topic('screening')
    auth.login(cast.party)
    page = client.get(f'/topics/{topic.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
    buttons = _buttons(page)
    assert '上提联合党委' in buttons
    assert '退回：党组织把关未通过' in buttons
    for event in EVENTS_AS_BUTTONS:
        assert event not in page
    step = client.get(f'/topics/{topic.id}/step/escalate', headers={'Accept-Language': ''}).get_data(as_text=True)
    assert '<h1>上提联合党委</h1>' in step
    assert '>上提联合党委</button>' in step

    states.apply(topic, 'escalate', cast.party, reason='涉及两个社区')
    db.session.commit()
    page = client.get(f'/topics/{topic.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
    timeline = page.split('id="timeline-title"', 1)[1]
    assert '已上提联合党委' in timeline


def test_committee_withdraw_button_is_a_verb(db, client, auth, cast, make_topic):
    topic = make_topic('submitted')
    auth.login(cast.director)
    page = client.get(f'/topics/{topic.id}', headers={'Accept-Language': ''}).get_data(as_text=True)
    buttons = _buttons(page)
    assert '以居委会名义撤回议题' in buttons
    assert '居委会撤回' not in buttons
