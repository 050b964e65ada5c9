"""The one public record of a result: no personal data anywhere, speakers named only with consent, and a fixed
number of statements whatever the size."""

import dataclasses
import json
from datetime import date

import sqlalchemy as sa

from consult.disclosure import operations
from consult.disclosure.public import public_record
from consult.disclosure.records import PublicRecord
from consult.meetings import checkin
from consult.meetings import live
from consult.meetings import minutes
from consult.meetings import operations as meetings
from consult.meetings.models import Participant
from consult.outcomes import operations as outcomes
from consult.roles.models import Role
from consult.topics.models import Topic
from tests.disclosure.conftest import OBJECTION

#: Personal fields filled with markers: none may appear in the public record or page.
MARKERS = {
    'mobile': '13955501234',
    'email': 'marker-mail@example.org',
    'real_name': 'MARKERREALNAME',
    'display_name': 'MARKERHIDDENNAME',
}
BIRTH = date(1971, 3, 17)
BIRTH_FORMS = ('1971-03-17', '1971年3月17日', '3/17/71', 'Mar 17, 1971', '1971/03/17')
OPEN_NAME = 'OPENSPEAKERNAME'


def _mark(db, user, n: int):
    for field, value in MARKERS.items():
        setattr(user, field, f'{value}{n}' if field != 'mobile' else f'{value[:-1]}{n}')
    user.birth_date = BIRTH


def _held_meeting(db, cast, open_meeting):
    """A meeting with three residents signed in, two speakers (one consented to be named), signed minutes; the
    topic's opinion formed there, checked, published; an objection by a third resident."""
    meeting = open_meeting
    for user in (cast.resident, cast.neighbour, cast.neighbour2):
        checkin.mark_present(cast.staff, meeting, user)
    db.session.execute(
        sa.update(Participant)
        .where(Participant.meeting_id == meeting.id, Participant.user_id == cast.neighbour.id)
        .values(name_public=True)
    )
    for speaker in (cast.resident, cast.neighbour):
        live.raise_hand(speaker, meeting)
        live.give_floor(cast.director, meeting, speaker.id, 3)
        live.end_turn(cast.director, meeting)
    minutes.save_minutes(cast.staff, meeting, '讨论了加装电梯的方案。', meeting.minutes_rev)
    meetings.close_meeting(cast.director, meeting, 'consensus', '同意加装电梯')
    db.session.commit()
    minutes.sign_minutes(cast.director, meeting)
    topic = db.session.get(Topic, meeting.topic_id)
    outcomes.record_opinion(cast.director, topic, True, '同意加装电梯。', ['一楼住户有不同意见'])
    outcomes.check_legality(cast.director, topic, 'pass')
    operations.prepare_publication(cast.staff, topic, '')
    operations.publish_result(cast.director, topic)
    operations.file_objection(cast.neighbour2, topic, OBJECTION)
    db.session.commit()
    return topic


def test_no_personal_field_reaches_the_record_or_the_page(db, cast, open_meeting, client):
    people = [cast.resident, cast.neighbour, cast.neighbour2, cast.representative, cast.director, cast.staff]
    for n, user in enumerate(people):
        _mark(db, user, n)
    cast.neighbour.display_name = OPEN_NAME
    for n, household in enumerate(cast.place.households(cast.place.a)):
        household.number = f'MARKERADDRESS{n}'
    db.session.commit()
    topic = _held_meeting(db, cast, open_meeting)
    record = public_record(topic.id)
    speakers = record.meetings[0].minutes.speakers
    assert [s.name for s in speakers] == [None, OPEN_NAME]  # named only with consent
    assert [s.badge for s in speakers] == ['resident', 'resident']
    assert record.objections[0].reasons == OBJECTION
    client.get('/account/logout')
    page = client.get(f'/results/{topic.id}').get_data(as_text=True)
    api = client.get(f'/api/v1/results/{topic.id}').get_data(as_text=True)
    texts = {
        'record': repr(record),
        'page': page,
        'api': api,
        **_zip_texts(client.get(f'/archive/topic/{topic.id}/record.zip')),
    }
    for where, text in texts.items():
        for marker in MARKERS.values():
            assert marker[:12] not in text, (where, marker)
        for form in BIRTH_FORMS:
            assert form not in text, (where, form)
        assert 'MARKERADDRESS' not in text, where
    assert OPEN_NAME in page
    assert OBJECTION in page
    assert OPEN_NAME in api
    assert OPEN_NAME in texts['transcript.html']  # the record's ZIP: named only with consent, as on the page
    assert OBJECTION in texts['parts/objections.csv']


