"""A creating form posted several times at once on PostgreSQL creates one object (issue 11, item 10).

Real HTTP requests through the app (a test client per thread, logged in as the same person, the same
page's token in every post), released together: the UNIQUE token makes every post but one wait for the
first transaction, find its token and answer with a redirect to what it created.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.petitions.models import Petition
from consult.submissions import Submission
from consult.topics.models import Topic
from tests import support
from tests.conftest import AuthActions
from tests.conftest import csrf_token
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together

pytestmark = postgres_only
RACERS = 8


def _place(app, suffix: str, prefix: str) -> tuple[int, str, str]:
    """Community A with a verified resident in each household; returns (community id, code, a resident's mobile)."""
    with app.app_context():
        session = _db.session
        place = support.build_place(session, suffix=suffix)
        session.commit()
        session.expire_all()
        homes = place.households(place.a)
        people = committed_residents(session, place.a, homes, len(homes), prefix)
        session.commit()
        result = place.a.id, place.a.code, session.get(User, people[0]).mobile
        _db.session.remove()
        return result


def _race(app, mobile: str, form_url: str, post_url: str, data: dict) -> list:
    shared: dict = {}

    def prepare(index: int):
        client = app.test_client()
        assert AuthActions(client).login(mobile, headers={'Accept-Language': 'en'}).status_code == 302
        if index == 0:
            shared['token'] = support.submission_token(client.get(form_url).get_data(as_text=True))
        return client, csrf_token(client, form_url)

    def step(_index: int, prepared) -> tuple[int, str]:
        client, csrf = prepared
        response = client.post(post_url, data={**data, 'csrf_token': csrf, 'submission_token': shared['token']})
        return response.status_code, response.headers.get('Location', '')

    # The token is read by racer 0 before the barrier, so every racer has it when they are released.
    return run_together(app, RACERS, step, prepare=prepare), shared['token']


def test_a_topic_posted_eight_times_at_once_is_created_once(app, engine):  # noqa: F811
    community_id, _code, mobile = _place(app, 'topicrace', '1677')
    data = {
        'community_id': str(community_id),
        'channel': 'online',
        'title': '同时提交',
        'body': '双击',
        'categories': ['public_affairs'],
        'area_kind': 'community',
        'declared_not_excluded': 'y',
        'submit_now': 'Submit',
    }
    outcomes, token = _race(app, mobile, f'/topics/new?community_id={community_id}', '/topics/new', data)
    with Session(engine) as session:
        (topic_id,) = session.scalars(sa.select(Topic.id).where(Topic.community_id == community_id)).all()
        assert session.scalar(sa.select(Submission.object_id).where(Submission.token == token)) == topic_id
    assert outcomes == [(302, f'/topics/{topic_id}')] * RACERS


def test_a_petition_started_eight_times_at_once_is_started_once(app, engine):  # noqa: F811
    community_id, code, mobile = _place(app, 'petitionrace', '1678')
    url = f'/petitions/c/{code}/start'
    outcomes, _token = _race(app, mobile, url, url, {'title': 'Lift', 'matter': 'Broken.'})
    with Session(engine) as session:
        (petition_id,) = session.scalars(sa.select(Petition.id).where(Petition.community_id == community_id)).all()
    assert outcomes == [(302, f'/petitions/{petition_id}')] * RACERS


def test_a_role_granted_eight_times_at_once_is_granted_once(app, engine):  # noqa: F811
    """Grants have no unique index: before the token, posts that arrived together each made a grant."""
    from consult.roles.models import RoleGrant

    with app.app_context():
        session = _db.session
        place = support.build_place(session, suffix='grantrace')
        session.commit()
        director, target = committed_residents(session, place.a, place.households(place.a), 2, '1679')
        session.add(RoleGrant(user_id=director, role='committee_director', reason='test', community_id=place.a.id))
        session.commit()
        community_id = place.a.id
        director_mobile, target_mobile = (session.get(User, user_id).mobile for user_id in (director, target))
        _db.session.remove()
    data = {
        'identifier': target_mobile,
        'role': 'expert',
        'community_id': community_id,
        'central_community_id': 0,
        'department_id': 0,
        'reason': '规划咨询',
    }
    outcomes, _token = _race(app, director_mobile, '/roles/grant', '/roles/grant', data)
    assert outcomes == [(302, '/roles/')] * RACERS
    with Session(engine) as session:
        grants = session.scalars(sa.select(RoleGrant).where(RoleGrant.user_id == target)).all()
        assert len(grants) == 1
