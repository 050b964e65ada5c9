"""The dependency locks: every package, indirect ones included, pinned and hashed, and installed as locked.

``requirements.in`` and ``requirements-dev.in`` name what the project uses; ``make lock`` compiles them with
pip-tools into ``requirements.txt`` and ``requirements-dev.txt``, which ``make run``, ``make test`` and CI install
with ``--require-hashes`` (pip refuses any file whose hash is not in the lock).
"""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
_LOCKS = ('requirements.txt', 'requirements-dev.txt')


def _entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    """``{name: (version, hashes)}`` of a pip-compile lock (continuation lines joined)."""
    text = re.sub(r'\\\n\s*', ' ', path.read_text())
    entries = {}
    for line in text.splitlines():
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        assert not line.startswith('-'), f'{path.name}: unexpected option line {line!r}'
        spec, *options = line.split(' --hash=')
        requirement = Requirement(spec.strip())
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1, f'{path.name}: {spec} is not pinned'
        assert specifiers[0].operator == '==', f'{path.name}: {spec} is not pinned with =='
        entries[canonicalize_name(requirement.name)] = (specifiers[0].version, [o.strip() for o in options])
    return entries


def _pins(path: Path) -> dict[str, str]:
    """The pins named in a ``.in`` file (its ``-r``/``-c`` lines are followed elsewhere)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if not line or line.startswith('-'):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


@pytest.mark.parametrize('lock', _LOCKS)
def test_every_locked_package_is_pinned_and_hashed(lock):
    entries = _entries(ROOT / lock)
    assert len(entries) > 40
    for name, (_version, hashes) in entries.items():
        assert hashes, f'{lock}: {name} has no hash'
        assert all(re.fullmatch(r'sha256:[0-9a-f]{64}', h) for h in hashes), f'{lock}: {name} has a malformed hash'


def test_locks_hold_what_the_in_files_pin():
    runtime = _entries(ROOT / 'requirements.txt')
    dev = _entries(ROOT / 'requirements-dev.txt')
    for name, version in _pins(ROOT / 'requirements.in').items():
        assert runtime[name][0] == version, f'requirements.txt locks {name} {runtime[name][0]}, the .in pins {version}'
    for name, version in _pins(ROOT / 'requirements-dev.in').items():
        assert dev[name][0] == version, f'requirements-dev.txt locks {name} {dev[name][0]}, the .in pins {version}'
    for name, (version, _hashes) in runtime.items():
        assert dev[name][0] == version, f'the dev lock has {name} {dev[name][0]}, the runtime lock {version}'


def test_the_environment_is_installed_from_the_lock():
    """The tests run in the environment ``make test`` built: each locked package at its locked version."""
    wrong = {}
    for name, (version, _hashes) in _entries(ROOT / 'requirements-dev.txt').items():
        if name == 'pip':
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert not wrong, f'installed vs locked: {wrong}'


def test_the_makefile_installs_with_hashes_required():
    makefile = (ROOT / 'Makefile').read_text()
    installs = re.findall(r'pip install[^\n]*-r (requirements[-a-z]*\.txt)', makefile)
    assert sorted(installs) == ['requirements-dev.txt', 'requirements.txt']
    assert all(
        '--require-hashes' in line for line in makefile.splitlines() if re.search(r'pip install.*-r requirements', line)
    )
