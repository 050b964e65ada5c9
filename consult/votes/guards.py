"""The rules a vote must satisfy, each with its source (the law, the local rule, or the platform's own)."""

from flask_babel import lazy_gettext as _l

from consult.kernel.refusals import Rule

ELECTORATE = Rule(
    'vote_electorate',
    _l(
        "Urban Residents Committee Organisation Law arts 8-9: the residents' meeting is made of adult residents, one"
        " per household or the groups' representatives; experts and observers do not vote (Guidance on community"
        ' consultation, 2015)'
    ),
)
ONE_BALLOT = Rule(
    'one_ballot',
    _l(
        'One person, one ballot: each voter casts one ballot, online or on site (Urban Residents Committee Organisation Law art 9)'
    ),
)
OPEN_PERIOD = Rule(
    'vote_open_period',
    _l('A ballot counts only while the vote is open, between its opening and its closing time'),
)
CHOICE = Rule(
    'vote_choice',
    _l('A ballot chooses among the options put to the vote, as many as the vote allows'),
)
SECRECY = Rule(
    'secret_ballot',
    _l(
        'Personal Information Protection Law (2021): a secret ballot is never linked to its voter; aggregate counts are'
        ' published, individual ballots only in an open (roll-call) vote'
    ),
)
EMBARGO = Rule(
    'vote_embargo',
    _l('Platform rule: no count, partial or whole, is shown to anyone before the vote closes'),
)
PROCEDURE = Rule(
    'vote_procedure',
    _l("Longgang Community Governance Regulation art 12: the consultation's votes and their record"),
)
WHO_RUNS = Rule(
    'vote_who_runs',
    _l(
        "Urban Residents Committee Organisation Law art 11: the committee (or the meeting's chair) puts matters to the vote"
    ),
)
MEETING_RULES = Rule(
    'vote_meeting_rules',
    _l(
        "The rule set's quorum and approval rules for the meeting type (Urban Residents Committee Organisation Law art 9)"
    ),
)
ONE_AT_A_TIME = Rule(
    'vote_one_at_a_time',
    _l('Platform rule: a meeting votes on one agenda item at a time'),
)
DECIDING = Rule(
    'vote_decides_matter',
    _l(
        "Urban Residents Committee Organisation Law arts 10, 15-17: matters of all residents' interest, the residents'"
        " compact, fund-raising and subsidies are decided by a vote of the residents' meeting"
    ),
)
ONSITE_PRESENCE = Rule(
    'vote_onsite_presence',
    _l(
        "Urban Residents Committee Organisation Law art 9: a meeting's ballot on paper or by show of hands is cast"
        ' in the room, by a voter signed in there (QR code or staff)'
    ),
)
TWO_COUNTERS = Rule(
    'vote_two_counters',
    _l(
        'Electoral Law art 43, by analogy: ballots are counted by counters and checked by scrutineers; an on-site'
        ' count stands once a second staff member, not the one who entered it, confirms it'
    ),
)
COUNTER_CONFLICT = Rule(
    'vote_counter_conflict',
    _l(
        'Electoral Law art 43, by analogy: the person a matter concerns (who raised or submitted it) does not count'
        ' or check its votes'
    ),
)
RECONCILIATION = Rule(
    'vote_onsite_reconciliation',
    _l(
        'One person, one ballot (Urban Residents Committee Organisation Law art 9): the ballots counted on site never'
        ' outnumber the voters marked as voting on site, none of whom voted online'
    ),
)
RECORD_KEPT = Rule(
    'vote_record_kept',
    _l(
        'Urban Community Archives Management Measures (2015): community records are kept whole and never destroyed;'
        ' a count entered is never altered: a correction is added with its reason and the earlier entry stays'
    ),
)
WEIGHTED_ONSITE = Rule(
    'vote_weighted_onsite',
    _l(
        "Platform rule: in a vote counted by weight each ballot carries its household's weight; a secret count by"
        ' heads on site cannot carry it'
    ),
)
PROXIES = Rule(
    'vote_proxies',
    _l(
        'Electoral Law art 42 and Village Committee Organisation Law art 15, by analogy: a written proxy, to a voter,'
        ' at most as many per holder as the rule set allows, published with the result; only where the rule set'
        ' allows proxies for the kind of meeting'
    ),
)
