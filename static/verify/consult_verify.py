#!/usr/bin/env python3
"""Check a Consult record bundle offline: consult_verify.py BUNDLE.zip [--key-id HEX] [--kept-head H --proof P]

Needs Python 3.10+ and the ``cryptography`` package (pip install cryptography); nothing else, no network.

It checks that
  1. manifest.sig is the log key's Ed25519 signature of manifest.json, and (with --key-id) that the key is the
     one whose fingerprint the site shows;
  2. every file of the bundle is listed in the manifest with its SHA-256, and nothing listed is missing;
  3. log/head.json is a tree head signed by the same key, and the manifest names the same head;
  4. every leaf in log/leaves.json hashes as RFC 9162 says and its inclusion proof leads to the head's root;
  5. every record in log/records.json is the one its leaf's digest names (RFC 8785 canonical JSON, SHA-256);
  6. with --kept-head (a head you saved earlier, as the site serves it) and --proof (the site's consistency proof
     from its size to this bundle's head), that the log only grew since.
Exit status 0: all checks passed; 1: a check failed (each failure is printed); 2: the bundle cannot be read.
"""

import argparse
import decimal
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from cryptography.hazmat.primitives.serialization import load_pem_public_key

HEAD_CONTEXT = b'consult-tree-head-v1\n'
SIGNED = ('manifest.json', 'manifest.sig')


# -- RFC 8785 canonical JSON --------------------------------------------------------------------------------------


def _number(value: float) -> str:
    if value != value or value in (float('inf'), float('-inf')):
        raise ValueError('NaN and infinity are not JSON')
    if value == 0:
        return '0'
    sign = '-' if value < 0 else ''
    digits, exponent = decimal.Decimal(repr(abs(value))).as_tuple()[1:]
    text = ''.join(map(str, digits)).rstrip('0')
    exponent += len(digits) - len(text)
    k, n = len(text), len(text) + exponent
    if k <= n <= 21:
        return sign + text + '0' * (n - k)
    if 0 < n <= 21:
        return sign + text[:n] + '.' + text[n:]
    if -6 < n <= 0:
        return sign + '0.' + '0' * -n + text
    e = n - 1
    return sign + text[0] + ('.' + text[1:] if k > 1 else '') + 'e' + ('+' if e > 0 else '-') + str(abs(e))


def canonical(value) -> str:
    if value is None or value is True or value is False:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return '[' + ','.join(canonical(v) for v in value) + ']'
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode('utf-16-be'))
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' + canonical(value[k]) for k in keys) + '}'
    raise ValueError(f'not JSON: {type(value).__name__}')


# -- RFC 9162 Merkle tree ----------------------------------------------------------------------------------------


def leaf_hash(payload: bytes) -> bytes:
    return hashlib.sha256(b'\x00' + payload).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b'\x01' + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list) -> bytes | None:
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list) -> bool:
    """RFC 9162 2.1.4.2."""
    if old == new:
        return old_root == new_root and not proof
    if old == 0:
        return not proof
    if old > new or not proof:
        return False
    if old & (old - 1) == 0:
        proof = [old_root, *proof]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


# -- the checks ----------------------------------------------------------------------------------------------------


