"""The minutes' pages through HTTP: writing (phone form, stale revision), sign-off, corrections, download, queries."""

import hashlib
import html
import json

import sqlalchemy as sa

from consult.meetings import live
from consult.meetings import minutes
from consult.meetings import operations as ops
from consult.meetings.minutes_models import MinutesCorrection
from tests.meetings.conftest import reload
from tests.meetings.test_minutes_structured import close
from tests.meetings.test_minutes_structured import closed_meeting  # noqa: F401
from tests.meetings.test_minutes_structured import signed_meeting  # noqa: F401


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_secretary_writes_the_sections_on_one_page(client, auth, csrf, db, cast, open_meeting):
    first, second = open_meeting.items
    auth.login(cast.staff)
    page = _text(client.get(f'/meetings/{open_meeting.id}/minutes/edit'))
    assert f'name="item_{first.id}"' in page
    assert f'name="item_{second.id}"' in page
    assert 'name="dissent_2_view"' in page
    assert 'name="dissent_3_view"' not in page
    response = client.post(
        f'/meetings/{open_meeting.id}/minutes/edit',
        data={
            'csrf_token': csrf(),
            'rev': 0,
            f'item_{first.id}': '介绍了三个方案。',
            f'item_{second.id}': '多数赞成方案二。',
            'dissent_1_view': '影响一楼采光。',
            'dissent_1_by': '一楼住户',
            'dissent_2_view': '',
            'dissent_2_by': '',
            'minutes': '散会。',
        },
    )
    assert response.status_code == 302
    meeting = reload(db, open_meeting)
    assert [item.notes for item in meeting.items] == ['介绍了三个方案。', '多数赞成方案二。']
    assert meeting.dissents == [{'view': '影响一楼采光。', 'held_by': '一楼住户'}]
    assert (meeting.minutes, meeting.minutes_rev) == ('散会。', 1)
    page = _text(client.get(f'/meetings/{open_meeting.id}/minutes/edit'))
    assert 'name="dissent_3_view"' in page  # the one kept and two empty rows
    view = _text(client.get(f'/meetings/{open_meeting.id}/minutes'))
    assert '多数赞成方案二。' in view
    assert 'View of: 一楼住户' in view
    assert 'Draft: not signed off yet' in view


def test_a_stale_form_is_refused_with_the_text_kept(client, auth, csrf, db, cast, open_meeting):
    auth.login(cast.staff)
    ops.save_minutes(cast.staff, open_meeting, '另一位编辑保存的', 0)
    db.session.commit()
    response = client.post(
        f'/meetings/{open_meeting.id}/minutes/edit',
        data={'csrf_token': csrf(), 'rev': 0, 'minutes': '我写的内容'},
    )
    assert response.status_code == 200
    page = _text(response)
    assert 'saved elsewhere since you started' in page
    assert '我写的内容' in page
    assert reload(db, open_meeting).minutes == '另一位编辑保存的'


def test_the_chair_signs_off_on_the_minutes_page(client, auth, csrf, db, cast, closed_meeting):  # noqa: F811
    auth.login(cast.staff)
    page = _text(client.get(f'/meetings/{closed_meeting.id}/minutes'))
    assert f'action="/meetings/{closed_meeting.id}/minutes/sign"' not in page
    auth.logout()
    auth.login(cast.director)
    page = _text(client.get(f'/meetings/{closed_meeting.id}/minutes'))
    assert f'action="/meetings/{closed_meeting.id}/minutes/sign"' in page
    assert 'data-confirm="Sign the minutes off?' in page
    response = client.post(
        f'/meetings/{closed_meeting.id}/minutes/sign', data={'csrf_token': csrf(), 'rev': closed_meeting.minutes_rev}
    )
    assert response.status_code == 302
    page = _text(client.get(f'/meetings/{closed_meeting.id}/minutes'))
    assert 'Signed off by' in page
    assert 'The stored document matches its SHA-256.' in page
    assert '/minutes/sign"' not in page
    again = client.post(
        f'/meetings/{closed_meeting.id}/minutes/sign', data={'csrf_token': csrf()}, follow_redirects=True
    )
    assert 'already signed off' in _text(again)
    download = client.get(f'/meetings/{closed_meeting.id}/minutes/signed.json')
    assert download.mimetype == 'application/json'
    assert hashlib.sha256(download.get_data()).hexdigest() == download.headers['X-Minutes-SHA256']
    assert json.loads(download.get_data())['signed']['by']['id'] == cast.director.id


