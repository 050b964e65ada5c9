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
