"""A meeting's votes appear in its structured minutes with their results, and in the signed snapshot."""

from flask_babel import force_locale

from consult.meetings import minutes
from consult.meetings import operations as meeting_ops
from consult.meetings.checkin import mark_present
from consult.meetings.snapshot import read
from consult.meetings.snapshot import sections
from consult.votes.ballots import cast_ballot
from consult.votes.closing import close_vote


def test_a_closed_motion_is_in_the_signed_minutes_with_its_result(db, cast, make_vote, voters, open_meeting):
    open_vote = make_vote()
    draft = make_vote(opened=False, title='第二项表决')
    assert [m['status'] for m in sections(open_meeting)['motions']] == ['open', 'draft']
    assert sections(open_meeting)['motions'][0]['result'] == ''  # no count before the close
    for user in voters[:3]:
        mark_present(cast.staff, open_meeting, user)
        cast_ballot(user, open_vote, [0])
    close_vote(cast.director, open_vote)
    meeting_ops.save_minutes(cast.staff, open_meeting, '会议纪要', open_meeting.minutes_rev)
    meeting_ops.close_meeting(cast.director, open_meeting, 'consensus', '同意调整')
    db.session.commit()
    with force_locale('en'):  # the signed document keeps the results in the signer's language
        signed = minutes.sign_minutes(cast.director, open_meeting)
    db.session.commit()
    motions = read(signed)['motions']
    assert motions[0]['title'] == open_vote.title
    assert 'motion passed' in motions[0]['result']
    assert '3' in motions[0]['result']
    assert motions[1]['title'] == draft.title
