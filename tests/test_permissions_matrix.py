"""Role x route matrix: every route, every role. A route reachable by a role not listed here fails.

``test_every_route_is_in_the_matrix`` fails when a new route is added without deciding who may reach it.
"""

import pytest
import sqlalchemy as sa

from consult.extensions import limiter
from consult.kernel.clock import today
from consult.petitions.operations import start_petition
from consult.residency import operations as residency
from consult.roles.models import Role
from consult.rules.defaults import default_params
from consult.rules.operations import propose_rules
from consult.rules.validation import choices_from
from tests.conftest import AuthActions
from tests.conftest import csrf_token

ROLES = [
    'anonymous',
    'unverified',
    'resident',
    'representative',
    'grid_worker',
    'staff_a',
    'director_a',
    'party_org_a',
    'joint_party',
    'department',
    'deputy_a',
    'expert_a',
    'supervisory_a',
    'director_b',
    'staff_b',
    'admin',
]
ANY_USER = set(ROLES) - {'anonymous'}
#: Residents of A (the representative is one), and roles that submit for A or B.
SUBMITTERS = {
    'resident',
    'representative',
    'grid_worker',
    'staff_a',
    'director_a',
    'department',
    'deputy_a',
    'director_b',
    'staff_b',
}
EVERYONE = set(ROLES)
MEETING_MANAGERS = {'staff_a', 'director_a'}
MEETING_ROOM = {'resident', 'representative', 'deputy_a', 'staff_a', 'director_a', 'supervisory_a', 'admin'}
#: Who comments on a topic of A: adult residents, representatives, deputies, experts and the committee of A.
COMMENTERS = {'resident', 'representative', 'deputy_a', 'expert_a', 'staff_a', 'director_a'}

