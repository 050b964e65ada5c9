"""Meetings: dates, kind, form, state, outcome, and attendance counts with the quorum. No names, no place."""

from consult.db import db
from consult.meetings.models import Meeting
from consult.rules.engine import RuleError
from consult.rules.engine import evaluate

from .. import queries
from ..api import ListView
from ..api import register_item
from ..api import register_list
from ..filters import Filter
from ..schemas import MeetingSchema

TAG = 'meetings'


def _numbers(members: tuple[int, int], present: tuple[int, int]) -> dict:
    """The bases a quorum rule reads, as ``consult.meetings.quorum.counts`` gives them."""
    numbers = {}
    for by, m, p in (('head', members[0], present[0]), ('household', members[1], present[1])):
        for base in ('eligible', 'members', 'registered'):
            numbers[(base, by)] = m
        numbers[('attending', by)] = p
    numbers.update({(base, 'weight'): numbers[(base, 'head')] for base in ('eligible', 'members', 'registered')})
    numbers[('attending', 'weight')] = numbers[('attending', 'head')]
    return numbers


def _quorum(meeting, rule_set, numbers) -> tuple[int | None, bool | None]:
    """The quorum under the rule set the meeting opened with; (None, None) before the opening or without a rule."""
    if rule_set is None or meeting.kind not in rule_set.params.get('meetings', {}):
        return None, None
    try:
        outcome = evaluate(rule_set.meeting_rule(meeting.kind, 'quorum'), numbers)
    except RuleError:
        return None, False
    return min(max(r.required for r in row) for row in outcome.results), outcome.met


def _extras(meetings) -> dict:
    counts = queries.attendance(meetings)
    rule_sets = queries.rule_sets_by_id(m.rule_set_id for m in meetings)
    extras = {}
    for meeting in meetings:
        members, present = counts[meeting.id]['members'], counts[meeting.id]['present']
        required, met = _quorum(meeting, rule_sets.get(meeting.rule_set_id), _numbers(members, present))
        extras[meeting.id] = {
            'attendance': {
                'roster': members[0],
                'present': present[0],
                'roster_households': members[1],
                'present_households': present[1],
                'quorum_required': required,
                'quorum_met': met,
            }
        }
    return extras


register_list(
    'meetings',
    '/meetings',
    ListView(queries.meetings, Meeting.id, extras=_extras),
    MeetingSchema,
    'Meetings of public topics, with attendance counts and the quorum',
    TAG,
    filters=(Filter('community', "Only this community's meetings"), Filter('topic', "Only this topic's meetings")),
)


def _load(meeting_id: int):
    return db.session.scalar(queries.meetings({}).where(Meeting.id == meeting_id))


register_item('meeting', '/meetings/<int:meeting_id>', _load, MeetingSchema, 'A meeting', TAG, extras=_extras)
