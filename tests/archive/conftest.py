"""Fixtures for the archive: a topic taken through the whole flow to FEEDBACK_GIVEN, and an archived topic whose
every kind of child row is still live (an open meeting, an open vote, an open comment period, an open task, a
dispatched item, an unanswered objection and flag), so that only the read-only rule can refuse a write."""

from datetime import timedelta

import pytest

from consult.archive.models import ArchiveFile
from consult.disclosure import operations as disclosure
from consult.disclosure import sweeps
from consult.implementation import operations as implementation
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.roles.models import Role
from tests.disclosure.conftest import end_window
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.topics.conftest import cast  # noqa: F401
from tests.topics.conftest import english  # noqa: F401
from tests.topics.conftest import make_topic  # noqa: F401
from tests.votes.conftest import make_vote  # noqa: F401


@pytest.fixture
def supervisor(db, cast, make_user, grant):  # noqa: F811
    user = make_user()
    grant(user, Role.SUPERVISORY_COMMITTEE, community=cast.place.a)
    db.session.commit()
    return user


def feed_back(db, cast, topic):  # noqa: F811
    """Publish ``topic``'s checked result, close its window, carry it out, sign it off, end the ratings."""
    disclosure.prepare_publication(cast.staff, topic, '请居民监督。')
    disclosure.publish_result(cast.director, topic)
    db.session.commit()
    end_window(topic, seconds_ago=5)
    sweeps.close_windows(utcnow())
    db.session.commit()
    task = implementation.add_task(cast.staff, topic, '安装电梯', 'committee', today() + timedelta(days=30))
    implementation.mark_done(cast.staff, task)
    feedback = implementation.finish(cast.director, topic, 'completed', '电梯已安装并通过验收。')
    db.session.commit()
    return feedback


@pytest.fixture
def fed_back(db, cast, make_topic):  # noqa: F811
    """A topic consulted online, its opinion checked, published, implemented and fed back (ratings still open)."""
    topic = make_topic('legality_reviewed', title='加装电梯全流程')
    feed_back(db, cast, topic)
    assert topic.status == 'feedback_given'
    return topic


def end_ratings(db, topic) -> None:
    """Date the rating period's end back a second (feedback rows are append-only: one UPDATE, as a test may)."""
    import sqlalchemy as sa

    from consult.implementation.models import Feedback

    db.session.execute(
        sa.update(Feedback)
        .where(Feedback.topic_id == topic.id)
        .values(rating_ends_at=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def archived_live(db, cast, supervisor, make_vote):  # noqa: F811
    """An archived topic with live children of every kind but its vote (set up directly, as no step would leave them so)."""
    from consult.comments import operations as comments
    from consult.disclosure.models import Irregularity
    from consult.disclosure.models import Objection
    from consult.disclosure.models import Publication
    from consult.dispatch.models import DispatchTicket
    from consult.implementation.models import Task
    from consult.outcomes.models import Opinion
    from consult.topics.attachments import storage
    from consult.topics.attachments.models import TopicAttachment
    from consult.votes.closing import close_vote

    vote = make_vote()
    close_vote(cast.director, vote)  # a ballot never loads its topic: no vote of an archived topic is open
    db.session.commit()
    topic = vote.topic
    comments.open_period(cast.staff, topic, 14)
    comment = comments.post_comment(cast.resident, topic, '意见', 'for')
    now = utcnow()
    publication = Publication(topic_id=topic.id, round=1, prepared_by_id=cast.staff.id, published_at=now)
    db.session.add(publication)
    db.session.flush()
    objection = Objection(
        publication_id=publication.id,
        topic_id=topic.id,
        author_id=cast.neighbour.id,
        reasons='异议理由足够长',
        answer_due_at=now + timedelta(days=3),
    )
    flag = Irregularity(topic_id=topic.id, reason='公示不规范', flagged_by_id=supervisor.id)
    opinion = Opinion(topic_id=topic.id, round=1, consensus=True, text='同意', text_html='<p>同意</p>')
    task = Task(
        topic_id=topic.id,
        title='安装',
        owner='committee',
        due_at=now + timedelta(days=9),
        report_due_at=now + timedelta(days=9),
        created_by_id=cast.staff.id,
    )
    attachment = TopicAttachment(
        topic_id=topic.id,
        uploaded_by_id=cast.staff.id,
        filename='说明.txt',
        content_type='text/plain',
        size=6,
        sha256=storage.put('附件'.encode()),
    )
    db.session.add_all([objection, flag, opinion, task, attachment])
    db.session.flush()
    ticket = DispatchTicket(
        topic_id=topic.id,
        community_id=topic.community_id,
        department_id=cast.place.department.id,
        kind='simple',
        purpose='implementation',
        status='dispatched',
        reason='派单',
        created_by_id=cast.staff.id,
        dispatched_at=now,
        deadline_at=now + timedelta(days=1),
    )
    db.session.add(ticket)
    topic.status = 'archived'
    db.session.flush()
    db.session.add(ArchiveFile(topic_id=topic.id, from_status='feedback_given', archived_by_id=cast.director.id))
    db.session.commit()
    return {
        'topic': topic,
        'meeting': vote.meeting,
        'vote': vote,
        'comment': comment,
        'objection': objection,
        'flag': flag,
        'opinion': opinion,
        'task': task,
        'ticket': ticket,
        'attachment': attachment,
    }
