"""The rules a meeting step must satisfy, each with its source (shared/design/domain.md)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule
from consult.topics.guards import TOPIC_PUBLICITY as PUBLICITY  # noqa: F401  (one rule, one source)
from consult.topics.guards import publicity_ended  # noqa: F401  (one guard for sessions and comment periods)

NOTICE = Rule(
    'meeting_notice',
    _l("Notice before a meeting: the rule set's notice days (Village Committee Organisation Law art 21, by analogy)"),
)
MATERIALS = Rule(
    'meeting_materials',
    _l(
        "Materials to every participant in advance: the rule set's materials days (Guidance on community consultation, 2015; local practice)"
    ),
)
ROSTER = Rule(
    'one_matter_one_roster',
    _l('One matter, one deliberation, one set of participants; the roster is frozen when the session opens'),
)
EXPERTS_OBSERVERS = Rule(
    'no_vote_experts_observers',
    _l(
        'Guidance on urban and rural community consultation (2015): experts give assessments, observers attend; neither votes (Representatives Law art 31)'
    ),
)
CLOSE_RECORD = Rule(
    'meeting_record',
    _l(
        'Longgang Community Governance Regulation art 12 (archives): online and on-site sessions keep a sign-in sheet and minutes'
    ),
)
MINUTES = Rule(
    'meeting_minutes',
    _l(
        'Longgang Community Governance Regulation art 12 (archives): the secretary keeps the minutes, with dissenting'
        ' views (Guidance on community consultation, 2015), and the chair signs them off after the session'
    ),
)
ARCHIVES = Rule(
    'minutes_archived',
    _l(
        'Measures for the Administration of Urban Community Archives (2015): records are kept centrally and may not be destroyed;'
        ' minutes are archived as they were signed, and corrections are appended'
    ),
)
QUORUM = Rule('meeting_quorum', _l("The rule set's quorum rule for the meeting type, against the frozen roster"))
PROCEDURE = Rule(
    'meeting_procedure',
    _l('Longgang Community Governance Regulation art 12 (deliberation procedure): the steps of a session'),
)
CHAIR = Rule('meeting_chair', _l('Platform rule: the chair gives the floor and moderates the room'))
CHECKIN = Rule(
    'meeting_checkin',
    _l('Sign-in: the code shown in the room changes every few seconds and works only there and then'),
)
MESSAGES = Rule('live_messages', _l('Platform rule: live messages are plain text, size-limited and rate-limited'))
VIDEO = Rule(
    'meeting_video',
    _l(
        'Longgang Community Governance Regulation art 12 (video conference consultation): for meetings held by video or in a mixed form, a call of'
        ' a few people sent browser to browser; who may speak may send camera and microphone'
    ),
)
NAMING = Rule(
    'naming_consent',
    _l(
        'Personal Information Protection Law (2021) arts 13-14: a participant is named in published minutes and'
        ' results only with their consent, which they give or withdraw themselves until the minutes are signed'
    ),
)