def _signed(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def head_message(head: dict) -> bytes:
    body = {'root_hash': head['root_hash'], 'timestamp': head['timestamp'], 'tree_size': head['tree_size']}
    return HEAD_CONTEXT + canonical(body).encode()


def check_head(key: Ed25519PublicKey, key_id: str, head: dict, name: str) -> list[str]:
    try:
        ok = (
            isinstance(head['tree_size'], int)
            and isinstance(head['timestamp'], int)
            and len(bytes.fromhex(head['root_hash'])) == 32
            and head['key_id'] == key_id
            and _signed(key, bytes.fromhex(head['signature']), head_message(head))
        )
    except (KeyError, TypeError, ValueError):
        ok = False
    return [] if ok else [f"{name}: not a tree head signed by this log's key"]


def read_bundle(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {str(p.relative_to(path)).replace('\\', '/'): p.read_bytes() for p in path.rglob('*') if p.is_file()}
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def check_leaves(files: dict, head: dict, topic_id, root: bytes) -> list[str]:
    errors = []
    leaves = json.loads(files['log/leaves.json'])
    records = json.loads(files['log/records.json'])
    seen = set()
    for n, entry in enumerate(leaves):
        where = f'leaf {entry.get("index", n) if isinstance(entry, dict) else n}'
        try:
            payload = entry['payload'].encode()
            leaf = json.loads(payload)
            value = leaf_hash(payload)
            if canonical(leaf).encode() != payload:
                errors.append(f'{where}: the leaf is not canonical JSON')
            if value.hex() != entry['leaf_hash']:
                errors.append(f'{where}: the leaf hash does not match the leaf')
            if leaf['seq'] != entry['index'] or leaf['topic_id'] != topic_id:
                errors.append(f'{where}: the leaf is not this entry of this topic')
            path = [bytes.fromhex(h) for h in entry['inclusion']]
            if root_from_inclusion(entry['index'], head['tree_size'], value, path) != root:
                errors.append(f'{where}: its inclusion proof does not lead to the signed root')
            key = f'{leaf["kind"]}/{leaf["record_id"]}'
            seen.add(key)
            record = records.get(key)
            if record is None:
                errors.append(f'{where}: its record {key} is not in log/records.json')
            elif hashlib.sha256(canonical(record).encode()).hexdigest() != leaf['digest']:
                errors.append(f'{where}: its record {key} is not the one the leaf names')
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f'{where}: malformed ({exc.__class__.__name__})')
    for key in sorted(set(records) - seen):
        errors.append(f'log/records.json: {key} belongs to no leaf')
    return errors


def verify(files: dict[str, bytes], key_id: str | None = None, kept=None, proof=None) -> list[str]:
    """Every failure found (an empty list: the bundle is intact)."""
    for name in (*SIGNED, 'log/public_key.pem', 'log/head.json', 'log/leaves.json', 'log/records.json'):
        if name not in files:
            return [f'{name} is missing']
    try:
        key = load_pem_public_key(files['log/public_key.pem'])
    except (ValueError, UnsupportedAlgorithm):
        return ['log/public_key.pem is not a public key']
    if not isinstance(key, Ed25519PublicKey):
        return ['log/public_key.pem is not an Ed25519 key']
    fingerprint = hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()
    errors = []
    if key_id is not None and key_id.lower() != fingerprint:
        errors.append(f"the bundle's key {fingerprint} is not the key {key_id.lower()} you gave")
    try:
        signature = bytes.fromhex(files['manifest.sig'].decode().strip())
    except (UnicodeDecodeError, ValueError):
        signature = b''
    if not _signed(key, signature, files['manifest.json']):
        return [*errors, "manifest.sig is not the log key's signature of manifest.json"]
    try:
        manifest = json.loads(files['manifest.json'])
        listed = manifest['files']
        head = json.loads(files['log/head.json'])
    except (KeyError, ValueError, TypeError):
        return [*errors, 'manifest.json or log/head.json cannot be read']
    for name in sorted(set(files) - set(SIGNED) - set(listed)):
        errors.append(f'{name} is not listed in the manifest')
    for name, digest in sorted(listed.items()):
        if name not in files:
            errors.append(f'{name} is listed in the manifest but missing')
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            errors.append(f"{name} has changed (its SHA-256 is not the manifest's)")
    errors += check_head(key, fingerprint, head, 'log/head.json')
    if errors:
        return errors
    if manifest.get('head') != {'tree_size': head['tree_size'], 'root_hash': head['root_hash']}:
        errors.append('the manifest names another tree head')
    root = bytes.fromhex(head['root_hash'])
    errors += check_leaves(files, head, manifest.get('topic_id'), root)
    if kept is not None:
        errors += check_growth(key, fingerprint, kept, proof, head)
    return errors


def check_growth(key, fingerprint: str, kept: dict, proof, head: dict) -> list[str]:
    errors = check_head(key, fingerprint, kept, 'the kept head')
    if errors:
        return errors
    path = [bytes.fromhex(h) for h in (proof or {}).get('consistency_path', [])]
    old, new = kept['tree_size'], head['tree_size']
    if not verify_consistency(old, new, bytes.fromhex(kept['root_hash']), bytes.fromhex(head['root_hash']), path):
        return [f'the log of {new} entries does not extend the kept head of {old}: it was rewritten']
    return []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('bundle', type=Path, help='the downloaded .zip (or its unpacked folder)')
    parser.add_argument('--key-id', help="the log key's fingerprint as the site shows it (SHA-256, hex)")
    parser.add_argument('--kept-head', type=Path, help='a tree head JSON you saved earlier')
    parser.add_argument('--proof', type=Path, help='the consistency proof JSON from the kept head to this one')
    args = parser.parse_args(argv)
    try:
        files = read_bundle(args.bundle)
        kept = json.loads(args.kept_head.read_text()) if args.kept_head else None
        proof = json.loads(args.proof.read_text()) if args.proof else None
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        print(f'cannot read: {exc}', file=sys.stderr)
        return 2
    try:
        errors = verify(files, args.key_id, kept, proof)
    except Exception as exc:
        errors = [f'the bundle is malformed ({exc.__class__.__name__})']
    for error in errors:
        print(f'FAIL {error}')
    if errors:
        return 1
    head = json.loads(files['log/head.json'])
    leaves = json.loads(files['log/leaves.json'])
    print(f'OK: {len(files)} files, {len(leaves)} records proved in the log of {head["tree_size"]} entries')
    print(f'   root {head["root_hash"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