#: (method, path template, roles allowed). Paths use {claim} (a pending claim in community A),
#: {grant} (an expert grant in community A), {code_a} (community A's code) and {pending} (the number of a
#: proposed rule set version of community A).
MATRIX = [
    ('GET', '/', EVERYONE),
    ('GET', '/communities/', EVERYONE),
    ('GET', '/communities/{code_a}', EVERYONE),
    ('GET', '/account/login', EVERYONE),
    ('GET', '/account/register', EVERYONE),
    ('GET', '/account/password', ANY_USER),
    ('GET', '/account/sessions', ANY_USER),
    ('GET', '/account/forgot', EVERYONE),
    ('GET', '/account/reset-code', EVERYONE),
    ('POST', '/account/sessions/others', ANY_USER),
    ('GET', '/residency/', ANY_USER),
    ('GET', '/residency/claim', ANY_USER),
    ('GET', '/residency/review', {'staff_a', 'director_a', 'director_b', 'staff_b'}),
    ('GET', '/residency/{claim}/reject', {'staff_a', 'director_a'}),
    ('POST', '/residency/{claim}/approve', {'staff_a', 'director_a'}),
    ('POST', '/residency/{claim}/withdraw', set()),
    ('GET', '/residency/communities/{community_a}/roster', {'staff_a', 'director_a'}),
    ('GET', '/residency/communities/{community_a}/reset-code', {'staff_a', 'director_a'}),
    ('POST', '/residency/{claim}/reset-code', set()),  # a pending claim: codes go to verified residents
    (
        'GET',
        '/residency/communities/{community_a}/codes',
        {'staff_a', 'director_a'},
    ),  # only the claimant, who is not in this cast
    ('GET', '/roles/', {'director_a', 'director_b', 'admin'}),
    ('GET', '/roles/grant', {'director_a', 'director_b', 'admin'}),
    ('POST', '/roles/{grant}/revoke', {'director_a', 'admin'}),
    ('GET', '/audit/', {'director_a', 'director_b', 'supervisory_a', 'admin'}),
    ('GET', '/rules/{code_a}', EVERYONE),
    ('GET', '/rules/{code_a}/history', EVERYONE),
    ('GET', '/rules/{code_a}/v/{pending}', EVERYONE),
    ('GET', '/rules/{code_a}/propose', {'director_a'}),
    ('POST', '/rules/{code_a}/v/{pending}/confirm', {'party_org_a'}),
    ('POST', '/rules/{code_a}/v/{pending}/decline', {'party_org_a'}),
    # {petition}: a petition in community A started by 'resident'.
    ('GET', '/petitions/c/{code_a}', EVERYONE),
    ('GET', '/petitions/{petition}', EVERYONE),
    ('GET', '/petitions/c/{code_a}/start', {'resident', 'representative'}),
    ('POST', '/petitions/{petition}/sign', {'resident', 'representative'}),
    ('POST', '/petitions/{petition}/unsign', {'resident', 'representative'}),
    ('POST', '/petitions/{petition}/withdraw', {'resident'}),
    ('GET', '/petitions/queue', {'staff_a', 'director_a', 'director_b', 'staff_b'}),
    ('GET', '/petitions/{petition}/convened', {'staff_a', 'director_a'}),
    ('GET', '/topics/', EVERYONE),
    ('GET', '/topics/feed.atom', EVERYONE),
    ('GET', '/topics/new', SUBMITTERS),
    ('GET', '/topics/mine', ANY_USER),
    ('GET', '/topics/notifications', ANY_USER),
    ('GET', '/topics/{topic}', EVERYONE),
    ('GET', '/topics/{draft}', {'staff_a', 'resident'}),  # the submitter and the resident it is for
    ('GET', '/topics/{draft}/edit', {'staff_a'}),
    ('POST', '/topics/{topic}/cosign', {'representative'}),  # adult residents of A, not the originator
    ('GET', '/topics/review', {'staff_a', 'director_a', 'director_b', 'staff_b'}),
    ('GET', '/topics/confirmation', {'party_org_a', 'joint_party'}),
    ('GET', '/topics/{topic}/step/reject', {'staff_a', 'director_a'}),
    ('POST', '/topics/{topic}/step/accept', {'staff_a', 'director_a'}),
    ('GET', '/topics/{screening}/step/confirm', {'party_org_a'}),
    ('GET', '/topics/{draft}/step/submit', {'staff_a'}),
    # {meeting}: a scheduled meeting on {announced}; director_a chairs, staff_a is secretary; the roster holds
    # the resident, the representative and deputy_a as an observer; {join} is another resident's request.
    ('GET', '/meetings/new/{announced}', MEETING_MANAGERS),
    ('GET', '/meetings/mine', ANY_USER),
    ('GET', '/meetings/{meeting}', EVERYONE),
    ('POST', '/meetings/{meeting}/materials', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/notice', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/materials/send', MEETING_MANAGERS),
    ('GET', '/meetings/{meeting}/roster', MEETING_ROOM),
    ('POST', '/meetings/{meeting}/roster/build', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/roster/add', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/roster/{participant}/remove', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/join', ANY_USER),
    ('POST', '/meetings/{meeting}/requests/{join}', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/open', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/cancel', MEETING_MANAGERS),
    ('GET', '/meetings/{meeting}/close', {'director_a'}),
    ('GET', '/meetings/{meeting}/room', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/checkin', ANY_USER),
    ('GET', '/meetings/{meeting}/checkin-display', MEETING_MANAGERS),
    ('GET', '/meetings/{meeting}/checkin-code.svg', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/attendance/{resident_id}', MEETING_MANAGERS),
    ('POST', '/meetings/{meeting}/minutes', {'staff_a'}),
    ('GET', '/meetings/{meeting}/record', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/record/sheet', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/record/transcript', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/record/timeline', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/record/speakers', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/record/full', MEETING_ROOM),
    # The minutes: read in the room's company; written by the secretary (staff_a), signed off by the chair
    # (director_a), corrected by either. {meeting} is scheduled: the steps are refused with their rule (a redirect).
    ('GET', '/meetings/{meeting}/minutes', MEETING_ROOM),
    ('GET', '/meetings/{meeting}/minutes/edit', {'staff_a'}),
    ('POST', '/meetings/{meeting}/minutes/edit', {'staff_a'}),
    ('POST', '/meetings/{meeting}/minutes/sign', {'director_a'}),
    ('POST', '/meetings/{meeting}/minutes/corrections', {'staff_a', 'director_a'}),
    ('GET', '/meetings/{meeting}/minutes/signed.json', set()),  # nothing signed yet: 404 (tests/meetings cover it)
    # Attachments: downloads follow the topic page (can_view_topic); removal is the submitter's, before review.
    ('GET', '/topics/{topic}/attachments/{attachment}', EVERYONE),
    ('GET', '/topics/{draft}/attachments/{draft_attachment}', {'staff_a', 'resident'}),
    ('GET', '/topics/{private}/attachments/{private_attachment}', {'staff_a', 'director_a', 'resident', 'admin'}),
    ('POST', '/topics/{draft}/attachments/{draft_attachment}/remove', {'staff_a'}),
    ('POST', '/topics/{topic}/attachments/{attachment}/remove', set()),  # in the review queue: no changes
    # {proposal}: a whistle proposed by staff of A, awaiting sign-off; {ticket}: one dispatched to the department.
    ('GET', '/dispatch/', {'staff_a', 'director_a', 'director_b', 'staff_b', 'department'}),
    ('GET', '/dispatch/topic/{topic}/propose', {'staff_a', 'director_a'}),
    ('GET', '/dispatch/{proposal}', {'staff_a', 'director_a'}),  # the department sees it once signed off
    ('GET', '/dispatch/{ticket}', {'staff_a', 'director_a', 'department'}),
    ('POST', '/dispatch/{proposal}/sign-off', {'director_a'}),
    ('POST', '/dispatch/{proposal}/decline', {'director_a'}),
    ('POST', '/dispatch/{ticket}/report', {'department'}),
    ('POST', '/dispatch/{ticket}/progress', {'staff_a', 'director_a', 'department'}),
    ('POST', '/dispatch/{ticket}/close', {'department'}),
    # {announced}: publicity over; {consulting}: a comment period open, {comment} by 'resident' on it.
    ('GET', '/topics/{consulting}', EVERYONE),
    ('GET', '/comments/topic/{announced}/open', {'staff_a', 'director_a'}),
    ('POST', '/comments/topic/{consulting}/post', COMMENTERS),
    ('GET', '/comments/{comment}/hide', {'staff_a', 'director_a'}),
    ('GET', '/comments/topic/{consulting}/close', {'staff_a', 'director_a'}),
    ('GET', '/comments/topic/{consulting}/summary', {'staff_a', 'director_a'}),
    ('GET', '/comments/topic/{consulting}/conclude', {'staff_a', 'director_a'}),
    # Votes on {consulting}: {vote} prepared (standalone, opens in an hour), {open_vote} open (electors: the adult
    # residents of A), {closed_vote} counted. A cast by anyone else is answered with a refusal naming the rule.
    ('GET', '/votes/new?topic={consulting}', {'staff_a', 'director_a'}),
    ('GET', '/votes/{vote}', EVERYONE),
    ('GET', '/votes/{vote}/panel', EVERYONE),
    ('POST', '/votes/{vote}/cancel', {'staff_a', 'director_a'}),
    ('POST', '/votes/{vote}/open', {'staff_a', 'director_a'}),
    ('POST', '/votes/{open_vote}/cast', ANY_USER),
    ('POST', '/votes/{open_vote}/close', {'staff_a', 'director_a'}),
    ('GET', '/votes/{closed_vote}/receipts.txt', EVERYONE),
    ('GET', '/votes/{closed_vote}/ballots.csv', EVERYONE),
    ('GET', '/votes/{closed_vote}/result.json', EVERYONE),
    ('GET', '/votes/meeting/{meeting}/panels', MEETING_ROOM),
    # The on-site page and written proxies: the committee of A only (the count made in the room is theirs before
    # the close); a refused step (staff_a submitted the topic: no counting) still reaches the route.
    ('GET', '/votes/{open_vote}/onsite', {'staff_a', 'director_a'}),
    ('POST', '/votes/{open_vote}/onsite/mark', {'staff_a', 'director_a'}),
    ('POST', '/votes/{open_vote}/onsite/count', {'staff_a', 'director_a'}),
    ('POST', '/votes/{open_vote}/onsite/person', {'staff_a', 'director_a'}),
    ('POST', '/votes/{open_vote}/onsite/1/confirm', {'staff_a', 'director_a'}),
    ('GET', '/votes/{vote}/proxies', {'staff_a', 'director_a'}),
    ('POST', '/votes/{vote}/proxies/1/withdraw', {'staff_a', 'director_a'}),
    ('GET', '/residency/communities/{community_a}/weights', {'staff_a', 'director_a'}),
    # {opinion}: its opinion formed and recorded; {checked_opinion}: the opinion of a topic that passed its legality
    # check. staff_a typed both in for the resident: neither records their opinion or check (rule 25).
    ('GET', '/topics/{opinion}', EVERYONE),
    ('GET', '/outcomes/topic/{opinion}/opinion', {'director_a'}),
    ('GET', '/outcomes/topic/{opinion}/legality', {'director_a'}),
    ('GET', '/outcomes/opinion/{checked_opinion}/correct', {'director_a'}),
    # Use of results: {implementing} (the status set directly: publication is another context's step) has a
    # committee task {im_task} and a grid task {grid_task}; {reported} was entrusted by the department and
    # reported to it; {fed_back} has its implementation result published, ratings open.
    ('GET', '/implementation/topic/{implementing}', {'staff_a', 'director_a', 'grid_worker'}),
    ('POST', '/implementation/topic/{implementing}/tasks', {'staff_a', 'director_a'}),
    ('POST', '/implementation/task/{im_task}/update', {'staff_a', 'director_a'}),
    ('POST', '/implementation/task/{grid_task}/update', {'staff_a', 'director_a', 'grid_worker'}),
    ('POST', '/implementation/task/{im_task}/done', {'staff_a', 'director_a'}),
    ('GET', '/implementation/topic/{implementing}/finish', {'director_a'}),
    ('GET', '/implementation/topic/{reported}/reply', {'department'}),
    ('GET', '/implementation/topic/{implementing}/correct', {'department'}),
    ('GET', '/implementation/topic/{implementing}/public', EVERYONE),
    ('GET', '/implementation/topic/{fed_back}/public', EVERYONE),
    ('GET', '/implementation/topic/{fed_back}/notice', EVERYONE),  # the printed notice: no login
    ('GET', '/implementation/topic/{fed_back}/notice.pdf', EVERYONE),
    ('POST', '/implementation/topic/{fed_back}/rate', {'resident', 'representative'}),
    # The archive: {fed_back} may be archived (staff waive, the director approves); the record's ZIP is public
    # once published; appraisal and destruction only of an archived record (tests/archive/test_permissions.py).
    ('GET', '/archive/topic/{fed_back}', EVERYONE),
    ('POST', '/archive/topic/{fed_back}/waive', {'staff_a', 'director_a'}),
    ('POST', '/archive/topic/{fed_back}/archive', {'director_a'}),
    ('POST', '/archive/topic/{fed_back}/appraise', set()),
    ('POST', '/archive/appraisal/999999/destroy', set()),
    ('GET', '/archive/register', EVERYONE),
    ('GET', '/archive/topic/{published_topic}/record.zip', EVERYONE),
    # Open data: public and read-only, for everyone (the rest of the API: tests/opendata).
    ('GET', '/api/v1/topics', EVERYONE),
    ('GET', '/api/v1/meetings/{meeting}', EVERYONE),
    ('GET', '/api/v1/votes/{closed_vote}', EVERYONE),
    # A participant's consent to be named in the published record (the roster of {meeting}: A's adults, deputy_a).
    ('POST', '/meetings/{meeting}/naming', {'resident', 'representative', 'deputy_a'}),
    # Disclosure: {checked} passed its legality check; {published_topic} is published (staff_a prepared it,
    # director_a signed it off) with {objection} open (the representative's) and {irregularity} unanswered.
    ('GET', '/results/{published_topic}', EVERYONE),
    ('GET', '/results/{published_topic}/objections', EVERYONE),
    ('GET', '/results/{published_topic}/notice', EVERYONE),  # the printed notice: no login
    ('GET', '/results/{published_topic}/notice.pdf', EVERYONE),
    ('GET', '/results/{checked}/publication', MEETING_MANAGERS),
    ('POST', '/results/{checked}/publish', {'director_a'}),  # nothing prepared: sent back to the page, refused there
    ('POST', '/results/{published_topic}/object', {'resident'}),  # the representative has an objection open
    ('GET', '/results/objection/{objection}/answer', MEETING_MANAGERS),
    ('GET', '/results/{published_topic}/flag', {'supervisory_a'}),
    ('GET', '/results/irregularity/{irregularity}/answer', MEETING_MANAGERS),
    # NPC deputies: deputy_a's dashboard, observing {meeting} (列席), a note on {announced}; {suggestion} is deputy_a's,
    # sent to the department, which replies (an empty reply is refused on the page); deputy_a assesses once replied.
    ('GET', '/deputies/', {'deputy_a'}),
    ('POST', '/deputies/meetings/{meeting}/observe', {'deputy_a'}),
    ('GET', '/deputies/topics/{announced}/note', {'deputy_a'}),
    ('GET', '/deputies/suggestions', EVERYONE),
    ('GET', '/deputies/suggestions/new', {'deputy_a'}),
    ('GET', '/deputies/suggestions/{suggestion}', EVERYONE),
    ('POST', '/deputies/suggestions/{suggestion}/reply', {'department'}),
    ('POST', '/deputies/suggestions/{suggestion}/assess', {'deputy_a'}),
    ('GET', '/deputies/{deputy}', EVERYONE),
    ('GET', '/deputies/{deputy}/print', EVERYONE),
    ('GET', '/deputies/{deputy}/record.csv', EVERYONE),
]

#: Endpoints that are not pages a role reaches (static files, form posts covered elsewhere).
NOT_IN_MATRIX = {
    'static',
    'accounts.logout',
    'main.set_language',
    'main.set_text_size',  # open to everyone, like the language switch (tests/test_text_size.py)
    'accounts.login',
    'accounts.register',
    'accounts.reset_password',  # reached with a mailed token only: tests/accounts/test_password_reset.py
    'socketio',  # answered by Socket.IO's middleware; the rule only gives socket events a matching context
}
#: The open-data API is public and read-only: every one of its routes is called anonymously against its schema
#: in tests/opendata (schemathesis, the privacy and embargo tests); the matrix checks three for every role.
OPEN_DATA = 'opendata.'


@pytest.fixture
def cast(db, place, make_user, make_resident, grant):
    households = place.households(place.a)
    people = {'unverified': make_user()}
    people['resident'] = make_resident(households[0])
    for name, role, kwargs in [
        ('representative', Role.REPRESENTATIVE, {'community': place.a}),
        ('grid_worker', Role.GRID_WORKER, {'community': place.a}),
        ('staff_a', Role.COMMITTEE_STAFF, {'community': place.a}),
        ('director_a', Role.COMMITTEE_DIRECTOR, {'community': place.a}),
        ('party_org_a', Role.PARTY_ORG, {'community': place.a}),
        ('joint_party', Role.JOINT_PARTY_COMMITTEE, {'central_community': place.central}),
        ('department', Role.DEPARTMENT, {'department': place.department}),
        ('deputy_a', Role.NPC_DEPUTY, {'community': place.a}),
        ('expert_a', Role.EXPERT, {'community': place.a}),
        ('supervisory_a', Role.SUPERVISORY_COMMITTEE, {'community': place.a}),
        ('director_b', Role.COMMITTEE_DIRECTOR, {'community': place.b}),
        ('staff_b', Role.COMMITTEE_STAFF, {'community': place.b}),
        ('admin', Role.ADMIN, {}),
    ]:
        user = make_resident(households[len(people)]) if role == Role.REPRESENTATIVE else make_user()
        grant(user, role, **kwargs)
        people[name] = user
    claimant = make_user()
    claim = residency.claim_residence(claimant, households[-1])
    expert_grant = grant(make_user(), Role.EXPERT, community=place.a)
    choices = choices_from(default_params())
    choices['numbers']['result_publicity_days'] = 10
    pending = propose_rules(people['director_a'], place.a, choices, today(), 'matrix')
    petition = start_petition(people['resident'], place.a, 'Matrix petition', 'A matter.')
    topics = _topics(people, place)
    meeting = _meeting(people, place, topics['announced'], lambda: make_resident(households[-2]))
    votes = _votes(people, topics['consulting'])
    suggestion = _suggestion(people, place)
    db.session.commit()
    return people, {
        'claim': claim.id,
        'grant': expert_grant.id,
        'code_a': place.a.code,
        'community_a': place.a.id,
        'pending': pending.version,
        'petition': petition.id,
        **topics,
        **meeting,
        **votes,
        'suggestion': suggestion,
        'deputy': people['deputy_a'].id,
    }


def _suggestion(people, place) -> str:
    from consult.deputies.operations import send_suggestion

    data = {'title': '矩阵建议', 'body': '矩阵测试的建议', 'department': place.department}
    return f'{send_suggestion(people["deputy_a"], place.a, data).id}'


def _votes(people, topic_id) -> dict:
    from datetime import timedelta

    from consult.db import db
    from consult.kernel.clock import utcnow
    from consult.topics.models import Topic
    from consult.votes import operations as votes
    from consult.votes.closing import close_vote

    topic = db.session.get(Topic, int(topic_id))
    made = {}
    for name, start in (('vote', timedelta(hours=1)), ('open_vote', timedelta()), ('closed_vote', timedelta())):
        now = utcnow()
        data = {'title': name, 'kind': 'motion', 'rule_kind': 'residents_meeting', 'electorate_mode': 'adults'}
        data.update(opens_at=now + start, closes_at=now + start + timedelta(days=1))
        vote = votes.create_vote(people['staff_a'], topic, data)
        if name != 'vote':
            votes.open_vote(None, vote)
        if name == 'closed_vote':
            close_vote(None, vote)
        made[name] = f'{vote.id}'
    return made


def _meeting(people, place, topic_id, make_joiner) -> dict:
    from datetime import timedelta

    from consult.db import db
    from consult.kernel.clock import utcnow
    from consult.meetings import operations as meetings
    from consult.meetings import roster
    from consult.topics.models import Topic

    topic = db.session.get(Topic, int(topic_id))
    meeting = meetings.schedule(
        people['staff_a'],
        topic,
        {
            'title': '议事会',
            'kind': 'residents_meeting',
            'form': 'hybrid',
            'place': '社区活动室',
            'starts_at': utcnow() + timedelta(days=20),
            'chair_id': people['director_a'].id,
            'secretary_id': people['staff_a'].id,
            'agenda': '讨论 | 30',
        },
    )
    roster.build_from_criteria(people['staff_a'], meeting, 'adults', False)
    participant = roster.add_participant(people['staff_a'], meeting, people['deputy_a'], 'observer')
    join = roster.request_to_join(make_joiner(), meeting, '我住隔壁')
    return {
        'meeting': meeting.id,
        'participant': participant.id,
        'join': join.id,
        'resident_id': people['resident'].id,
    }


def _topics(people, place) -> dict:
    """A queued topic, a draft, one in selection, a private one, an announced one (publicity over) and one in
    consultation with a comment by the resident, typed in by staff of A for the resident.

    The queued, draft and private topics each have an attachment.
    """
    from consult.comments import operations as comments
    from consult.topics import operations as topics
    from consult.topics import states
    from consult.topics.attachments.operations import Upload
    from consult.topics.attachments.operations import attach_files
    from tests.topics.conftest import CONFIRM
    from tests.topics.conftest import end_publicity

    content = {'title': '议题', 'body': '内容', 'declared_not_excluded': True}
    made = {}
    for name in ('topic', 'draft', 'screening', 'private', 'announced', 'consulting'):
        data = {**content, 'private': name == 'private'}
        topic = topics.create_draft(people['staff_a'], place.a, 'counter', data, originator=people['resident'])
        if name in ('topic', 'draft', 'private'):
            upload = Upload('说明.txt', 'text/plain', f'{name} 附件'.encode())
            made[f'{name}_attachment'.removeprefix('topic_')] = (
                f'{attach_files(people["staff_a"], topic, [upload])[0].id}'
            )
        if name != 'draft':
            topics.submit_topic(people['staff_a'], topic)
        if name in ('screening', 'announced', 'consulting'):
            states.apply(topic, 'accept', people['staff_a'])
        if name in ('announced', 'consulting'):
            states.apply(topic, 'confirm', people['party_org_a'], **CONFIRM)
            end_publicity(topic)
        if name == 'consulting':
            comments.open_period(people['staff_a'], topic, 14)
            made['comment'] = f'{comments.post_comment(people["resident"], topic, "意见", "for").id}'
        made[name] = f'{topic.id}'
    made.update(_tickets(people, place, content))
    made.update(_opinions(people, place, content))
    made.update(_published(people, place, content))
    made.update(_implementation(people, place, content))
    return made


def _implementation(people, place, content) -> dict:
    """Topics whose result is used: implementing (two tasks), reported to its department, and fed back.

    The publication context's steps are not on this branch: the status is set directly.
    """
    from datetime import timedelta

    from consult.db import db
    from consult.implementation import operations as implementation
    from consult.implementation.models import Feedback
    from consult.kernel.clock import utcnow
    from consult.topics import operations as topics

    made = {}
    for name, status in (
        ('implementing', 'implementing'),
        ('reported', 'reported_to_gov'),
        ('fed_back', 'feedback_given'),
    ):
        topic = topics.create_draft(people['staff_a'], place.a, 'counter', content, originator=people['resident'])
        topics.submit_topic(people['staff_a'], topic)
        topic.status = status
        if name == 'reported':
            topic.entrusting_department_id = place.department.id
        db.session.flush()
        made[name] = f'{topic.id}'
        if name == 'implementing':
            due = (utcnow() + timedelta(days=30)).date()
            task = implementation.add_task(people['staff_a'], topic, '安装', 'committee', due)
            grid = implementation.add_task(people['staff_a'], topic, '巡查', 'grid', due, grid_id=place.a.grids[0].id)
            made.update(im_task=f'{task.id}', grid_task=f'{grid.id}')
        if name == 'fed_back':
            now = utcnow()
            db.session.add(
                Feedback(
                    topic_id=topic.id,
                    kind='completed',
                    text='已完成',
                    by_id=people['director_a'].id,
                    at=now,
                    rating_ends_at=now + timedelta(days=15),
                )
            )
    return made


def _published(people, place, content) -> dict:
    """A result published (prepared by staff_a, signed off by director_a) with the representative's objection
    open and the supervisory committee's irregularity flag unanswered."""
    from consult.comments import operations as comments
    from consult.disclosure import operations as disclosure
    from consult.outcomes import operations as outcomes
    from consult.topics import operations as topics
    from consult.topics import states
    from tests.topics.conftest import CONFIRM
    from tests.topics.conftest import end_publicity

    topic = topics.create_draft(people['staff_a'], place.a, 'counter', content, originator=people['resident'])
    topics.submit_topic(people['staff_a'], topic)
    states.apply(topic, 'accept', people['staff_a'])
    states.apply(topic, 'confirm', people['party_org_a'], **CONFIRM)
    end_publicity(topic)
    comments.open_period(people['staff_a'], topic, 14)
    comments.close_early(people['staff_a'], topic, 'matrix')
    comments.write_summary(people['staff_a'], topic, '多数赞成')
    comments.conclude(people['staff_a'], topic)
    outcomes.record_opinion(people['director_a'], topic, True, '同意')
    outcomes.check_legality(people['director_a'], topic, 'pass')
    disclosure.prepare_publication(people['staff_a'], topic, '')
    disclosure.publish_result(people['director_a'], topic)
    objection = disclosure.file_objection(people['representative'], topic, '矩阵测试的异议理由')
    flag = disclosure.flag_irregularity(people['supervisory_a'], topic, '矩阵测试的标记理由')
    return {'published_topic': f'{topic.id}', 'objection': f'{objection.id}', 'irregularity': f'{flag.id}'}


def _opinions(people, place, content) -> dict:
    """A topic whose opinion the director recorded, and the opinion of one that passed its legality check."""
    from consult.comments import operations as comments
    from consult.outcomes import operations as outcomes
    from consult.topics import operations as topics
    from consult.topics import states
    from tests.topics.conftest import CONFIRM
    from tests.topics.conftest import end_publicity

    made = {}
    for name in ('opinion', 'checked'):
        topic = topics.create_draft(people['staff_a'], place.a, 'counter', content, originator=people['resident'])
        topics.submit_topic(people['staff_a'], topic)
        states.apply(topic, 'accept', people['staff_a'])
        states.apply(topic, 'confirm', people['party_org_a'], **CONFIRM)
        end_publicity(topic)
        comments.open_period(people['staff_a'], topic, 14)
        comments.close_early(people['staff_a'], topic, 'matrix')
        comments.write_summary(people['staff_a'], topic, '多数赞成')
        comments.conclude(people['staff_a'], topic)
        opinion = outcomes.record_opinion(people['director_a'], topic, True, '同意')
        if name == 'checked':
            outcomes.check_legality(people['director_a'], topic, 'pass')
            made['checked_opinion'] = f'{opinion.id}'
            made['checked'] = f'{topic.id}'
        else:
            made['opinion'] = f'{topic.id}'
    return made


def _tickets(people, place, content) -> dict:
    """A whistle proposed by staff (awaiting the director) and one the director dispatched at once."""
    from consult.dispatch import operations as dispatch
    from consult.topics import operations as topics

    made = {}
    for name, proposer in (('proposal', 'staff_a'), ('ticket', 'director_a')):
        topic = topics.create_draft(people['staff_a'], place.a, 'counter', content, originator=people['resident'])
        topics.submit_topic(people['staff_a'], topic)
        ticket = dispatch.propose_dispatch(people[proposer], topic, place.department, 'simple', 'matrix')
        made[name] = f'{ticket.id}'
    return made


def _allowed(response) -> bool:
    if response.status_code in (401, 403):
        return False
    if response.status_code == 302:
        return '/account/login' not in response.headers['Location']
    return response.status_code < 400


@pytest.mark.parametrize(('method', 'path', 'allowed'), MATRIX, ids=[f'{m} {p}' for m, p, _ in MATRIX])
def test_route_is_reached_only_by_the_roles_allowed(app, db, cast, method, path, allowed):
    """Every role in turn on one cast per route, each role's requests in a SAVEPOINT rolled back afterwards."""
    people, ids = cast
    identifiers = {role: people[role].mobile for role in ROLES if role != 'anonymous'}
    url = path.format(**ids)
    connection = db.engines[None]
    wrong = []
    for role in ROLES:
        db.session.close()  # the session's own SAVEPOINT, if any, ends before ours begins
        savepoint = connection.begin_nested()
        try:
            limiter.reset()
            client = app.test_client()
            if role != 'anonymous':
                assert AuthActions(client).login(identifiers[role]).status_code == 302, f'{role} could not log in'
            if method == 'GET':
                response = client.get(url)
            else:
                response = client.post(url, data={'csrf_token': csrf_token(client), 'reason': 'matrix test'})
            if _allowed(response) != (role in allowed):
                wrong.append(f'{role} {method} {url} -> {response.status_code}')
            elif (role == 'anonymous' and role not in allowed) and (
                response.status_code != 302 or '/account/login' not in response.headers['Location']
            ):
                wrong.append(f'anonymous {method} {url} not sent to log in ({response.status_code})')
        finally:
            db.session.close()
            savepoint.rollback()
    assert not wrong, '\n'.join(wrong)


def test_every_route_is_in_the_matrix(app):
    covered = set()
    adapter = app.url_map.bind('localhost')
    for method, path, _ in MATRIX:
        ids = {
            'claim': 1,
            'grant': 1,
            'code_a': 'x',
            'community_a': 1,
            'pending': 2,
            'petition': 1,
            'topic': 1,
            'draft': 1,
            'screening': 1,
            'announced': 1,
            'meeting': 1,
            'participant': 1,
            'join': 1,
            'resident_id': 1,
            'private': 1,
            'attachment': 1,
            'draft_attachment': 1,
            'private_attachment': 1,
            'proposal': 1,
            'ticket': 1,
            'consulting': 1,
            'comment': 1,
            'vote': 1,
            'open_vote': 1,
            'closed_vote': 1,
            'opinion': 1,
            'checked_opinion': 1,
            'implementing': 1,
            'reported': 1,
            'fed_back': 1,
            'im_task': 1,
            'grid_task': 1,
            'checked': 1,
            'published_topic': 1,
            'objection': 1,
            'irregularity': 1,
            'suggestion': 1,
            'deputy': 1,
        }
        endpoint, _ = adapter.match(path.format(**ids).partition('?')[0], method=method)
        covered.add(endpoint)
    missing = {rule.endpoint for rule in app.url_map.iter_rules()} - covered - NOT_IN_MATRIX
    missing = {endpoint for endpoint in missing if not endpoint.startswith(OPEN_DATA)}
    assert not missing, f'routes without a permission decision in the matrix: {sorted(missing)}'


# -- Role x action: every registered action's predicate, every role --------------------------------------------

#: Everyone who comments, chats, or takes part in a meeting of A, as the cast stands.
ROSTER = {'resident', 'representative', 'deputy_a'}
COMMITTEE_A = {'staff_a', 'director_a'}
#: ``cast``'s roles, and the person who claimed residence in A (the pending ``claim``).
ACTORS = [*ROLES, 'claimant']

#: Action -> (the object it is asked of, roles allowed). The object is ``(name, {attribute: value})``: one of
#: the cast's objects (see ``cast``) by name, put in a suitable state by setting those attributes for the row
#: (in this test's transaction, rolled back afterwards). The state machines' steps (``topic.<step>`` from the
#: topic machine, and the ticket/petition/claim/meeting steps whose predicates stand in until their machines
#: land) have their rows too: ``test_every_action_is_in_the_matrix`` fails for any action without one.
ACTION_MATRIX = {
    # The topic machine's steps. {topic}: submitted by staff of A for the resident, in the review queue.
    'topic.submit': ('draft', {}, {'staff_a'}),
    'topic.withdraw': ('draft', {}, {'staff_a'}),
    'topic.accept': ('topic', {}, COMMITTEE_A),
    'topic.reject': ('topic', {}, COMMITTEE_A),
    'topic.merge': ('topic', {}, COMMITTEE_A),
    'topic.withdraw_by_committee': ('topic', {}, COMMITTEE_A),
    'topic.redirect': ('topic', {}, {'director_a'}),
    'topic.confirm': ('screening', {}, {'party_org_a'}),
    'topic.refuse': ('screening', {}, {'party_org_a'}),
    'topic.escalate': ('screening', {}, {'party_org_a'}),
    'topic.take_up': ('screening', {'status': 'escalated', 'escalated_to_id': 'central'}, {'joint_party'}),
    # {announced} has a meeting chaired by director_a, who leads its session steps too.
    'topic.open_session': ('announced', {}, {*COMMITTEE_A, 'party_org_a'}),
    'topic.open_comments': ('announced', {}, COMMITTEE_A),
    'topic.form_opinion': ('consulting', {}, {*COMMITTEE_A, 'party_org_a'}),
    'topic.defer': ('consulting', {}, {*COMMITTEE_A, 'party_org_a'}),
    'topic.reschedule': ('consulting', {}, {*COMMITTEE_A, 'party_org_a'}),
    'topic.conclude_comments': ('consulting', {}, COMMITTEE_A),
    # The legality check of {opinion}'s opinion: the committee, not staff_a who typed the topic in (rule 25).
    'topic.legality_pass': ('opinion', {}, {'director_a'}),
    'topic.legality_fail': ('opinion', {}, {'director_a'}),
    'topic.legality_needs_vote': ('opinion', {}, {'director_a'}),
    # The opinion: recorded until checked ({opinion}), corrected after ({checked_opinion}).
    'opinion.record': ('opinion', {}, {'director_a'}),
    'opinion.correct': ('checked_opinion', {}, {'director_a'}),
    # Disclosure: {checked} waits for publication; {published_topic} is published (RESULT_PUBLISHED).
    'topic.publish': ('checked', {}, {'director_a'}),  # staff_a prepares; the guard refuses who prepared it
    'topic.uphold_objection': ('published_topic', {}, COMMITTEE_A),
    'publication.prepare': ('checked', {}, COMMITTEE_A),
    'objection.file': ('published_topic', {}, {'resident'}),  # the representative's objection waits
    'objection.answer': ('objection', {}, COMMITTEE_A),
    'irregularity.flag': ('published_topic', {}, {'supervisory_a'}),
    'irregularity.answer': ('irregularity', {}, COMMITTEE_A),
    # Topics' other actions.
    'topic.view': ('private', {}, {*COMMITTEE_A, 'resident', 'admin'}),
    'topic.edit': ('draft', {}, {'staff_a'}),
    'topic.attach': ('draft', {}, {'staff_a'}),
    'topic.cosign': ('topic', {}, {'representative'}),  # adult residents of A, not the originator (resident)
    # Comments: {consulting} has its period open; {comment} is the resident's.
    'comment.post': ('consulting', {}, COMMENTERS),
    'comment.close': ('consulting', {}, COMMITTEE_A),
    'comment.summarise': ('consulting', {'period.closed_early_at': 'now'}, COMMITTEE_A),
    'comment.hide': ('comment', {}, COMMITTEE_A),
    # The comment period machine's steps, asked of {period} ({consulting}'s open period).
    'comment_period.close': ('period', {}, COMMITTEE_A),
    'comment_period.summarise': ('period', {'status': 'closed'}, COMMITTEE_A),
    # Meetings: {meeting} is scheduled; director_a chairs, staff_a is secretary.
    'meeting.schedule': ('announced', {}, COMMITTEE_A),
    'meeting.view': ('meeting', {}, EVERYONE | {'claimant'}),
    'meeting.manage': ('meeting', {}, COMMITTEE_A),
    'meeting.prepare': ('meeting', {}, COMMITTEE_A),
    'meeting.enter': ('meeting', {}, MEETING_ROOM),
    'meeting.room': ('meeting', {'status': 'closed'}, MEETING_ROOM),
    'meeting.moderate': ('meeting', {'status': 'open'}, {'director_a'}),
    'meeting.join': ('meeting', {}, set()),  # the verified residents of A are on the roster already
    'meeting.show_code': ('meeting', {}, COMMITTEE_A),
    'meeting.mark_present': ('meeting', {}, COMMITTEE_A),
    'meeting.checkin': ('meeting', {'status': 'open'}, ROSTER),
    'meeting.minute': ('meeting', {'status': 'open'}, {'staff_a'}),
    'meeting.sign_minutes': ('meeting', {'status': 'closed'}, {'director_a'}),
    'meeting.correct_minutes': ('meeting', {'status': 'closed', 'minutes_signed_at': 'now'}, COMMITTEE_A),
    'meeting.keep_minutes': ('meeting', {}, {'staff_a'}),
    'meeting.say': ('meeting', {'status': 'open'}, {*COMMITTEE_A, 'resident', 'representative'}),  # not observers
    'meeting.open': ('meeting', {}, COMMITTEE_A),
    'meeting.cancel': ('meeting', {}, COMMITTEE_A),
    'meeting.close': ('meeting', {'status': 'open'}, {'director_a'}),
    # Petitions: {petition} was started (and so signed) by the resident; in A's small cast that met its threshold.
    'petition.start': ('community_a', {}, {'resident', 'representative'}),
    'petition.sign': ('petition', {'status': 'open'}, {'resident', 'representative'}),
    'petition.unsign': ('petition', {'status': 'open'}, {'resident'}),
    'petition.withdraw': ('petition', {'status': 'open'}, {'resident'}),
    'petition.convene': ('petition', {}, COMMITTEE_A),
    # Dispatch: {proposal} awaits the director's sign-off; {ticket} was dispatched to the department.
    'ticket.propose': ('topic', {}, COMMITTEE_A),
    'ticket.view': ('ticket', {}, {*COMMITTEE_A, 'department'}),
    'ticket.note': ('ticket', {}, COMMITTEE_A),
    'ticket.dispatch': ('proposal', {}, {'director_a'}),
    'ticket.decline': ('proposal', {}, {'director_a'}),
    'ticket.report': ('ticket', {}, {'department'}),
    'ticket.handle': ('ticket', {'status': 'reported'}, {'department'}),
    'ticket.close': ('ticket', {'status': 'handling'}, {'department'}),
    # Residency: {claim} is the claimant's pending claim in A.
    'claim.review': ('community_a', {}, COMMITTEE_A),
    'claim.verify': ('claim', {}, COMMITTEE_A),
    'claim.reject': ('claim', {}, COMMITTEE_A),
    'claim.withdraw': ('claim', {}, {'claimant'}),
    'accounts.issue_reset_code': ('claim', {'status': 'verified'}, COMMITTEE_A),  # not the claimant themself
    # Votes on {consulting}: {vote} prepared (standalone), {open_vote} open; electors: the adult residents of A.
    'vote.prepare': ('consulting', {}, COMMITTEE_A),
    'vote.view': ('vote', {}, EVERYONE | {'claimant'}),
    'vote.run': ('vote', {}, COMMITTEE_A),
    'vote.open': ('vote', {}, COMMITTEE_A),
    'vote.cancel': ('vote', {}, COMMITTEE_A),
    'vote.close': ('open_vote', {}, COMMITTEE_A),
    'vote.cast': ('open_vote', {}, {'resident', 'representative'}),
    'vote.onsite': ('open_vote', {}, COMMITTEE_A),
    'vote.count_onsite': ('open_vote', {}, {'director_a'}),  # staff_a submitted the topic: no counting its votes
    'vote.proxies': ('vote', {'proxies_allowed': True}, COMMITTEE_A),
    # Rules: {pending} is a version of A's rules proposed by its director.
    'rules.propose': ('community_a', {}, {'director_a'}),
    'rules.decide': ('pending', {}, {'party_org_a'}),
    # Roles and the audit log.
    'roles.grant': ('community_a', {}, {'director_a', 'admin'}),
    'audit.view': ('nothing', {}, {'director_a', 'director_b', 'supervisory_a', 'admin'}),
    # The queues the navigation offers (asked of nothing): who has that work anywhere.
    'topic.review_queue': ('nothing', {}, {*COMMITTEE_A, 'director_b', 'staff_b'}),
    'topic.confirmation_queue': ('nothing', {}, {'party_org_a', 'joint_party'}),
    'ticket.queue': ('nothing', {}, {*COMMITTEE_A, 'director_b', 'staff_b', 'department'}),
    'claim.review_queue': ('nothing', {}, {*COMMITTEE_A, 'director_b', 'staff_b'}),
    'petition.queue': ('nothing', {}, {*COMMITTEE_A, 'director_b', 'staff_b'}),
    # Use of results: {reported} was entrusted by the department; {implementing} has {im_task} and {grid_task}.
    'topic.gov_reply': ('reported', {}, {'department'}),
    'topic.gov_reply_not_adopted': ('reported', {}, {'department'}),
    'topic.complete_implementation': ('implementing', {}, {'director_a'}),
    'topic.cannot_implement': ('implementing', {}, {'director_a'}),
    'implementation.manage': ('implementing', {}, {*COMMITTEE_A, 'grid_worker'}),
    'implementation.add_task': ('implementing', {}, COMMITTEE_A),
    'implementation.update': ('grid_task', {}, {*COMMITTEE_A, 'grid_worker'}),
    'implementation.complete_task': ('grid_task', {}, {*COMMITTEE_A, 'grid_worker'}),
    'implementation.rate': ('fed_back', {}, {'resident', 'representative'}),
    'implementation.correct': ('implementing', {}, {'department'}),
    # NPC deputies: {suggestion} is deputy_a's, to the department. Every state: DEPUTY_STATES below.
    'deputy.dashboard': ('nothing', {}, {'deputy_a'}),
    'deputy.note': ('announced', {}, {'deputy_a'}),
    'deputy.suggest': ('community_a', {}, {'deputy_a'}),
    'deputy.observe': ('meeting', {}, {'deputy_a'}),
    'suggestion.reply': ('suggestion', {}, {'department'}),
    'suggestion.assess': ('suggestion', {'status': 'replied'}, {'deputy_a'}),
    # The archive (every state: tests/archive/test_permissions.py); {appraisal} concerns {fed_back}.
    'topic.archive': ('fed_back', {}, {'director_a'}),
    'archive.view': ('fed_back', {}, EVERYONE | {'claimant'}),
    'archive.waive': ('fed_back', {}, COMMITTEE_A),
    'archive.appraise': ('fed_back', {'status': 'archived'}, COMMITTEE_A),
    'archive.destroy': ('appraisal', {'topic.status': 'archived'}, {'director_a'}),
    'archive.download': ('published_topic', {}, EVERYONE | {'claimant'}),
}


def _objects(place, ids) -> dict:
    from consult.comments.models import Comment
    from consult.comments.queries import latest_period
    from consult.db import db
    from consult.disclosure.models import Irregularity
    from consult.disclosure.models import Objection
    from consult.dispatch.models import DispatchTicket
    from consult.meetings.models import Meeting
    from consult.outcomes.models import Opinion
    from consult.petitions.models import Petition
    from consult.residency.models import Membership
    from consult.rules.models import RuleSet
    from consult.topics.models import Topic

    objects = {
        name: db.session.get(Topic, int(ids[name]))
        for name in (
            'topic',
            'draft',
            'screening',
            'private',
            'announced',
            'consulting',
            'opinion',
            'implementing',
            'reported',
            'fed_back',
            'checked',
        )
    }
    from consult.implementation.models import Task

    objects.update({name: db.session.get(Task, int(ids[name])) for name in ('im_task', 'grid_task')})
    objects.update(
        published_topic=db.session.get(Topic, int(ids['published_topic'])),
        objection=db.session.get(Objection, int(ids['objection'])),
        irregularity=db.session.get(Irregularity, int(ids['irregularity'])),
    )
    objects.update(
        comment=db.session.get(Comment, int(ids['comment'])),
        checked_opinion=db.session.get(Opinion, int(ids['checked_opinion'])),
        period=latest_period(int(ids['consulting'])),
        meeting=db.session.get(Meeting, ids['meeting']),
        petition=db.session.get(Petition, ids['petition']),
        proposal=db.session.get(DispatchTicket, int(ids['proposal'])),
        ticket=db.session.get(DispatchTicket, int(ids['ticket'])),
        claim=db.session.get(Membership, ids['claim']),
        pending=db.session.scalar(
            sa.select(RuleSet).where(RuleSet.community_id == place.a.id, RuleSet.version == ids['pending'])
        ),
        community_a=place.a,
        nothing=None,
    )
    from consult.archive.models import Appraisal
    from consult.votes.models import Vote

    objects.update({name: db.session.get(Vote, int(ids[name])) for name in ('vote', 'open_vote', 'closed_vote')})
    from consult.deputies.models import DeputySuggestion

    objects['suggestion'] = db.session.get(DeputySuggestion, int(ids['suggestion']))
    objects['appraisal'] = Appraisal(topic=objects['fed_back'], item_key='objections', members=[], reason='期满')
    return objects


def _put_in_state(obj, attributes: dict) -> list:
    """Set ``attributes`` on ``obj`` (``period.x``: on the topic's latest comment period); return how to undo."""
    from datetime import timedelta

    from consult.comments.queries import latest_period
    from consult.kernel.clock import utcnow

    undo = []
    for path, value in attributes.items():
        target, name = obj, path
        if path.startswith('period.'):
            target, name = latest_period(obj.id), path.removeprefix('period.')
        elif path.startswith('topic.'):
            target, name = obj.topic, path.removeprefix('topic.')
        if value == 'now':
            value = utcnow() - timedelta(seconds=1)
        elif value == 'central':
            value = obj.community.central_community_id
        undo.append((target, name, getattr(target, name)))
        setattr(target, name, value)
    return undo


def test_action_is_allowed_only_to_the_roles_in_the_matrix(db, place, cast):
    """``may(user, action, obj)`` for every action and every role, on an object in a suitable state."""
    from flask_login import AnonymousUserMixin

    from consult.kernel.actions import may
    from consult.residency.models import Membership

    people, ids = cast
    users = {'anonymous': AnonymousUserMixin(), **people}
    users['claimant'] = db.session.get(Membership, ids['claim']).user
    objects = _objects(place, ids)
    wrong = []
    for action, (name, attributes, allowed) in ACTION_MATRIX.items():
        obj = objects[name]
        undo = _put_in_state(obj, attributes)
        try:
            for role in ACTORS:
                if may(users[role], action, obj) != (role in allowed):
                    wrong.append(f'{role} {"may" if role not in allowed else "may not"} {action} {name} {attributes}')
        finally:
            for target, attribute, value in reversed(undo):
                setattr(target, attribute, value)
    assert not wrong, '\n'.join(wrong)


def test_every_action_is_in_the_matrix(app):
    """Every registered action's predicate has a row above (and no row names an action nobody registered)."""
    from consult.kernel.actions import PREDICATES

    assert set(ACTION_MATRIX) == set(PREDICATES), (
        f'without a row: {sorted(set(PREDICATES) - set(ACTION_MATRIX))}; '
        f'not registered: {sorted(set(ACTION_MATRIX) - set(PREDICATES))}'
    )


# -- NPC deputies in every state: they observe, note and suggest; they never vote or edit results (rule 38) -------

#: Actions that decide or edit a result, asked of a topic: a deputy may take none of them, in any state.
RESULT_ACTIONS = (
    'topic.publish',
    'topic.uphold_objection',
    'publication.prepare',
    'opinion.record',
    'topic.legality_pass',
    'topic.legality_fail',
    'topic.legality_needs_vote',
    'topic.form_opinion',
    'topic.defer',
    'topic.gov_reply',
    'topic.complete_implementation',
    'topic.cannot_implement',
    'implementation.manage',
    'implementation.add_task',
    'vote.prepare',
    'comment.close',
    'comment.summarise',
)


def test_deputy_actions_in_every_topic_state(db, place, cast):
    """Each topic state: a deputy of A files notes from the announcement until archived, sends suggestions in any
    state, and takes no step that decides or edits a result; nobody else files notes."""
    from flask_login import AnonymousUserMixin

    from consult.deputies.permissions import NOTE_STATES
    from consult.kernel.actions import may
    from consult.topics.models import TopicStatus

    people, ids = cast
    users = {'anonymous': AnonymousUserMixin(), **people}
    topic = _objects(place, ids)['published_topic']
    original = topic.status
    wrong = []
    try:
        for status in TopicStatus:
            topic.status = status
            for role in ROLES:
                expected = role == 'deputy_a' and status in NOTE_STATES
                if may(users[role], 'deputy.note', topic) != expected:
                    wrong.append(f'{role} deputy.note in {status}: expected {expected}')
            if not may(people['deputy_a'], 'deputy.suggest', topic.community):
                wrong.append(f'deputy_a deputy.suggest in {status}')
            for action in RESULT_ACTIONS:
                if may(people['deputy_a'], action, topic):
                    wrong.append(f'deputy_a may {action} in {status}')
    finally:
        topic.status = original
    assert not wrong, '\n'.join(wrong)


def test_deputy_never_votes_moderates_or_answers_in_any_state(db, place, cast):
    """Ballots, the chair's and the committee's acts, in every state of the vote, meeting and objection."""
    from consult.kernel.actions import may
    from consult.meetings.models import MeetingStatus
    from consult.votes.models import VoteStatus

    people, ids = cast
    deputy = people['deputy_a']
    objects = _objects(place, ids)
    wrong = []
    for name in ('vote', 'open_vote', 'closed_vote'):
        vote = objects[name]
        for status in VoteStatus:
            undo = _put_in_state(vote, {'status': status})
            wrong += [
                f'{a} {name} {status}'
                for a in ('vote.cast', 'vote.close', 'vote.open', 'vote.run', 'vote.onsite', 'vote.count_onsite')
                if may(deputy, a, vote)
            ]
            for target, attribute, value in reversed(undo):
                setattr(target, attribute, value)
    meeting = objects['meeting']
    for status in MeetingStatus:
        undo = _put_in_state(meeting, {'status': status})
        wrong += [
            f'{a} meeting {status}'
            for a in (
                'meeting.moderate',
                'meeting.close',
                'meeting.minute',
                'meeting.sign_minutes',
                'meeting.say',
                'meeting.manage',
            )
            if may(deputy, a, meeting)
        ]
        # The observer's room: before and during the session, and its record afterwards; not once cancelled.
        if may(deputy, 'meeting.room', meeting) != (status != MeetingStatus.CANCELLED):
            wrong.append(f'meeting.room {status}')
        if may(deputy, 'deputy.observe', meeting) != (status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)):
            wrong.append(f'deputy.observe {status}')
        for target, attribute, value in reversed(undo):
            setattr(target, attribute, value)
    for action, name in (
        ('objection.answer', 'objection'),
        ('irregularity.answer', 'irregularity'),
        ('opinion.correct', 'checked_opinion'),
        ('objection.file', 'published_topic'),
    ):
        if may(deputy, action, objects[name]):
            wrong.append(action)
    assert not wrong, '\n'.join(wrong)


def test_a_deputy_who_is_an_eligible_resident_votes_as_a_resident(db, place, cast, grant):
    """Rule 38's exception: the resident of A, made a deputy of A too, still casts a ballot as a resident."""
    from consult.kernel.actions import may
    from consult.roles.models import Role
    from consult.roles.permissions import forget_grants

    people, ids = cast
    vote = _objects(place, ids)['open_vote']
    assert may(people['resident'], 'vote.cast', vote)
    grant(people['resident'], Role.NPC_DEPUTY, community=place.a)
    forget_grants(people['resident'])
    assert may(people['resident'], 'deputy.note', _objects(place, ids)['announced'])
    assert may(people['resident'], 'vote.cast', vote)
    assert not may(people['deputy_a'], 'vote.cast', vote)
