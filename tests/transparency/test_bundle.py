"""The sealed bundle and the offline verifier, run as residents run it: a subprocess on a downloaded ZIP."""

import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest

from consult.transparency import keys
from consult.transparency import queries
from consult.transparency.bundle import seal
from consult.transparency.display import head_dict
from consult.transparency.models import LogHead
from tests.support import ROOT

sys.path.insert(0, str(ROOT / 'static' / 'verify'))
import consult_verify

VERIFIER = ROOT / 'static' / 'verify' / 'consult_verify.py'
CONTENT = {
    'record.json': json.dumps({'title': '加装电梯', 'status': 'result_published'}, ensure_ascii=False).encode(),
    'parts/timeline.csv': '\ufeffat,action\r\n2026-12-01,submit\r\n'.encode(),
    'attachments/1-plan.pdf': bytes(range(256)) * 4,
}


def _zip(files: dict[str, bytes], path):
    with zipfile.ZipFile(path, 'w') as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _check(files, tmp_path, *args) -> subprocess.CompletedProcess:
    bundle = _zip(files, tmp_path / 'bundle.zip')
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(bundle), *args], capture_output=True, text=True, timeout=60, check=False
    )


def _resign(files: dict[str, bytes]) -> dict[str, bytes]:
    """What the operator holding the key could do: list the changed files anew and sign the manifest again."""
    manifest = json.loads(files['manifest.json'])
    manifest['files'] = {name: hashlib.sha256(files[name]).hexdigest() for name in manifest['files']}
    body = json.dumps(manifest, sort_keys=True).encode()
    return {**files, 'manifest.json': body, 'manifest.sig': keys.sign(body).hex().encode()}


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.fixture
def sealed(db, logged):
    return seal(logged.id, CONTENT)


def test_a_sealed_bundle_passes_the_offline_verifier(sealed, logged, tmp_path):
    result = _check(sealed, tmp_path, '--key-id', keys.key_id())
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'OK' in result.stdout
    assert set(sealed) == {
        *CONTENT,
        'manifest.json',
        'manifest.sig',
        *(f'log/{n}' for n in ('records.json', 'leaves.json', 'head.json', 'public_key.pem')),
    }
    leaves = json.loads(sealed['log/leaves.json'])
    assert len(leaves) == len(queries.leaves_of_topic(logged.id))
    assert json.loads(sealed['log/head.json'])['tree_size'] == queries.size()


def _payload_flip(files):
    leaves = json.loads(files['log/leaves.json'])
    leaves[0]['payload'] = leaves[0]['payload'].replace('"v":1', '"v":2')
    return {**files, 'log/leaves.json': json.dumps(leaves).encode()}


def _proof_flip(files):
    leaves = json.loads(files['log/leaves.json'])
    element = leaves[-1]['inclusion'][0]
    leaves[-1]['inclusion'][0] = ('0' if element[0] != '0' else '1') + element[1:]
    return {**files, 'log/leaves.json': json.dumps(leaves).encode()}


def _head_flip(files):
    head = json.loads(files['log/head.json'])
    head['tree_size'] -= 1
    return {**files, 'log/head.json': json.dumps(head).encode()}


def _record_flip(files):
    records = json.loads(files['log/records.json'])
    key = next(k for k in records if k.startswith('objection/'))
    records[key]['reasons'] = '被改过的理由'
    return {**files, 'log/records.json': json.dumps(records, ensure_ascii=False).encode()}


CHANGES = {
    'a content file': lambda f: {**f, 'record.json': _flip(f['record.json'], 5)},
    'an attachment': lambda f: {**f, 'attachments/1-plan.pdf': _flip(f['attachments/1-plan.pdf'], 700)},
    'the manifest': lambda f: {**f, 'manifest.json': _flip(f['manifest.json'], 20)},
    'the signature': lambda f: {**f, 'manifest.sig': _flip(f['manifest.sig'], 3)},
    'a leaf payload': _payload_flip,
    'a proof element': _proof_flip,
    'the head': _head_flip,
    'a record': _record_flip,
    'an added file': lambda f: {**f, 'parts/extra.csv': b'x'},
    'a removed file': lambda f: {k: v for k, v in f.items() if k != 'parts/timeline.csv'},
}


@pytest.mark.parametrize('change', CHANGES)
def test_any_change_is_rejected(sealed, tmp_path, change):
    result = _check(CHANGES[change](sealed), tmp_path)
    assert result.returncode == 1, result.stdout
    assert 'FAIL' in result.stdout


@pytest.mark.parametrize('change', ['a leaf payload', 'a proof element', 'the head', 'a record'])
def test_a_change_is_rejected_even_with_the_manifest_signed_again(sealed, tmp_path, change):
    """The log's own proofs catch what a re-signed manifest would let through."""
    result = _check(_resign(CHANGES[change](sealed)), tmp_path)
    assert result.returncode == 1, result.stdout
    assert 'manifest' not in result.stdout  # the manifest itself is fine: the log's checks failed


def test_every_byte_of_every_file_is_covered(sealed):
    for name, data in sealed.items():
        step = max(1, len(data) // 40)
        for at in range(0, len(data), step):
            assert consult_verify.verify({**sealed, name: _flip(data, at)}), (name, at)


def test_another_key_is_refused(sealed, tmp_path):
    result = _check(sealed, tmp_path, '--key-id', '0' * 64)
    assert result.returncode == 1


def test_a_kept_head_and_its_consistency_proof_show_the_log_only_grew(db, sealed, logged, tmp_path):
    first = queries.latest_head()
    kept = tmp_path / 'kept.json'
    old = db.session.get(LogHead, 2)
    kept.write_text(json.dumps(head_dict(old)))
    proof = tmp_path / 'proof.json'
    path = [h.hex() for h in queries.consistency_proof(old.tree_size, first.tree_size)]
    proof.write_text(json.dumps({'consistency_path': path}))
    result = _check(sealed, tmp_path, '--kept-head', str(kept), '--proof', str(proof))
    assert result.returncode == 0, result.stdout
    proof.write_text(json.dumps({'consistency_path': ['00' * 32, *path[1:]]}))
    forked = _check(sealed, tmp_path, '--kept-head', str(kept), '--proof', str(proof))
    assert forked.returncode == 1
    assert 'rewritten' in forked.stdout


def test_the_bundle_zip_round_trips(sealed):
    buffer = io.BytesIO()
    _zip(sealed, buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert not consult_verify.verify({i.filename: archive.read(i) for i in archive.infolist()})
