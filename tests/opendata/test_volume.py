"""More rows of every kind on the seeded topic (statement-count tests)."""


def add_volume(db, seeded, make_user, n: int) -> None:
    from consult.kernel.clock import utcnow
    from consult.meetings.minutes_models import SignedMinutes
    from consult.meetings.models import Attendance
    from consult.meetings.models import Meeting
    from consult.meetings.models import Participant
    from consult.outcomes.models import LegalityCheck
    from consult.outcomes.models import Opinion
    from consult.votes.models import Vote
    from consult.votes.models import VoteOption

    from .conftest import make_topic

    now = utcnow()
    base = seeded.meeting
    for i in range(n):
        topic = make_topic(db, seeded.place.b if i % 2 else seeded.place.a, seeded.person, status='archived')
        meeting = Meeting(
            topic_id=topic.id,
            community_id=topic.community_id,
            title=f'会议{i}',
            kind='residents_meeting',
            form='online',
            starts_at=now,
            chair_id=seeded.person.id,
            secretary_id=seeded.person.id,
            created_by_id=seeded.person.id,
            status='closed',
            rule_set_id=base.rule_set_id,
            checkin_secret='y' * 32,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add(
            Participant(
                meeting_id=meeting.id,
                user_id=seeded.person.id,
                kind='resident',
                source='added',
                added_by_id=seeded.person.id,
            )
        )
        db.session.add(Attendance(meeting_id=meeting.id, user_id=seeded.person.id, method='qr'))
        vote = Vote(
            community_id=topic.community_id,
            topic_id=topic.id,
            meeting_id=meeting.id,
            title=f'表决{i}',
            kind='single',
            rule_kind='residents_meeting',
            electorate_mode='roster',
            status='closed',
            created_by_id=seeded.person.id,
            closed_at=now,
            result={'tally': {}},
        )
        vote.options = [VoteOption(position=0, label='甲'), VoteOption(position=1, label='乙')]
        db.session.add(vote)
        db.session.add(
            SignedMinutes(
                meeting_id=meeting.id,
                signed_by_id=seeded.person.id,
                signed_at=now,
                document='{"items":[],"text":"x"}',
                sha256='0' * 64,
            )
        )
        opinion = Opinion(topic_id=topic.id, round=1, text='意见', text_html='', recorded_by_id=seeded.person.id)
        db.session.add(opinion)
        db.session.flush()
        opinion.votes = [vote]
        db.session.add(
            LegalityCheck(topic_id=topic.id, opinion_id=opinion.id, result='pass', checked_by_id=seeded.person.id)
        )
    db.session.commit()
