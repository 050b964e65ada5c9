"""A redirection proposed twice (a double click) is proposed once (issue 11, item 10)."""

from consult.dispatch.queries import live_ticket
from tests.support import submission_token


def test_the_directors_proposal_posted_twice_lands_on_its_ticket(db, client, auth, csrf, cast, make_topic):
    """The director's proposal redirects the topic at once; the repeat is sent to the ticket, not refused (403)."""
    topic = make_topic('submitted')
    auth.login(cast.director)
    url = f'/dispatch/topic/{topic.id}/propose'
    data = {
        'csrf_token': csrf(),
        'submission_token': submission_token(client.get(url).get_data(as_text=True)),
        'department_id': cast.place.department.id,
        'kind': 'complex',
        'reason': '路灯属于部门职责',
    }
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    ticket = live_ticket(topic.id)
    assert ticket.status == 'dispatched'
    assert first.headers['Location'] == second.headers['Location'] == f'/dispatch/{ticket.id}'
    assert 'This form was already submitted' in client.get(second.headers['Location']).get_data(as_text=True)
