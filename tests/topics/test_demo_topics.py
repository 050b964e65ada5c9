import sqlalchemy as sa

from consult.demo import load_demo
from consult.topics.models import Topic


def test_demo_has_topics_in_donghu_at_five_stages(db):
    load_demo('demo-password-1')
    rows = db.session.execute(sa.select(Topic.title, Topic.status, Topic.queued_at.is_not(None))).all()
    assert sorted((status, queued) for _title, status, queued in rows) == [
        ('announced', True),
        ('archived', True),  # its record bundle complete, filed by the director (consult.archive)
        ('feedback_given', True),  # its implementation result published and rated (consult.implementation)
        ('implementing', True),  # two tasks, one overdue
        ('in_consultation', True),  # its meeting is in session (the live room)
        ('in_consultation', True),  # its comment period is open
        ('redirected', True),
        ('result_published', True),  # in its objection window, one objection answered (consult.disclosure)
        ('screening', True),
        ('submitted', False),
        ('submitted', True),
    ]


def test_demo_has_one_acknowledged_dispatched_item(db):
    from consult.dispatch.models import DispatchTicket

    load_demo('demo-password-1')
    ticket = db.session.scalar(sa.select(DispatchTicket))
    assert ticket.status == 'reported'
    assert ticket.department.name == '市民政局'
    assert ticket.deadline_at > ticket.dispatched_at
