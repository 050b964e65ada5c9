"""Every status change goes through the kernel's state machine: the tables, the actions, no hand-made twin."""

import re
from pathlib import Path

import pytest

from consult.kernel import actions
from consult.kernel.transitions import MACHINES

ROOT = Path(__file__).resolve().parents[2]

#: machine -> step -> (sources, target): the tables of the machines moved onto the kernel.
TABLES = {
    'ticket': {
        'dispatch': ({'proposed'}, 'dispatched'),
        'decline': ({'proposed'}, 'declined'),
        'report': ({'dispatched'}, 'reported'),
        'handle': ({'reported'}, 'handling'),
        'close': ({'reported', 'handling'}, 'closed'),
    },
    'petition': {
        'meet': ({'open'}, 'threshold_met'),
        'convene': ({'threshold_met'}, 'convened'),
        'lapse': ({'open'}, 'lapsed'),
        'withdraw': ({'open'}, 'withdrawn'),
    },
    'claim': {
        'verify': ({'pending'}, 'verified'),
        'reject': ({'pending'}, 'rejected'),
        'withdraw': ({'pending'}, 'withdrawn'),
    },
    'meeting': {
        'open': ({'scheduled'}, 'open'),
        'close': ({'open'}, 'closed'),
        'cancel': ({'scheduled'}, 'cancelled'),
    },
    'suggestion': {
        'reply': ({'sent'}, 'replied'),
        'assess': ({'replied'}, 'assessed'),
        'overdue': ({'sent'}, 'sent'),
    },
}

#: Steps only the system takes (no person may): they are no actions.
SYSTEM_ONLY = {
    ('topic', 'queue'),
    ('topic', 'vote_passed'),
    ('topic', 'vote_failed'),
    ('topic', 'vote_quorum_failed'),
    ('topic', 'close_window'),
    ('topic', 'report_to_gov'),
    ('petition', 'meet'),
    ('petition', 'lapse'),
    ('suggestion', 'overdue'),
}


@pytest.mark.parametrize('name', sorted(TABLES))
def test_each_machine_has_its_table(app, name):
    machine = MACHINES[name]
    table = {step: ({str(s) for s in t.sources}, str(t.target)) for step, t in machine.transitions.items()}
    assert table == TABLES[name]


def test_every_step_people_take_is_an_action(app):
    """Once the app is built, ``<machine>.<step>`` is registered for every step a person may take."""
    assert {'topic', 'ticket', 'petition', 'claim', 'meeting'} <= set(MACHINES)
    for name, machine in MACHINES.items():
        for step, transition in machine.transitions.items():
            action = f'{name}.{step}'
            if (name, step) in SYSTEM_ONLY:
                assert transition.system
                assert transition.allowed is None
                assert action not in actions.PREDICATES
            else:
                assert action in actions.PREDICATES, action
                assert actions.PREDICATES[action] == actions._StepPredicate(machine, step)


def test_the_claim_verify_step_is_taken_by_staff_and_by_the_system(app):
    verify = MACHINES['claim'].transitions['verify']
    assert verify.system
    assert verify.allowed is not None
    assert 'claim.verify' in actions.PREDICATES


def _update_statements(source: str):
    """Each ``sa.update(Model).where(...).values(...)`` chain of ``source``, as text."""
    for match in re.finditer(r'sa\.update\((\w+)\)', source):
        depth, end = 0, match.start()
        while end < len(source):
            char = source[end]
            depth += {'(': 1, ')': -1}.get(char, 0)
            end += 1
            if depth == 0 and char == ')' and not source[end:].lstrip().startswith('.'):
                break
        yield match.group(1), source[match.start() : end]


def test_no_status_of_a_machine_is_moved_by_hand():
    """Only ``consult/kernel/transitions.py`` writes the ``status`` of a machine's model (an UPDATE, an assignment)."""
    models = {'Topic', 'DispatchTicket', 'Petition', 'Membership', 'Meeting'}
    twins = []
    for path in sorted((ROOT / 'consult').rglob('*.py')):
        if path.parts[-2:] == ('kernel', 'transitions.py'):
            continue
        source = path.read_text(encoding='utf-8')
        for model, statement in _update_statements(source):
            if model in models and re.search(r'\.values\([^)]*\bstatus\s*=', statement, re.S):
                twins.append(f'{path.relative_to(ROOT)}: sa.update({model}) sets status')
        for match in re.finditer(r'\b(topic|ticket|petition|meeting|claim)\.status\s*=(?!=)', source):
            twins.append(f'{path.relative_to(ROOT)}: {match.group(0)}')
    assert twins == []
