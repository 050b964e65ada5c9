"""Every refusal of a rule cites the rule and its source; the few that are not a rule are listed here.

The scan reads every ``Refusal(...)`` (and every call of a ``Refusal`` subclass) in ``consult/``. A call cites
a rule when it passes one: as its second argument or as ``rule=``, and not the literal ``None``. Sources name
the law, the local regulation or practice, or the platform's own design; never a design document.
"""

import ast
from pathlib import Path

import pytest

from consult.kernel.refusals import Rule
from consult.kernel.transitions import MACHINES

ROOT = Path(__file__).resolve().parents[2] / 'consult'

#: Refusals that are not a rule, by (module, code): each says plainly what is wrong, and why it is no rule.
WRONG_PASSWORD = 'wrong password or code: the person typed a secret that does not match'
MALFORMED = 'malformed input: a field is empty, too long, impossible or unreadable'
NOT_FOUND = 'not found: there is nothing of that kind to act on'
LOGGED_OUT = 'not logged in: the login session ended; the person is sent to log in'
NOT_A_RULE = {
    ('accounts/operations.py', 'bad_credentials'): WRONG_PASSWORD,
    ('votes/ballot_refusals.py', 'session_ended'): LOGGED_OUT,  # an HTTP ballot's login, checked with its batch
    ('accounts/operations.py', 'empty_name'): MALFORMED,
    ('accounts/operations.py', 'bad_birth_date'): MALFORMED,
    ('accounts/resets.py', 'bad_link'): WRONG_PASSWORD,  # a reset link mistyped, used or expired
    ('residency/codes.py', 'household_code'): WRONG_PASSWORD,  # mistyped, another household's, used or expired
    ('residency/codes.py', 'no_households'): MALFORMED,
    ('residency/roster.py', 'RosterRejected'): MALFORMED,  # the uploaded CSV file, row by row
    ('votes/routes_onsite.py', 'bad_ballots'): MALFORMED,  # an empty number of ballots in the count form
    ('votes/routes_onsite.py', 'bad_counts'): MALFORMED,  # a count that is not a whole number
    ('petitions/operations.py', 'invalid'): MALFORMED,  # an empty or too long text, a missing or future date
    ('petitions/operations.py', 'not_signed'): NOT_FOUND,  # no signature to withdraw
    ('roles/operations.py', 'scope_required'): MALFORMED,  # the form gave no community or department
    ('web.py', 'token_used'): MALFORMED,  # another person's one-time form token: the form is shown again
}


def _refusal_classes(trees) -> set[str]:
    """``Refusal`` and the names of its subclasses defined in ``consult/`` (e.g. ``RosterRejected``)."""
    names = {'Refusal'}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id in names for base in node.bases
            ):
                names.add(node.name)
    return names


def _called(node) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _cites(node: ast.Call) -> bool:
    rule = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == 'rule'), None)
    return rule is not None and not (isinstance(rule, ast.Constant) and rule.value is None)


def _code(node: ast.Call, name: str) -> str:
    for keyword in node.keywords:
        if keyword.arg == 'code' and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return name if name != 'Refusal' else 'refused'


def _scan():
    trees = {path: ast.parse(path.read_text(encoding='utf-8')) for path in sorted(ROOT.rglob('*.py'))}
    classes = _refusal_classes(trees)
    calls = []
    for path, tree in trees.items():
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in classes:
                calls.append((module, node.lineno, _code(node, _called(node)), _cites(node)))
    return calls


CALLS = _scan()


def test_the_scan_finds_the_refusals():
    assert len(CALLS) > 200
    assert any(module == 'meetings/roster.py' and cites for module, _line, _code, cites in CALLS)


def test_every_refusal_of_a_rule_cites_it():
    missing = [
        f'consult/{module}:{line} (code {code!r})'
        for module, line, code, cites in CALLS
        if not cites and (module, code) not in NOT_A_RULE
    ]
    assert missing == [], 'refusals without a rule (cite one, or list a non-rule above): ' + ', '.join(missing)


@pytest.mark.parametrize('listed', sorted(NOT_A_RULE))
def test_every_listed_refusal_still_exists_without_a_rule(listed):
    """An allow-list entry that no longer matches an uncited refusal is stale: remove it."""
    assert any((module, code) == listed and not cites for module, _line, code, cites in CALLS), listed


def test_every_state_machine_cites_a_rule_for_its_own_refusals(app):
    """Wrong state, not allowed and taken meanwhile are refused by the machine, naming its rules."""
    assert MACHINES
    for machine in MACHINES.values():
        assert machine.rule is not None, machine.name
        assert machine.who_rule is not None, machine.name


def _rule_sources():
    """Every ``Rule(code, source)`` in ``consult/`` with a literal source."""
    for path in sorted(ROOT.rglob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, ast.Call) and _called(node) == 'Rule' and len(node.args) > 1:
                source = node.args[1]
                if isinstance(source, ast.Call) and source.args:
                    source = source.args[0]
                if isinstance(source, ast.Constant):
                    yield path.relative_to(ROOT).as_posix(), source.value


def test_no_source_names_a_design_document(app):
    sources = list(_rule_sources())
    assert len(sources) > 40
    for module, text in sources:
        assert '.md' not in text, (module, text)
        assert 'domain' not in text.lower(), (module, text)
    assert all(isinstance(rule, Rule) for rule in (machine.rule for machine in MACHINES.values()))
