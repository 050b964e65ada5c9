"""Issue 12: the audit log says what happened in words and names the object of each entry."""

import re

from consult.audit.labels import AUDIT_LABELS
from consult.audit.operations import record
from consult.dispatch.states import MACHINE as DISPATCH
from tests.support import ROOT

#: Actions with their own sentence (with details) in templates/audit/_action.html.
SENTENCES = set(re.findall(r"e\.action == '([a-z_.]+)'", (ROOT / 'templates/audit/_action.html').read_text()))


def _recorded_codes() -> set[str]:
    codes = set()
    for path in (ROOT / 'consult').rglob('*.py'):
        text = path.read_text()
        codes |= set(re.findall(r"\brecord\(\s*(?:actor|None),\s*'([a-z_]+\.[a-z_]+)'", text))
        codes |= set(re.findall(r"_announce\([^,]+,\s*actor,\s*'([a-z_]+\.[a-z_]+)'", text))
    codes |= {'topics.withdraw', 'topics.withdraw_by_committee'}  # 'topics.' + action
    codes |= {f'dispatch.{a}' for a in (*DISPATCH.transitions, 'propose', 'note')}  # f'dispatch.{action}'
    return codes


def test_every_recorded_action_has_words():
    codes = _recorded_codes()
    assert {'topics.submit', 'meeting.open', 'role.grant'} <= codes
    missing = sorted(code for code in codes if code not in AUDIT_LABELS and code not in SENTENCES)
    assert not missing


def test_the_log_shows_labels_and_objects(client, auth, db, place, make_user, grant):
    from consult.roles.models import Role

    director = make_user()
    grant(director, Role.COMMITTEE_DIRECTOR, community=place.a)
    record(director, 'topics.submit', community=place.a, topic_id=7)
    record(director, 'meeting.open', community=place.a, meeting_id=3, rule_set_id=1)
    db.session.commit()
    auth.login(director)
    page = client.get('/audit/', headers={'Accept-Language': ''}).get_data(as_text=True)
    assert 'topics.submit' not in page.replace('data-action="topics.submit"', '')
    assert 'meeting.open' not in page.replace('data-action="meeting.open"', '')
    assert '提交议题' in page
    assert '开启会议' in page
    assert '<a href="/topics/7">议题 #7</a>' in page
    assert '<a href="/meetings/3">会议 #3</a>' in page
