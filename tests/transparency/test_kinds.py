"""Each context's records reach the log through the real steps: signed minutes, a vote's result, the
department's reply; and a later legitimate change elsewhere is not mistaken for tampering."""

import sqlalchemy as sa

from consult.implementation import operations as implementation
from consult.meetings import minutes
from consult.transparency.canonical import digest
from consult.transparency.models import LogLeaf
from consult.transparency.records import kinds
from consult.transparency.verify import verify_log
from tests.disclosure.conftest import failed_vote  # noqa: F401
from tests.implementation.conftest import reported  # noqa: F401
from tests.meetings.conftest import announced  # noqa: F401
from tests.meetings.conftest import make_meeting  # noqa: F401
from tests.meetings.conftest import open_meeting  # noqa: F401
from tests.meetings.test_minutes_structured import close
from tests.outcomes.conftest import adults  # noqa: F401
from tests.votes.conftest import make_vote  # noqa: F401
from tests.votes.conftest import voters  # noqa: F401


def _leaves(db, kind):
    return db.session.scalars(sa.select(LogLeaf).where(LogLeaf.kind == kind).order_by(LogLeaf.idx)).all()


def _matches(leaf) -> dict:
    record = kinds()[leaf.kind].load([leaf.record_id])[leaf.record_id]
    assert f'"digest":"{digest(record)}"' in leaf.payload
    return record


def test_signed_minutes_are_a_leaf_naming_the_signed_documents_digest(db, cast, open_meeting):  # noqa: F811
    close(db, cast, open_meeting)
    signed = minutes.sign_minutes(cast.director, open_meeting)
    db.session.commit()
    (leaf,) = _leaves(db, 'signed_minutes')
    assert (leaf.record_id, leaf.topic_id) == (signed.id, open_meeting.topic_id)
    assert _matches(leaf)['document_sha256'] == signed.sha256
    assert verify_log().ok


def test_a_closed_votes_result_is_a_leaf(db, failed_vote):  # noqa: F811
    (leaf,) = _leaves(db, 'vote_result')
    record = _matches(leaf)
    assert record['topic_id'] == failed_vote.id
    assert record['adopted'] is False
    assert record['result'] is not None
    assert verify_log().ok


def test_the_departments_reply_is_a_leaf_and_later_steps_do_not_disturb_it(db, cast, reported):  # noqa: F811
    implementation.reply(cast.department, reported, 'not_adopted', '与现行规划不符，暂不采纳。')
    db.session.commit()
    (reply,) = _leaves(db, 'gov_reply')
    assert _matches(reply)['decision'] == 'not_adopted'
    (result,) = _leaves(db, 'implementation_result')  # not adopted: the reply is the implementation result too
    assert _matches(result)['topic_id'] == reported.id
    reported.title = '改过标题的议题'  # a legitimate edit elsewhere changes no logged record
    db.session.commit()
    assert verify_log().ok
