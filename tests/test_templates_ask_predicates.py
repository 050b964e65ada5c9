"""No template decides by comparing a status: it asks ``may('<action>', obj)`` or a model's question.

Every Jinja expression (``{% if/elif %}`` tags, ``{{ }}`` expressions) of every file under ``templates/`` is
scanned for a comparison of a status (``x.status == ...``, ``... != r.status``, ``status in (...)``) and for a
string literal of any status value compared with ``==``/``!=``/``in``. ``filters.status`` (the public list's
filter, a request argument, not a row's status) may be compared to mark the selected option.
"""

import enum
import re
from pathlib import Path

import pytest

from consult.dispatch.models import TicketStatus
from consult.meetings.models import JoinStatus
from consult.meetings.models import MeetingStatus
from consult.meetings.models import TurnStatus
from consult.petitions.models import PetitionStatus
from consult.residency.models import MembershipStatus
from consult.rules.models import RuleSetStatus
from consult.topics.models import TopicStatus
from consult.votes.models import VoteStatus

TEMPLATES = Path(__file__).resolve().parent.parent / 'templates'
STATUS_ENUMS: tuple[type[enum.StrEnum], ...] = (
    TopicStatus,
    TicketStatus,
    PetitionStatus,
    MembershipStatus,
    MeetingStatus,
    JoinStatus,
    TurnStatus,
    RuleSetStatus,
    VoteStatus,
)
STATUS_VALUES = sorted({str(value) for cls in STATUS_ENUMS for value in cls}, key=len, reverse=True)

#: ``{% if ... %}``/``{% elif ... %}`` conditions and ``{{ ... }}`` expressions (inline ``x if y else z`` too).
EXPRESSION = re.compile(r'\{%-?\s*(?:if|elif)\b(?P<tag>.*?)-?%\}|\{\{(?P<expr>.*?)\}\}', re.DOTALL)
_OP = r'(?:==|!=|\bnot\s+in\b|\bin\b)'
#: A status on the left of a comparison: ``m.status == 'open'``, ``status in (...)``, ``x.status not in y``.
STATUS_LEFT = re.compile(r'\b(?:\w+\.)*status\b\s*' + _OP)
#: A status on the right: ``'open' == m.status``, ``x != y.status`` (not the request's ``filters.status``).
STATUS_RIGHT = re.compile(r'(?:==|!=)\s*(?!filters\.status\b)(?:\w+\.)*status\b')
_VALUE = r"""['"](?:""" + '|'.join(re.escape(v) for v in STATUS_VALUES) + r""")['"]"""
#: A status value's literal compared: ``== 'open'``, ``'draft' !=``, ``in ('rejected', ...)``.
LITERAL = re.compile(
    r'(?:==|!=)\s*' + _VALUE + r'|' + _VALUE + r'\s*(?:==|!=|\bnot\s+in\b|\bin\b)'
    r'|' + _OP + r'\s*[(\[][^)\]]*' + _VALUE
)


def offences(text: str) -> list[str]:
    """The Jinja expressions of ``text`` that compare a status, each as it stands."""
    found = []
    for match in EXPRESSION.finditer(text):
        expression = match.group('tag') if match.group('tag') is not None else match.group('expr')
        if STATUS_LEFT.search(expression) or STATUS_RIGHT.search(expression) or LITERAL.search(expression):
            found.append(match.group(0).strip())
    return found


def _templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob('*') if path.is_file())


@pytest.mark.parametrize(
    'line',
    [
        "{% if meeting.status == 'open' %}",
        "{% elif petition.status in ('open', 'threshold_met') %}",
        "{% if may_handle and ticket.status != 'dispatched' %}",
        "{% if r.status not in ('proposed',) %}",
        '{% if topic.status in closed_states %}',
        "{% if 'draft' == topic.status %}",
        "{% if shown == 'lapsed' %}",
        "{% if kind in ['scheduled', 'open'] %}",
        "{{ 'x' if m.status == 'pending' else 'y' }}",
        "{%- if own_request.status == 'refused' -%}",
    ],
)
def test_the_scan_catches_a_status_comparison(line):
    assert offences(f'<p>\n{line}x</p>') == [line]


@pytest.mark.parametrize(
    'line',
    [
        "{% if may('meeting.enter', meeting) %}",
        '{% if meeting.in_session %}',
        '{% if value == filters.status %} selected{% endif %}',
        '<span class="badge status-{{ t.status }}">{{ t.status_label }}</span>',
        '{{ meeting_labels.meeting_status[m.status] }}',
        "{% if action in ('reject', 'refuse', 'withdraw') %}",
        "{% if e.actor_role not in ('resident', 'submitter') %}",
        '<p role="status">{{ _("Co-signs:") }}</p>',
    ],
)
def test_the_scan_leaves_questions_alone(line):
    assert offences(line) == []


def test_no_template_compares_a_status():
    found = [
        f'{path.relative_to(TEMPLATES)}: {expression}'
        for path in _templates()
        for expression in offences(path.read_text(encoding='utf-8'))
    ]
    assert not found, 'templates comparing a status (ask may(action, obj) or a model property):\n' + '\n'.join(found)


def test_the_scan_reads_every_template():
    assert len(_templates()) > 50
    assert 'threshold_met' in STATUS_VALUES
