"""Contexts plug into the topic machine at build; the architecture contracts hold."""

import subprocess
import sys
from pathlib import Path

import pytest

from consult import create_app
from consult.config import TestingConfig
from consult.kernel import actions
from consult.kernel.refusals import Refusal
from consult.kernel.transitions import MACHINES
from consult.kernel.transitions import Transition
from consult.kernel.transitions import machine
from consult.topics import states
from consult.topics.models import Topic

ROOT = Path(__file__).resolve().parents[2]


def test_dispatch_comments_and_meetings_extend_the_topic_machine(app):
    extensions = states.MACHINE._extensions
    assert extensions['redirect'].guards  # dispatch: the department serves the community
    assert extensions['redirect'].effects  # dispatch: the ticket
    assert extensions['open_comments'].effects  # comments: the period opens
    assert extensions['conclude_comments'].guards  # comments: the summary is written
    for action in ('open_session', 'form_opinion', 'defer', 'reschedule'):  # meetings: the chair
        assert extensions[action].allowed


def test_building_the_app_again_plugs_nothing_twice(app, database_url):
    before = {
        action: (len(e.allowed), len(e.guards), len(e.effects)) for action, e in states.MACHINE._extensions.items()
    }
    create_app(TestingConfig, {'SQLALCHEMY_DATABASE_URI': database_url})
    after = {
        action: (len(e.allowed), len(e.guards), len(e.effects)) for action, e in states.MACHINE._extensions.items()
    }
    assert after == before


def test_every_step_a_person_takes_is_an_action(app):
    for name, built in MACHINES.items():
        for action in built.transitions:
            assert (f'{name}.{action}' in actions.PREDICATES) == built.taken_by_people(action), (name, action)


def test_an_unknown_action_fails_loudly(app):
    with pytest.raises(KeyError):
        actions.may(None, 'topic.no_such_step')


def test_extending_an_unknown_step_fails_loudly(app):
    with pytest.raises(KeyError):
        states.MACHINE.extend('no_such_step', guards=(lambda *args: None,))


def test_a_step_is_defined_once():
    scratch = MACHINES.pop('scratch', None) or machine('scratch', Topic, rule=states.MACHINE.rule)
    try:
        scratch.define(Transition('go', frozenset({'a'}), 'b'))
        scratch.define(Transition('go', frozenset({'a'}), 'b'))  # the same again: fine
        with pytest.raises(ValueError, match='already defined'):
            scratch.define(Transition('go', frozenset({'a'}), 'c'))
    finally:
        MACHINES.pop('scratch', None)


def test_a_system_step_refuses_a_person_and_a_person_step_refuses_the_system(app, db, make_topic, cast):
    topic = make_topic('submitted')
    with pytest.raises(Refusal) as refused:
        states.apply(topic, 'accept', None)
    assert refused.value.code == 'forbidden'
    assert 'queue' not in states.allowed_actions(cast.staff, topic)


def test_the_import_contracts_hold():
    """The kernel imports no context, contexts import only those upstream, no cycles (``.importlinter``)."""
    linter = Path(sys.executable).with_name('lint-imports')
    result = subprocess.run([str(linter), '--no-cache'], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'Contracts: 4 kept, 0 broken.' in result.stdout
