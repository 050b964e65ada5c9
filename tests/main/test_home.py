"""Each role's home lists its own work (``home_work``), in a fixed number of statements; the navigation
offers what the role can do and the unread notifications."""

import re

import pytest

from consult.notifications.operations import notify
from consult.roles.models import Role


def _home(client, db):
    db.session.expire_all()
    response = client.get('/')
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cards(page: str, notifications: bool = False) -> set[str]:
    """The cards of work on the page (the unread notifications' card only when asked)."""
    cards = set(re.findall(r'data-work="([a-z_]+)"', page))
    return cards if notifications else cards - {'notifications'}


@pytest.fixture
def work(db, cast, make_topic, make_ticket, open_meeting):
    """One of each kind of work in community A: a topic to review, one to approve, a dispatched item, a meeting."""
    return {
        'review': make_topic('submitted', title='待初审的议题'),
        'screening': make_topic('screening', title='待把关的议题'),
        'ticket': make_ticket('dispatched'),
        'meeting': open_meeting,
    }


def test_a_resident_on_the_roster_finds_the_meeting_in_session(db, client, auth, cast, work):
    auth.login(cast.neighbour)
    page = _home(client, db)
    assert _cards(page) == {'meetings_open'}
    meeting = work['meeting']
    assert f'aria-label="Enter the meeting room: {meeting.title}"' in page
    assert f'href="/meetings/{meeting.id}/room"' in page
    assert 'Meetings in session' in page


def test_the_department_finds_its_dispatched_item(db, client, auth, cast, work):
    auth.login(cast.department)
    page = _home(client, db)
    assert _cards(page) == {'dispatch'}
    assert f'href="/dispatch/{work["ticket"].id}"' in page
    assert work['ticket'].topic.title in page
    assert '待初审的议题' not in page
    assert '待把关的议题' not in page
    assert 'status-pending' not in page  # no residence banner for officials


def test_the_committee_sees_its_queues_and_the_meeting_it_runs(db, client, auth, cast, work):
    auth.login(cast.staff)
    page = _home(client, db)
    assert {'review', 'dispatch', 'claims', 'petitions', 'meetings_open'} <= _cards(page)
    assert 'confirmation' not in _cards(page)
    assert f'href="/topics/{work["review"].id}"' in page
    assert 'status-pending' not in page
    nav = page.split('<nav', 1)[1].split('</nav>', 1)[0]
    assert 'href="/dispatch/"' in nav
    assert 'href="/topics/review"' in nav
    assert 'href="/topics/confirmation"' not in nav


def test_the_party_organisation_sees_its_approval_queue_only(db, client, auth, cast, work):
    auth.login(cast.party)
    page = _home(client, db)
    assert _cards(page) == {'confirmation'}
    assert f'href="/topics/{work["screening"].id}"' in page
    assert '待初审的议题' not in page
    nav = page.split('<nav', 1)[1].split('</nav>', 1)[0]
    assert 'href="/topics/confirmation"' in nav
    assert 'href="/dispatch/"' not in nav


def test_another_communitys_committee_sees_none_of_it(db, client, auth, cast, work):
    auth.login(cast.staff_b)
    page = _home(client, db)
    assert 'meetings_open' not in _cards(page)
    for title in ('待初审的议题', '待把关的议题', work['ticket'].topic.title, work['meeting'].title):
        assert title not in page


def test_only_people_without_an_official_role_are_told_their_residence_is_unverified(db, client, auth, cast):
    auth.login(cast.stranger)
    assert 'status-pending' in _home(client, db)
    auth.logout()
    auth.login(cast.joint)  # no residence either, but an official
    page = _home(client, db)
    assert 'status-pending' not in page


def test_notifications_are_linked_with_their_unread_count(db, client, auth, cast):
    notify([cast.resident.id] * 1 + [cast.neighbour.id], 'accept')
    notify([cast.resident.id], 'merge')
    notify([cast.resident.id], 'reject')
    db.session.commit()
    auth.login(cast.resident)
    page = _home(client, db)
    nav = page.split('<nav', 1)[1].split('</nav>', 1)[0]
    assert 'href="/topics/notifications" aria-label="Notifications (3 unread)"' in nav
    client.post('/topics/notifications', data={'csrf_token': _csrf(page)})
    nav = _home(client, db).split('<nav', 1)[1].split('</nav>', 1)[0]
    assert 'href="/topics/notifications">Notifications</a>' in nav


def _csrf(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_the_home_reads_a_fixed_number_of_statements(
    db, client, auth, cast, grant, make_topic, make_ticket, make_meeting, count_queries
):
    """The committee director with every queue: more work adds rows, not statements."""
    grant(cast.director, Role.PARTY_ORG, community=cast.place.a)
    auth.login(cast.director)

    def statements():
        db.session.expire_all()  # each request loads its user afresh, as in production
        with count_queries() as counter:
            page = _home(client, db)
        return counter.count, page

    make_topic('submitted')
    make_topic('screening')
    make_ticket('dispatched')
    make_meeting()
    notify([cast.director.id], 'accept')
    db.session.commit()
    few, page = statements()
    assert {'review', 'confirmation', 'dispatch', 'meetings_next', 'notifications'} <= _cards(page, True)
    for _n in range(6):
        make_topic('submitted')
        make_topic('screening')
        make_ticket('reported')
        notify([cast.director.id], 'merge')
    make_meeting()
    make_meeting()
    db.session.commit()
    many, page = statements()
    assert page.count('class="work-row') > 10
    assert many == few
