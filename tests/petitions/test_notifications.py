"""The starter and signers are told when a petition is met, convened, lapses or is withdrawn; email after commit."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.kernel.clock import today
from consult.notifications.models import Notification
from consult.petitions import operations
from consult.petitions import sweeps
from consult.roles.models import Role
from tests.petitions.conftest import households_of


def _kinds(db, petition):
    return sorted(
        db.session.execute(
            sa.select(Notification.user_id, Notification.kind).where(Notification.petition_id == petition.id)
        ).all()
    )


@pytest.fixture
def scene(db, place, residents, make_resident, petition, signatures, english):
    """An open petition one signature short (households: 3 of 16); its starter and two other signers."""
    households = households_of(place.a)
    ids = {h.id: residents(h, 10) for h in households}
    starter = make_resident(households[0])
    signers = [ids[households[i].id][0] for i in (4, 8)]
    p = petition(place.a, starter.id)
    signatures(p, [starter.id, *signers])
    last = make_resident(households[12])
    return p, starter, signers, last


def test_meeting_the_threshold_tells_the_starter_and_every_signer(db, scene):
    p, starter, signers, last = scene
    operations.sign(last, p)
    db.session.commit()
    assert _kinds(db, p) == sorted((u, 'petition_met') for u in (starter.id, *signers, last.id))


def test_recording_the_meeting_tells_them_but_not_the_committee(db, place, scene, make_user, grant):
    p, starter, signers, last = scene
    operations.sign(last, p)
    staff = make_user()
    grant(staff, Role.COMMITTEE_STAFF, community=place.a)
    operations.record_convened(staff, p, today(), 'Held in the hall.')
    db.session.commit()
    convened = [u for u, kind in _kinds(db, p) if kind == 'petition_convened']
    assert sorted(convened) == sorted([starter.id, *signers, last.id])


def test_withdrawing_tells_the_signers_not_the_starter(db, scene):
    p, starter, signers, _last = scene
    operations.withdraw_petition(starter, p)
    db.session.commit()
    assert _kinds(db, p) == sorted((u, 'petition_withdrawn') for u in signers)


def test_lapsing_tells_everyone(db, scene):
    p, starter, signers, _last = scene
    sweeps.lapse_due(p.lapses_at + timedelta(seconds=1))
    db.session.commit()
    assert _kinds(db, p) == sorted((u, 'petition_lapsed') for u in (starter.id, *signers))


def test_mail_goes_after_the_commit_only_when_smtp_is_configured(db, app, scene, mail_server):
    p, starter, _signers, last = scene
    starter.email = 'starter@example.org'
    db.session.commit()
    operations.sign(last, p)
    assert mail_server.messages == []  # not before the commit
    db.session.commit()
    assert mail_server.recipients() == ['starter@example.org']
    assert 'Repair the lift' in mail_server.messages[0][2]['Subject']


def test_no_mail_without_smtp(db, app, scene, monkeypatch):
    p, starter, _signers, last = scene
    import consult.notifications.operations as topic_notifications

    monkeypatch.setattr(topic_notifications, '_deliver', lambda pending: pytest.fail('mail without SMTP'))
    starter.email = 'starter@example.org'
    operations.sign(last, p)
    db.session.commit()


def test_the_notifications_page_links_the_petition(db, client, auth, scene):
    p, starter, _signers, last = scene
    operations.sign(last, p)
    db.session.commit()
    auth.login(starter)
    text = client.get('/topics/notifications').get_data(as_text=True)
    assert f'href="/petitions/{p.id}"' in text
    assert 'Petition met its threshold' in text


def test_topic_notifications_still_show(db, client, auth, place, make_resident, english):
    """The generalised model keeps topic notifications as they were."""
    from consult.topics.models import Topic

    user = make_resident(households_of(place.a)[0])
    topic = Topic(
        community_id=place.a.id,
        title='Parking',
        body='x',
        body_html='<p>x</p>',
        source_channel='online',
        submitted_by_id=user.id,
        status='submitted',
    )
    db.session.add(topic)
    db.session.flush()
    db.session.add(Notification(user_id=user.id, topic_id=topic.id, kind='accept'))
    db.session.commit()
    auth.login(user)
    text = client.get('/topics/notifications').get_data(as_text=True)
    assert f'href="/topics/{topic.id}"' in text
