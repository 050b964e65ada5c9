"""Role x route matrix: every route, every role. A route reachable by a role not listed here fails.

``test_every_route_is_in_the_matrix`` fails when a new route is added without deciding who may reach it.
"""

import pytest

from consult.petitions.operations import start_petition
from consult.residency import operations as residency
from consult.residency.eligibility import today
from consult.roles.models import Role
from consult.rules.defaults import default_params
from consult.rules.operations import propose_rules
from consult.rules.validation import choices_from

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
    ('GET', '/residency/', ANY_USER),
    ('GET', '/residency/claim', ANY_USER),
    ('GET', '/residency/review', {'staff_a', 'director_a', 'director_b', 'staff_b'}),
    ('GET', '/residency/{claim}/reject', {'staff_a', 'director_a'}),
    ('POST', '/residency/{claim}/approve', {'staff_a', 'director_a'}),
    ('POST', '/residency/{claim}/withdraw', set()),
    ('GET', '/residency/communities/{community_a}/roster', {'staff_a', 'director_a'}),
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
]

#: Endpoints that are not pages a role reaches (static files, form posts covered elsewhere).
NOT_IN_MATRIX = {'static', 'accounts.logout', 'main.set_language', 'accounts.login', 'accounts.register'}


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
    db.session.commit()
    return people, {
        'claim': claim.id,
        'grant': expert_grant.id,
        'code_a': place.a.code,
        'community_a': place.a.id,
        'pending': pending.version,
        'petition': petition.id,
        **topics,
    }


def _topics(people, place) -> dict:
    """A queued topic, a draft and one in selection, all typed in by staff of A for the resident."""
    from consult.topics import operations as topics
    from consult.topics import states

    content = {'title': '议题', 'body': '内容', 'declared_not_excluded': True}
    made = {}
    for name in ('topic', 'draft', 'screening'):
        topic = topics.create_draft(people['staff_a'], place.a, 'counter', content, originator=people['resident'])
        if name != 'draft':
            topics.submit_topic(people['staff_a'], topic)
        if name == 'screening':
            states.apply(topic, 'accept', people['staff_a'])
        made[name] = f'{topic.id}'
    return made


def _allowed(response) -> bool:
    if response.status_code in (401, 403):
        return False
    if response.status_code == 302:
        return '/account/login' not in response.headers['Location']
    return response.status_code < 400


@pytest.mark.parametrize(('method', 'path', 'allowed'), MATRIX, ids=[f'{m} {p}' for m, p, _ in MATRIX])
@pytest.mark.parametrize('role', ROLES)
def test_role_reaches_route_only_if_allowed(client, auth, csrf, cast, method, path, allowed, role):
    people, ids = cast
    if role != 'anonymous':
        assert auth.login(people[role]).status_code == 302
    url = path.format(**ids)
    if method == 'GET':
        response = client.get(url)
    else:
        response = client.post(url, data={'csrf_token': csrf(), 'reason': 'matrix test'})
    assert _allowed(response) == (role in allowed), f'{role} {method} {url} -> {response.status_code}'
    if role == 'anonymous' and role not in allowed:
        assert response.status_code == 302
        assert '/account/login' in response.headers['Location']


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
        }
        endpoint, _ = adapter.match(path.format(**ids), method=method)
        covered.add(endpoint)
    missing = {rule.endpoint for rule in app.url_map.iter_rules()} - covered - NOT_IN_MATRIX
    assert not missing, f'routes without a permission decision in the matrix: {sorted(missing)}'
