"""The cast route's login: checked as on every page without loading the person, its session read again at most
every ``LIVE_KEY_SECONDS``, and a session ended anywhere refused at once."""

import pytest
import sqlalchemy as sa

from consult.accounts import session as login_sessions
from consult.accounts.models import LoginSession
from consult.kernel.clock import utcnow
from consult.votes.closing import close_vote
from consult.votes.models import Elector
from consult.votes.operations import open_vote
from tests.conftest import csrf_token

JSON = {'Accept': 'application/json', 'Accept-Language': 'en'}


def _cast(client, vote_id, headers=JSON):
    return client.post(
        f'/votes/{vote_id}/cast', data={'choice': '0', 'csrf_token': csrf_token(client)}, headers=headers
    )


@pytest.fixture
def two_votes(db, cast, make_vote):
    """``two_votes()``: a vote, then (once the first is closed) another: a meeting holds one vote at a time."""

    def make():
        first = make_vote()
        second = make_vote(opened=False)
        return first, second

    return make


def _next(db, cast, first, second):
    close_vote(cast.director, first)
    db.session.commit()
    open_vote(cast.director, second)
    db.session.commit()


def _voted(db, vote, user) -> bool:
    db.session.expire_all()
    elector = db.session.scalar(sa.select(Elector).where(Elector.vote_id == vote.id, Elector.user_id == user.id))
    return elector.voted_via is not None


def test_a_warm_cast_reads_neither_the_person_nor_their_login(db, client, auth, cast, two_votes, voters, count_queries):
    other, vote = two_votes()
    auth.login(voters[0])
    assert _cast(client, other.id).get_json()['ok'] is True  # the login session is read, then trusted
    _next(db, cast, other, vote)
    token = csrf_token(client)
    with count_queries() as counter:
        answer = client.post(f'/votes/{vote.id}/cast', data={'choice': '0', 'csrf_token': token}, headers=JSON)
    assert answer.get_json()['ok'] is True
    read = ' '.join(counter.statements).lower()
    assert 'from users' not in read
    assert 'from login_sessions' not in read
    assert _voted(db, vote, voters[0])


def test_a_session_ended_by_logout_elsewhere_is_refused_at_once(db, app, client, auth, cast, two_votes, voters):
    first, second = two_votes()
    auth.login(voters[0])
    assert _cast(client, first.id).get_json()['ok'] is True  # now trusted for LIVE_KEY_SECONDS
    _next(db, cast, first, second)
    key = db.session.scalar(sa.select(LoginSession.key).where(LoginSession.user_id == voters[0].id))
    with app.test_client() as elsewhere:  # the same session's cookie, logging out on another tab
        name = app.config['SESSION_COOKIE_NAME']
        elsewhere.set_cookie(name, client.get_cookie(name).value)
        elsewhere.post('/account/logout', data={'csrf_token': csrf_token(elsewhere)})
    assert db.session.scalar(sa.select(LoginSession.revoked_at).where(LoginSession.key == key)) is not None
    answer = _cast(client, second.id)
    assert answer.status_code in (302, 401)
    assert not _voted(db, second, voters[0])


def test_a_session_ended_behind_the_process_back_is_refused_after_the_recheck(
    db, client, auth, cast, two_votes, voters, monkeypatch
):
    """The ending's message was lost (the queue down): the session is read again after ``LIVE_KEY_SECONDS``."""
    first, second = two_votes()
    auth.login(voters[0])
    assert _cast(client, first.id).get_json()['ok'] is True
    _next(db, cast, first, second)
    db.session.execute(sa.update(LoginSession).values(revoked_at=utcnow()))
    db.session.commit()
    monkeypatch.setattr(login_sessions, 'LIVE_KEY_SECONDS', 0.0)
    assert _cast(client, second.id).status_code in (302, 401)
    assert not _voted(db, second, voters[0])


def test_session_protection_holds_on_the_fast_path(db, client, auth, cast, two_votes, voters):
    """Flask-Login's strong protection: the same cookie from another browser is not logged in."""
    first, second = two_votes()
    client.environ_base['HTTP_USER_AGENT'] = 'Mozilla/5.0 (iPhone) Safari/604.1'
    auth.login(voters[0])
    ok = _cast(client, first.id)
    assert ok.get_json()['ok'] is True
    _next(db, cast, first, second)
    stolen = _cast(client, second.id, {**JSON, 'User-Agent': 'curl/8.0'})
    assert stolen.status_code in (302, 401)
    assert not _voted(db, second, voters[0])


def test_not_logged_in_is_sent_to_log_in(db, client, make_vote):
    vote = make_vote()
    answer = client.post(f'/votes/{vote.id}/cast', data={'choice': '0', 'csrf_token': csrf_token(client)})
    assert answer.status_code == 302
    assert '/account/login' in answer.headers['Location']
