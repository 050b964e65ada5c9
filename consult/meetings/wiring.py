"""What meetings connects when the app is built: a meeting's chair leads the topic's session steps, and the
meeting's own steps are actions (``meeting.open``, ``meeting.close``, ``meeting.cancel``)."""

from consult.kernel import actions
from consult.meetings.permissions import chairs_meeting_of
from consult.meetings.states import MACHINE
from consult.topics.states import MACHINE as TOPIC

#: The topic's steps a session leads to (domain.md (b): the committee, the Party organisation or the chair).
SESSION_STEPS = ('open_session', 'form_opinion', 'defer', 'reschedule')


def plug() -> None:
    for action in SESSION_STEPS:
        TOPIC.extend(action, allowed=chairs_meeting_of)
    actions.register_machine(MACHINE)
