"""Quorum against the frozen roster, evaluated with the rule set's rule for the meeting type."""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.db import db
from consult.rules.engine import RuleError
from consult.rules.engine import evaluate

from .models import VOTING_KINDS
from .models import Attendance
from .models import Participant


@dataclass(frozen=True)
class QuorumStatus:
    #: Voting participants present (by head) and on the roster.
    present: int
    members: int
    #: The smallest number present that meets the rule (None when the meeting type has no quorum rule).
    required: int | None
    met: bool

    def as_dict(self) -> dict:
        return {'present': self.present, 'members': self.members, 'required': self.required, 'met': self.met}


def counts(meeting) -> dict:
    """Counts of the roster's voters and of those who signed in, by head and by household."""
    voting = sa.and_(Participant.meeting_id == meeting.id, Participant.kind.in_([str(k) for k in VOTING_KINDS]))
    members_head, members_household = db.session.execute(
        sa.select(sa.func.count(Participant.id), sa.func.count(sa.distinct(Participant.household_id))).where(voting)
    ).one()
    present_head, present_household = db.session.execute(
        sa.select(sa.func.count(Participant.id), sa.func.count(sa.distinct(Participant.household_id)))
        .join(
            Attendance,
            sa.and_(Attendance.meeting_id == Participant.meeting_id, Attendance.user_id == Participant.user_id),
        )
        .where(voting)
    ).one()
    result = {}
    for by, members, present in (
        ('head', members_head, present_head),
        ('household', members_household, present_household),
        ('weight', members_head, present_head),
    ):
        for base in ('eligible', 'members', 'registered'):
            result[(base, by)] = members
        result[('attending', by)] = present
    return result


def quorum_status(meeting, rules) -> QuorumStatus:
    """The live quorum status: present / required / met, with the rule of ``rules`` for the meeting type."""
    numbers = counts(meeting)
    present, members = numbers[('attending', 'head')], numbers[('members', 'head')]
    meetings = rules.params.get('meetings', {}) if rules is not None else {}
    if meeting.kind not in meetings:
        return QuorumStatus(present=present, members=members, required=None, met=True)
    threshold = rules.meeting_rule(meeting.kind, 'quorum')
    try:
        outcome = evaluate(threshold, numbers)
    except RuleError:
        return QuorumStatus(present=present, members=members, required=None, met=False)
    required = min(max(r.required for r in row) for row in outcome.results)
    return QuorumStatus(present=present, members=members, required=required, met=outcome.met)
