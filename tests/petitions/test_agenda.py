"""Recording the meeting may link the topic on its agenda: a public topic of the petition's own community."""

import pytest
import sqlalchemy as sa

from consult.kernel.clock import today
from consult.kernel.refusals import Refusal
from consult.petitions import operations
from consult.petitions.models import PetitionStatus
from consult.roles.models import Role
from consult.topics.models import Topic
from tests.petitions.conftest import households_of


@pytest.fixture
def met(db, place, residents, make_resident, petition, signatures, english):
    households = households_of(place.a)
    ids = {h.id: residents(h, 10) for h in households}
    starter = make_resident(households[0])
    p = petition(place.a, starter.id)
    signatures(p, [starter.id, *(ids[households[i].id][0] for i in (4, 8, 12))])
    assert operations.check_threshold(p)
    db.session.commit()
    return p


@pytest.fixture
def staff(make_user, grant, place):
    user = make_user()
    grant(user, Role.COMMITTEE_STAFF, community=place.a)
    return user


@pytest.fixture
def topic(db, make_user):
    def make(community, status='announced', public=True):
        row = Topic(
            community_id=community.id,
            title=f'Lift repair plan ({community.code})',
            body='x',
            body_html='<p>x</p>',
            source_channel='online',
            submitted_by_id=make_user().id,
            status=status,
            public=public,
        )
        db.session.add(row)
        db.session.commit()
        return row

    return make


def test_the_topic_is_linked_and_shown(db, client, place, met, staff, topic):
    agenda = topic(place.a)
    operations.record_convened(staff, met, today(), 'Held.', agenda.id)
    db.session.commit()
    assert (met.status, met.topic_id) == (PetitionStatus.CONVENED, agenda.id)
    text = client.get(f'/petitions/{met.id}').get_data(as_text=True)
    assert f'href="/topics/{agenda.id}"' in text
    assert 'Topic on the agenda:' in text


@pytest.mark.parametrize(
    ('where', 'status', 'public'), [('b', 'announced', True), ('a', 'draft', True), ('a', 'announced', False)]
)
def test_another_communitys_a_draft_or_a_private_topic_is_refused(db, place, met, staff, topic, where, status, public):
    other = topic(getattr(place, where), status=status, public=public)
    with pytest.raises(Refusal) as refusal:
        operations.record_convened(staff, met, today(), 'Held.', other.id)
    assert refusal.value.code == 'invalid_topic'
    assert refusal.value.rule is operations.AGENDA_TOPIC
    db.session.rollback()
    db.session.refresh(met)
    assert (met.status, met.topic_id) == (PetitionStatus.THRESHOLD_MET, None)


def test_a_missing_topic_is_refused(db, met, staff):
    with pytest.raises(Refusal):
        operations.record_convened(staff, met, today(), 'Held.', 999_999)


def test_the_topic_id_is_a_real_foreign_key(db, met):
    met.topic_id = 999_999
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()


def test_the_form_offers_this_communitys_topics_and_records_the_link(db, client, auth, csrf, place, met, staff, topic):
    mine, theirs = topic(place.a), topic(place.b)
    auth.login(staff)
    page = client.get(f'/petitions/{met.id}/convened').get_data(as_text=True)
    assert mine.title in page
    assert theirs.title not in page
    data = {'csrf_token': csrf(), 'convened_on': today().isoformat(), 'note': 'Held.', 'topic_id': str(theirs.id)}
    refused = client.post(f'/petitions/{met.id}/convened', data=data)
    assert refused.status_code == 200  # not a choice: the form refuses it
    db.session.refresh(met)
    assert met.status == PetitionStatus.THRESHOLD_MET
    response = client.post(f'/petitions/{met.id}/convened', data={**data, 'topic_id': str(mine.id)})
    assert response.status_code == 302
    db.session.refresh(met)
    assert (met.status, met.topic_id) == (PetitionStatus.CONVENED, mine.id)