def test_the_api_answers_the_same_record_as_the_page(db, cast, open_meeting, client):
    """One function decides what is public: the API's result is ``public_record`` itself, field for field."""
    from consult.opendata.resources.records import PublicRecordSchema

    topic = _held_meeting(db, cast, open_meeting)
    client.get('/account/logout')
    answer = client.get(f'/api/v1/results/{topic.id}')
    assert answer.status_code == 200
    body = answer.get_json()
    assert body == json.loads(json.dumps(PublicRecordSchema().dump(public_record(topic.id))))
    assert [s['name'] for s in body['meetings'][0]['minutes']['speakers']] == [None, cast.neighbour.display_name]
    assert body['objections'][0]['reasons'] == OBJECTION
    assert body['publications'][0]['round'] == 1
    assert body['votes'] == []
    assert body['opinion']['dissent'] == ['一楼住户有不同意见']
    fields = set(body)
    assert fields == {f.name for f in dataclasses.fields(PublicRecord)}  # nothing more, nothing left out


def _zip_texts(response) -> dict[str, str]:
    """Every file of the record's ZIP (archive's download), as text."""
    import io
    import zipfile

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as bundle:
        return {name: bundle.read(name).decode('utf-8', 'replace') for name in bundle.namelist()}


def test_the_page_reads_a_fixed_number_of_statements(
    db, cast, published, make_resident, make_user, grant, count_queries, client
):
    homes = cast.place.households(cast.place.a)
    operations.file_objection(cast.neighbour, published, OBJECTION)
    db.session.commit()
    with count_queries() as small:
        assert client.get(f'/results/{published.id}').status_code == 200
    with count_queries() as small_record:
        public_record(published.id)
    for n in range(6):
        operations.file_objection(make_resident(homes[n % len(homes)]), published, f'{OBJECTION}{n}')
    supervisor = make_user()
    grant(supervisor, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    operations.flag_irregularity(supervisor, published, '公示期内未张贴纸质公告。')
    operations.flag_irregularity(supervisor, published, '公示内容缺少表决票数。')
    db.session.commit()
    with count_queries() as large:
        assert client.get(f'/results/{published.id}').status_code == 200
    with count_queries() as large_record:
        record = public_record(published.id)
    assert len(record.objections) == 7
    assert len(record.irregularities) == 2
    assert large_record.count == small_record.count
    assert large.count == small.count


def test_nothing_is_public_before_publication(db, cast, prepared, client):
    assert public_record(prepared.id) is None
    assert client.get(f'/results/{prepared.id}').status_code == 404
    assert client.get(f'/api/v1/results/{prepared.id}').status_code == 404


def test_a_participant_consents_to_be_named_and_can_take_it_back(db, cast, make_meeting, client, auth, csrf):
    meeting = make_meeting()
    auth.login(cast.neighbour)
    page = client.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert 'id="consent"' in page
    assert 'checked' not in page.split('id="consent"')[1][:40]  # not named unless they say so
    token = csrf(f'/meetings/{meeting.id}')
    client.post(f'/meetings/{meeting.id}/naming', data={'csrf_token': token, 'consent': 'y'})
    named = db.session.scalar(
        sa.select(Participant.name_public).where(
            Participant.meeting_id == meeting.id, Participant.user_id == cast.neighbour.id
        )
    )
    assert named is True
    client.post(f'/meetings/{meeting.id}/naming', data={'csrf_token': token})
    db.session.expire_all()
    named = db.session.scalar(
        sa.select(Participant.name_public).where(
            Participant.meeting_id == meeting.id, Participant.user_id == cast.neighbour.id
        )
    )
    assert named is False
