"""The committee's steps after a session, run in the live server's database with the product's own operations:
``python -m tests.browser.deputies_steps <meeting title>`` (environment: the live server's).

Every roster voter is marked present, the secretary writes minutes, the chair closes with a consultation opinion,
the director records and checks it, staff prepare the publication and the director signs it off. Prints the topic id.
"""

import sys

import sqlalchemy as sa


def main(title: str) -> None:
    from consult import create_app
    from consult.accounts.models import User
    from consult.db import db
    from consult.disclosure import operations as disclosure
    from consult.meetings import checkin
    from consult.meetings import minutes
    from consult.meetings import operations as meetings
    from consult.meetings.models import VOTING_KINDS
    from consult.meetings.models import Meeting
    from consult.meetings.models import Participant
    from consult.outcomes import operations as outcomes

    app = create_app()
    with app.app_context(), app.test_request_context():
        staff = db.session.scalar(sa.select(User).where(User.mobile == '13800000004'))
        director = db.session.scalar(sa.select(User).where(User.mobile == '13800000005'))
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == title))
        voters = db.session.scalars(
            sa.select(Participant).where(Participant.meeting_id == meeting.id, Participant.kind.in_(VOTING_KINDS))
        )
        for participant in voters:
            checkin.mark_present(staff, meeting, participant.user)
        minutes.save_minutes(
            staff, meeting, '会议讨论了投放点的两个备选位置，多数居民赞成迁至绿地旁。', meeting.minutes_rev
        )
        meetings.close_meeting(director, meeting, 'consensus', '同意将投放点迁至2幢与3幢之间绿地旁。')
        topic = meeting.topic
        outcomes.record_opinion(director, topic, True, '同意将投放点迁至2幢与3幢之间绿地旁。')
        outcomes.check_legality(director, topic, 'pass')
        disclosure.prepare_publication(staff, topic, '请居民监督。')
        disclosure.publish_result(director, topic)
        db.session.commit()
        print(topic.id)


if __name__ == '__main__':
    main(sys.argv[1])