def test_signed_minutes_refuse_the_edit_page_and_the_room_box_with_the_rule(
    client,
    auth,
    csrf,
    db,
    cast,
    signed_meeting,  # noqa: F811
):
    auth.login(cast.staff)
    edit = client.get(f'/meetings/{signed_meeting.id}/minutes/edit', follow_redirects=True)
    assert 'archived as they were signed' in _text(edit)
    post = client.post(
        f'/meetings/{signed_meeting.id}/minutes/edit',
        data={'csrf_token': csrf(), 'rev': signed_meeting.minutes_rev, 'minutes': '改'},
        follow_redirects=True,
    )
    assert 'archived as they were signed' in _text(post)
    room_box = client.post(
        f'/meetings/{signed_meeting.id}/minutes',
        data={'csrf_token': csrf(), 'minutes': '改', 'rev': signed_meeting.minutes_rev},
        headers={'Accept': 'application/json'},
    )
    assert room_box.status_code == 409
    assert room_box.json['code'] == 'signed'
    assert 'Urban Community Archives' in room_box.json['message']
    assert 'id="minutes-form"' not in _text(client.get(f'/meetings/{signed_meeting.id}/room'))
    assert reload(db, signed_meeting).minutes == '会议记录：讨论了三个方案。'


def test_corrections_appear_under_the_signed_minutes_in_order(client, auth, csrf, db, cast, signed_meeting):  # noqa: F811
    auth.login(cast.staff)
    page = _text(client.get(f'/meetings/{signed_meeting.id}/minutes'))
    assert 'id="correct"' in page
    token = page.split('name="correction-submission_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    form = {'csrf_token': csrf(), 'correction-submission_token': token, 'correction-body': '第一处更正'}
    response = client.post(
        f'/meetings/{signed_meeting.id}/minutes/corrections', data={**form, 'correction-reason': '笔误'}
    )
    assert response.status_code == 302
    repeat = client.post(
        f'/meetings/{signed_meeting.id}/minutes/corrections', data={**form, 'correction-reason': '笔误'}
    )
    assert repeat.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MinutesCorrection.id))) == 1  # a double click appends once
    minutes.correct_minutes(cast.director, signed_meeting, '第二处更正', '遗漏')
    db.session.commit()
    page = _text(client.get(f'/meetings/{signed_meeting.id}/minutes'))
    assert page.index('第一处更正') < page.index('第二处更正')
    assert 'Reason: 遗漏' in page
    auth.logout()
    auth.login(cast.resident)
    assert client.get(f'/meetings/{signed_meeting.id}/minutes').status_code == 200  # on the roster: reads them
    refused = client.post(
        f'/meetings/{signed_meeting.id}/minutes/corrections',
        data={'csrf_token': csrf(), 'correction-body': 'x', 'correction-reason': 'y'},
    )
    assert refused.status_code == 403


def test_the_record_and_meeting_pages_link_to_the_minutes(client, auth, db, cast, open_meeting):
    auth.login(cast.resident)
    for path in (f'/meetings/{open_meeting.id}', f'/meetings/{open_meeting.id}/record'):
        assert f'href="/meetings/{open_meeting.id}/minutes"' in _text(client.get(path))


def _hold(db, cast, meeting, turns: int):
    """Open ``meeting``, give the floor ``turns`` times spread over its agenda items, write notes, close it."""
    ops.open_meeting(cast.director, meeting)
    speakers = (cast.resident, cast.neighbour, cast.neighbour2)
    for n in range(turns):
        if len(meeting.items) > 1:
            live.start_item(cast.director, meeting, meeting.items[(n + 1) % len(meeting.items)].id)
        person = speakers[n % len(speakers)]
        live.raise_hand(person, meeting)
        live.give_floor(cast.director, meeting, person.id, 3)
        live.end_turn(cast.director, meeting)
    minutes.save_structured(cast.staff, meeting, 0, notes={item.id: f'{item.title}的记录' for item in meeting.items})
    return close(db, cast, meeting, text=None)


def test_the_minutes_page_reads_a_fixed_number_of_statements(client, auth, db, cast, make_meeting, count_queries):
    # Both scheduled first: closing the first with an opinion takes the topic out of the schedulable states.
    small = make_meeting(agenda='议程1 | 10')
    large = make_meeting(agenda='\n'.join(f'议程{n} | 10' for n in range(1, 7)))
    auth.login(cast.director)

    def counted(meeting, turns: int) -> tuple[int, int]:
        _hold(db, cast, meeting, turns)
        url = f'/meetings/{meeting.id}/minutes'
        client.get(url)
        with count_queries() as draft:
            page = _text(client.get(url))
        assert page.count('<td data-label="Speaker">') == turns
        minutes.sign_minutes(cast.director, meeting)
        db.session.commit()
        client.get(url)
        with count_queries() as signed:
            page = _text(client.get(url))
        assert f'{meeting.items[-1].title}的记录' in page
        return draft.count, signed.count

    few = counted(small, turns=1)
    many = counted(large, turns=6)
    assert many == few
