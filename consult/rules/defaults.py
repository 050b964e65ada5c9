"""The default rule set, each number with its source (shared/design/domain.md, section (c)).

Communities start from these values; the committee director changes them by publishing a new version.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consult.rules.engine import Condition
from consult.rules.engine import Threshold

#: The five national categories of matters for consultation (domain.md rule 1; S5, POLICY).
NATIONAL_CATEGORIES = {
    'public_affairs': _l("Public affairs and public-welfare matters touching residents' vital interests"),
    'urgent_problem': _l('Practical difficulties, problems and disputes residents strongly raise'),
    'policy_implementation': _l('How Party and government policies are carried out in the community'),
    'legally_required': _l('Matters that laws, regulations or policies require to be consulted on'),
    'participant_requested': _l('Matters any consulting party asks to consult on'),
}

#: Excluded matter types and where they go instead (domain.md rule 6).
EXCLUSIONS = {
    'state_secret': {
        'action': 'refuse',
        'label': _l('Anything involving state secrets'),
        'redirect': _l('Refused: such matters cannot be consulted on.'),
        'source': _l('Law on Guarding State Secrets (2024)'),
    },
    'private_matter': {
        'action': 'case',
        'label': _l("One person's private matters or personal information"),
        'redirect': _l('Handled as an individual case by the committee, never on a public agenda.'),
        'source': _l('Personal Information Protection Law (2021)'),
    },
    'litigation': {
        'action': 'court',
        'label': _l('Disputes pending before a court or arbitration'),
        'redirect': _l('Redirected to the court or arbitration body.'),
        'source': _l(
            'Law on Deputies art 59, by analogy: matters before a court or arbitration body are decided there, not in consultation'
        ),
    },
    'department_duty': {
        'action': 'whistle',
        'label': _l("A city department's statutory duty"),
        'redirect': _l('Dispatched to the responsible department (community whistles, departments report).'),
        'source': _l('Longgang Community Governance Regulation art 5'),
    },
}

#: Meeting types whose quorum and approval are rules; the sources are shown with each.
MEETING_TYPES = {
    'residents_meeting': _l("Residents' meeting"),
    'representatives_meeting': _l("Residents' representative meeting"),
    'deliberative_council': _l("Residents' deliberative council"),
    'party_members_meeting': _l("Party members' meeting (four deliberations, two disclosures)"),
}


@dataclass(frozen=True)
class Number:
    value: int
    source: str


SOURCE_S1_9 = _l('Urban Residents Committee Organisation Law art 9')
SOURCE_S2_26 = _l('Village Committee Organisation Law art 26, by analogy; sample representative-meeting rules')
SOURCE_S10 = _l('Sample community deliberation rules (local practice)')
SOURCE_S8 = _l('Four deliberations, two disclosures (local practice)')
SOURCE_S1_10 = _l('Urban Residents Committee Organisation Law art 10')
SOURCE_DESIGN = _l('Platform default (the law sets no figure); each community may set its own')
SOURCE_S20 = _l(
    "Whistle-and-report time limits of Guangling, Yangzhou (local practice, not Longgang's; set Longgang's figures)"
)

SOURCE_S4_51 = _l(
    "Law on Deputies art 51: the bodies a deputy's suggestion is sent to reply within three months, or six for"
    ' wide-ranging or complex matters; a community may set shorter'
)
SOURCE_RETENTION_MEETING = _l(
    'Measures for the Administration of Urban Community Archives (2015) and the Zhejiang urban community archives'
    " measures (2008): minutes, sign-in sheets and vote results of residents' (representative) meetings are kept"
    ' permanently'
)
SOURCE_RETENTION = _l(
    'Measures for the Administration of Urban Community Archives (2015): records are kept permanently or for a'
    ' fixed term of 30 or 10 years'
)

NUMBERS = {
    'review_deadline_days': Number(7, SOURCE_DESIGN),
    'topic_publicity_days': Number(3, SOURCE_DESIGN),
    'notice_days': Number(10, _l('Village Committee Organisation Law art 21, by analogy (10 days for a meeting)')),
    'materials_days': Number(3, SOURCE_S8),
    'result_publicity_days': Number(7, _l('Common local practice (5 to 7 days); no national figure')),
    'objection_window_days': Number(5, _l('Village Committee Organisation Law art 14, by analogy')),
    'objection_reply_days': Number(3, _l('Village Committee Organisation Law art 14, by analogy')),
    'cooling_off_months': Number(6, SOURCE_DESIGN),
    #: A simple dispatched (吹哨) item is closed within this many calendar days.
    'whistle_simple_days': Number(1, SOURCE_S20),
    #: A complex dispatched item is closed within this many working days (Saturdays and Sundays skipped).
    'whistle_complex_working_days': Number(10, SOURCE_S20),
    #: Written proxies (where the rule set allows them): at most this many per holder.
    'proxy_max_per_holder': Number(3, _l('Electoral Law art 42, by analogy: a voter holds at most three proxies')),
    # The law sets no period for a petition (S1 art 10); without one, an old petition could be completed years
    # later by people who never saw it. 90 days gives residents a season to gather signatures.
    'petition_lapse_days': Number(
        90,
        _l(
            'Platform default; each community may set its own. The law sets no period: 90 days gives residents a '
            'season to gather signatures, and an old petition cannot be completed by people who never saw it'
        ),
    ),
    # Use of results (domain.md rules 27, 29, 32).
    #: The entrusting department replies (adopted / partly / not adopted, with reasons) within this many days.
    'gov_reply_days': Number(
        90,
        _l(
            'Law on Deputies art 51, by analogy: the bodies a suggestion is sent to study it and reply within three'
            ' months; the Guidance on urban and rural community consultation (2015) sets no figure'
        ),
    ),
    #: An implementation task's first progress report is due within this many days, then every interval.
    'implementation_first_report_days': Number(
        30,
        _l(
            'Guidance on urban and rural community consultation (2015): implementation is disclosed within a set time'
            ' limit, which it leaves to the community; platform default'
        ),
    ),
    'implementation_report_interval_days': Number(
        30, _l('Village Committee Organisation Law art 30, by analogy: matters that change often are disclosed monthly')
    ),
    #: Residents rate the implementation for this many days after its result is published.
    'satisfaction_days': Number(
        15,
        _l(
            'Whistle-and-report practice of Guangling, Yangzhou (local practice): residents rate the handling and the'
            ' departments; the period is a platform default'
        ),
    ),
    # NPC deputies' suggestions (domain.md rule 39).
    #: The body a deputy's suggestion is sent to replies within this many months.
    'deputy_reply_months': Number(3, SOURCE_S4_51),
    #: ... or within this many for a suggestion marked wide-ranging or complex.
    'deputy_complex_reply_months': Number(6, SOURCE_S4_51),
    # Archives (domain.md rule 36): how long each class of an archived record is kept, in years; 0 is permanent.
    # The fixed terms are 30 and 10 years; residents' (representative) meeting records are kept permanently.
    'retention_meeting_years': Number(0, SOURCE_RETENTION_MEETING),
    'retention_records_years': Number(30, SOURCE_RETENTION),
    'retention_notices_years': Number(10, SOURCE_RETENTION),
}

#: Quorum and approval per meeting type.
MEETING_RULES = {
    'residents_meeting': {
        'quorum': Threshold.all_of(Condition('attending', '>', 1, 2, 'eligible')),
        'approval': Threshold.all_of(Condition('yes', '>', 1, 2, 'attending')),
        'source': SOURCE_S1_9,
    },
    'representatives_meeting': {
        'quorum': Threshold.all_of(Condition('attending', '>=', 2, 3, 'members')),
        'approval': Threshold.all_of(Condition('yes', '>', 1, 2, 'attending')),
        'source': SOURCE_S2_26,
    },
    'deliberative_council': {
        'quorum': Threshold.all_of(Condition('attending', '>', 1, 2, 'members')),
        'approval': Threshold.all_of(Condition('yes', '>', 1, 2, 'members')),
        'source': SOURCE_S10,
    },
    'party_members_meeting': {
        'quorum': Threshold.all_of(Condition('attending', '>=', 2, 3, 'members')),
        'approval': Threshold.all_of(Condition('yes', '>', 1, 2, 'members')),
        'source': SOURCE_S8,
    },
}

#: How each meeting type votes, where the rule set says nothing: secret ballots (roll call only for the
#: deliberative council, whose members vote by show of hands in the sample rules), and no written proxies.
ROLL_CALL_MEETINGS = frozenset({'deliberative_council'})
ROLL_CALL_SOURCE = _l(
    'Personal Information Protection Law (2021): votes are secret unless the rule set makes them open (roll call);'
    ' the sample deliberative-council rules vote by show of hands'
)
PROXIES_SOURCE = _l(
    'Village Committee Organisation Law art 15 and Electoral Law art 42, by analogy: written proxies, off unless the'
    ' community allows them; the list is published'
)


def voting_value(params: dict, meeting: str, key: str) -> bool:
    """``roll_call`` or ``proxies`` of a meeting type; a version made before they existed had the defaults."""
    value = ((params.get('meetings') or {}).get(meeting) or {}).get(key)
    if value is None:
        return meeting in ROLL_CALL_MEETINGS if key == 'roll_call' else False
    return bool(value)


#: Co-signing: 20 verified adult residents, or 1 % of them, whichever is reached first (design default).
COSIGN_THRESHOLD = Threshold.any_of(
    Condition('signatures', '>=', 20, 1, 'one'),
    Condition('signatures', '>=', 1, 100, 'adults'),
)
COSIGN_SOURCE = SOURCE_DESIGN

#: A petition for a residents' meeting: 1/5 of adults, 1/5 of households, or 1/3 of residents' groups.
#: The third alternative counts petitioning groups (see consult.petitions.queries), not petitioners: version-1
#: rule sets stored by the rule-sets migration still say ``petitioners`` of ``groups``, which
#: ``consult.petitions.queries.petition_threshold`` reads as ``groups_petitioning``.
PETITION_THRESHOLD = Threshold.any_of(
    Condition('petitioners', '>=', 1, 5, 'adults'),
    Condition('petitioners', '>=', 1, 5, 'households', by='household'),
    Condition('groups_petitioning', '>=', 1, 3, 'groups', by='household'),
)
PETITION_SOURCE = SOURCE_S1_10


def number_value(params: dict, key: str) -> int:
    """A number of a rule set's ``params``; a version made before ``key`` existed had the default in force."""
    numbers = params.get('numbers') or {}
    return int(numbers[key]) if key in numbers else NUMBERS[key].value


def default_params() -> dict:
    """The default parameters as stored in a rule set's ``params`` (JSON)."""
    return {
        'categories': list(NATIONAL_CATEGORIES),
        'work_items': [],
        'exclusions': list(EXCLUSIONS),
        'numbers': {key: number.value for key, number in NUMBERS.items()},
        'cosign': COSIGN_THRESHOLD.to_list(),
        'petition': PETITION_THRESHOLD.to_list(),
        'meetings': {
            key: {'quorum': rule['quorum'].to_list(), 'approval': rule['approval'].to_list()}
            for key, rule in MEETING_RULES.items()
        },
    }
