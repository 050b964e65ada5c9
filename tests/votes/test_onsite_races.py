"""Races on PostgreSQL: proxy registrations at once never pass the cap; a voter marked on paper while voting
online is counted once; two first on-site counts at once leave one (the other is told to check it)."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.db import db as _db
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from consult.roles.models import RoleGrant
from consult.rules.queries import rules_in_force
from consult.topics import operations as topics
from consult.topics import states
from consult.topics.models import SourceChannel
from consult.votes import operations as vops
from consult.votes.ballots import cast_ballot
from consult.votes.models import Elector
from consult.votes.models import SealedBallot
from consult.votes.models import Vote
from consult.votes.models import VoteProxy
from consult.votes.onsite import mark_attendees  # noqa: F401 - the module under test
from consult.votes.onsite import mark_voted
from consult.votes.onsite_entries import enter_count
from consult.votes.onsite_models import OnsiteEntry
from consult.votes.proxies import register_proxy
from consult.web import attempt
from tests import support
from tests.petitions.test_concurrency import engine  # noqa: F401 - deletes the committed rows afterwards
from tests.races import committed_residents
from tests.races import postgres_only
from tests.races import run_together
from tests.topics.conftest import CONFIRM
from tests.topics.conftest import CONTENT

pytestmark = postgres_only
VOTERS = 12


def _setup(app, suffix: str, prefix: str) -> dict:
    """An announced topic of community A, a standalone vote of its adults (prepared), proxies allowed (cap 3)."""
    with app.app_context(), app.test_request_context():
        session = _db.session
        place = support.build_place(session, suffix=suffix)
        session.commit()
        session.expire_all()
        homes = place.households(place.a)
        people = committed_residents(session, place.a, homes, VOTERS + 4, prefix)
        director, staff, second, party = (session.get(User, user_id) for user_id in people[:4])
        for user, role in ((director, Role.COMMITTEE_DIRECTOR), (staff, Role.COMMITTEE_STAFF)):
            session.add(RoleGrant(user_id=user.id, role=str(role), reason='test', community_id=place.a.id))
        session.add(
            RoleGrant(user_id=second.id, role=str(Role.COMMITTEE_STAFF), reason='test', community_id=place.a.id)
        )
        session.add(RoleGrant(user_id=party.id, role=str(Role.PARTY_ORG), reason='test', community_id=place.a.id))
        session.flush()
        rules = rules_in_force(place.a, today())
        params = {**rules.params, 'meetings': {**rules.params['meetings']}}
        params['meetings']['residents_meeting'] = {**params['meetings']['residents_meeting'], 'proxies': True}
        rules.params = params
        topic = topics.create_draft(
            staff, place.a, SourceChannel.COUNTER, CONTENT, originator=session.get(User, people[4])
        )
        topics.submit_topic(staff, topic)
        states.apply(topic, 'accept', staff)
        states.apply(topic, 'confirm', party, **CONFIRM)
        vote = vops.create_vote(
            director,
            topic,
            {
                'title': '并发',
                'kind': 'motion',
                'rule_kind': 'residents_meeting',
                'electorate_mode': 'adults',
                'opens_at': utcnow(),
                'closes_at': utcnow() + timedelta(hours=2),
            },
        )
        session.commit()
        result = {'vote': vote.id, 'director': director.id, 'second': second.id, 'voters': people[4:]}
        _db.session.remove()
        return result


def test_proxy_registrations_at_once_never_pass_the_cap(app, engine):  # noqa: F811
    ids = _setup(app, 'proxyrace', '1677')
    holder, principals = ids['voters'][0], ids['voters'][1:9]

    def step(index: int) -> str:
        vote = _db.session.get(Vote, ids['vote'])
        director = _db.session.get(User, ids['director'])
        _proxy, refusal = attempt(register_proxy, director, vote, principals[index], holder, '书面委托书')
        return refusal.code if refusal is not None else 'registered'

    outcomes = run_together(app, len(principals), step)
    assert sorted(outcomes) == ['cap'] * 5 + ['registered'] * 3
    with Session(engine) as session:
        held = session.scalar(sa.select(sa.func.count()).where(VoteProxy.vote_id == ids['vote']))
        assert held == 3


def test_a_voter_marked_on_paper_while_voting_online_is_counted_once(app, engine):  # noqa: F811
    ids = _setup(app, 'markrace', '1678')
    with app.app_context(), app.test_request_context():
        vops.open_vote(None, _db.session.get(Vote, ids['vote']))  # a standalone vote opens by itself
        _db.session.commit()
        _db.session.remove()
    racing = ids['voters'][:8]

    def step(index: int) -> str:
        vote = _db.session.get(Vote, ids['vote'])
        user_id = racing[index // 2]
        if index % 2:
            _done, refusal = attempt(cast_ballot, _db.session.get(User, user_id), vote, [0])
            return refusal.code if refusal is not None else 'online'
        _done, refusal = attempt(mark_voted, _db.session.get(User, ids['director']), vote, user_id, 'paper')
        return refusal.code if refusal is not None else 'paper'

    outcomes = run_together(app, 2 * len(racing), step)
    assert outcomes.count('already_voted') == len(racing)
    online = outcomes.count('online')
    with Session(engine) as session:
        via = dict(
            session.execute(
                sa.select(Elector.user_id, Elector.voted_via).where(
                    Elector.vote_id == ids['vote'], Elector.user_id.in_(racing)
                )
            ).all()
        )
        assert sorted(via.values()) == sorted(['online'] * online + ['paper'] * (len(racing) - online))
        sealed = session.scalar(sa.select(sa.func.count()).where(SealedBallot.vote_id == ids['vote']))
        assert sealed == online


def test_two_first_counts_at_once_leave_one(app, engine):  # noqa: F811
    ids = _setup(app, 'countrace', '1679')
    with app.app_context(), app.test_request_context():
        vote = _db.session.get(Vote, ids['vote'])
        director = _db.session.get(User, ids['director'])
        vops.open_vote(None, vote)
        for user_id in ids['voters'][:4]:
            mark_voted(director, vote, user_id, 'paper')
        _db.session.commit()
        _db.session.remove()
    counters = [ids['director'], ids['second']]

    def step(index: int) -> str:
        vote = _db.session.get(Vote, ids['vote'])
        _entry, refusal = attempt(enter_count, _db.session.get(User, counters[index]), vote, [2 + index, 1, 0])
        return refusal.code if refusal is not None else 'entered'

    assert sorted(run_together(app, 2, step)) == ['entered', 'stale']
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).where(OnsiteEntry.vote_id == ids['vote'])) == 1
