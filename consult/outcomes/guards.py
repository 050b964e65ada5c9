"""The rules of the opinion, the legality check and the deciding vote, each with its source, and their checks.

The checks with the topic-step signature ``(topic, actor, rules, reason, data)`` are plugged into the topic's
steps by ``wiring``; each raises a :class:`~consult.kernel.refusals.Refusal` naming its rule and changes nothing.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.db import db
from consult.kernel.refusals import Refusal
from consult.kernel.refusals import Rule

from .models import LAW_MAX
from .models import MATTER_LABELS
from .models import REASON_MAX
from .models import LegalityCheck
from .models import VoteMatter

CONFLICT_OF_INTEREST = Rule(
    'conflict_of_interest',
    _l(
        'Conflict of interest, by analogy with the Electoral Law art 43 and the Village Committee Organisation Law'
        ' art 32: the submitter of a matter, or the resident it is for, does not record its opinion or its legality'
        ' check'
    ),
)
OPINION = Rule(
    'consultation_opinion_record',
    _l(
        'Guidance on urban and rural community consultation (2015): consultation ends in a consultation opinion,'
        ' with whether consensus was reached and the dissenting views recorded'
    ),
)
OPINION_LOCKED = Rule(
    'opinion_locked',
    _l(
        'Urban Community Archives Measures (2015): the record that was checked is kept as it was; corrections are'
        ' appended to it'
    ),
)
LEGALITY = Rule(
    'legality_check',
    _l(
        'Urban Residents Committee Organisation Law art 15: decisions may not conflict with the Constitution, laws,'
        ' regulations or state policy; a result that breaks the law is corrected (Guidance on urban and rural'
        ' community consultation, 2015)'
    ),
)
DECIDED_BY_VOTE = Rule(
    'decided_by_vote',
    _l(
        "Urban Residents Committee Organisation Law arts 9-10: the residents' meeting decides, by more than half of"
        ' those attending when more than half are present; only its vote settles a matter the law reserves to it'
    ),
)
#: The law that reserves each matter to a vote of the residents' meeting (domain.md rule 3).
MATTER_RULES = {
    VoteMatter.ALL_RESIDENTS: Rule(
        'vote_all_residents',
        _l(
            'Urban Residents Committee Organisation Law art 10: the committee must put important questions'
            " involving the interests of all residents to the residents' meeting to decide"
        ),
    ),
    VoteMatter.COMPACT: Rule(
        'vote_compact',
        _l(
            "Urban Residents Committee Organisation Law art 15: the residents' compact is made by the residents'"
            ' meeting and filed with the city government'
        ),
    ),
    VoteMatter.FUND_RAISING: Rule(
        'vote_fund_raising',
        _l(
            'Urban Residents Committee Organisation Law art 16: raising funds for public-welfare projects is decided'
            " by the residents' meeting, and the accounts are published"
        ),
    ),
    VoteMatter.SUBSIDIES: Rule(
        'vote_subsidies',
        _l(
            "Urban Residents Committee Organisation Law art 17: subsidies from the committee's own income need the"
            " consent of the residents' meeting"
        ),
    ),
    VoteMatter.COMMITTEE_MEMBERS: Rule(
        'vote_committee_members',
        _l(
            "Urban Residents Committee Organisation Law art 10: the residents' meeting removes and by-elects members"
            ' of the committee'
        ),
    ),
}


def matter_source(code: str | None) -> str:
    """The law that reserves matter ``code`` to the residents' meeting (``''`` for none)."""
    return str(MATTER_RULES[VoteMatter(code)].source) if code in set(VoteMatter) else ''


# -- the legality check's steps ----------------------------------------------------------------------------------


def opinion_ready(topic, actor, rules, reason, data) -> None:
    """The round's opinion is recorded (its text and the consensus stated) and not checked yet."""
    from .queries import current_opinion

    opinion = current_opinion(topic.id)
    if opinion is None or not opinion.complete:
        raise Refusal(
            _('Record the consultation opinion first: its text and whether consensus was reached.'),
            OPINION,
            code='no_opinion',
        )
    if opinion.locked:
        raise Refusal(_('This opinion has already had its legality check.'), LEGALITY, code='already_checked')


def matter_known(topic, actor, rules, reason, data) -> None:
    """Every legality step: a matter, if named, is one of the list; the reason and the law fit."""
    matter = data.get('matter') or None
    if matter is not None and matter not in set(VoteMatter):
        raise Refusal(_('Choose one of the matters listed.'), DECIDED_BY_VOTE, code='bad_matter')
    if len(reason or '') > REASON_MAX:
        raise Refusal(_('The reason is too long.'), LEGALITY, code='too_long')
    if len((data.get('law') or '').strip()) > LAW_MAX:
        raise Refusal(_('The name of the law is too long.'), LEGALITY, code='too_long')


def no_vote_skipped(topic, actor, rules, reason, data) -> None:
    """``legality_pass``: never for a matter the law reserves to the residents' meeting, named now or before."""
    matter = data.get('matter') or None
    if matter is None:
        matter = db.session.scalar(
            sa.select(LegalityCheck.matter)
            .where(LegalityCheck.topic_id == topic.id, LegalityCheck.matter.is_not(None))
            .order_by(LegalityCheck.id.desc())
            .limit(1)
        )
        earlier = matter is not None
    else:
        earlier = False
    if matter is None:
        return
    label = MATTER_LABELS[VoteMatter(matter)]
    message = (
        _(
            "An earlier legality check found this to be a matter the residents' meeting must decide (%(matter)s):"
            ' it cannot pass without that vote; record it as a matter for the vote.',
            matter=label,
        )
        if earlier
        else _(
            "%(matter)s is decided by a vote of the residents' meeting: it cannot pass without that vote."
            ' Record it as a matter for the vote.',
            matter=label,
        )
    )
    raise Refusal(message, MATTER_RULES[VoteMatter(matter)], code='vote_required')


def matter_named(topic, actor, rules, reason, data) -> None:
    """``legality_needs_vote``: which of the matters the law reserves to the residents' meeting."""
    if not data.get('matter'):
        raise Refusal(_("Choose which matter the residents' meeting must decide."), DECIDED_BY_VOTE, code='no_matter')


def law_named(topic, actor, rules, reason, data) -> None:
    """``legality_fail``: the law, regulation or policy it conflicts with."""
    law = (data.get('law') or '').strip()
    if not law:
        raise Refusal(_('Name the law, regulation or policy the opinion conflicts with.'), LEGALITY, code='no_law')


# -- the deciding vote's steps -----------------------------------------------------------------------------------


def _vote_result(quorum_met: bool, adopted: bool):
    def guard(topic, actor, rules, reason, data) -> None:
        from consult.votes.models import VoteStatus

        vote = data.get('vote')
        if (
            vote is None
            or vote.topic_id != topic.id
            or not vote.decides
            or vote.status != VoteStatus.CLOSED
            or bool(vote.quorum_met) != quorum_met
            or (quorum_met and bool(vote.adopted) != adopted)
        ):
            raise Refusal(
                _("Only the result of the residents' meeting's deciding vote settles this matter."),
                DECIDED_BY_VOTE,
                code='no_deciding_vote',
            )

    return guard


#: ``vote_passed``, ``vote_failed``, ``vote_quorum_failed``: the closed deciding vote of the topic says so.
deciding_vote_passed = _vote_result(quorum_met=True, adopted=True)
deciding_vote_failed = _vote_result(quorum_met=True, adopted=False)
deciding_vote_quorum_failed = _vote_result(quorum_met=False, adopted=False)
