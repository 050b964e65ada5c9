"""Issue 12: the meeting record says how people signed in and what each step did in words, not codes."""

from consult.meetings import checkin
from consult.meetings.record import log


def test_the_record_is_in_words(client, auth, db, cast, open_meeting):
    checkin.mark_present(cast.staff, open_meeting, cast.resident)
    log(open_meeting, 'participant_added', cast.staff, subject=cast.neighbour, detail='observer')
    log(open_meeting, 'floor_given', cast.director, subject=cast.resident, detail='3 min')
    log(open_meeting, 'roster_built', cast.staff, detail='households area: +1')
    db.session.commit()
    auth.login(cast.director)
    page = client.get(f'/meetings/{open_meeting.id}/record', headers={'Accept-Language': ''}).get_data(as_text=True)
    for code in ('adults: +', 'households area', '3 min', '· staff<', 'observer'):
        assert code not in page
    assert '工作人员登记到会' in page
    assert '全体已核验的成年居民：新增' in page
    assert '（限议题涉及的区域）：新增1人' in page
    assert '3分钟' in page
    assert '列席' in page


def test_each_room_link_names_its_meeting(client, auth, db, cast, open_meeting):
    auth.login(cast.resident)
    page = client.get('/meetings/mine').get_data(as_text=True)
    assert f'aria-label="Enter the meeting room: {open_meeting.title}"' in page


def test_the_agenda_accepts_a_full_width_bar():
    from consult.meetings.operations import parse_agenda

    assert parse_agenda('方案介绍｜10\n讨论 ｜ ３０\n表决') == [('方案介绍', 10), ('讨论', 30), ('表决', 15)]
