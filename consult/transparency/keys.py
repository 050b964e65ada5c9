"""The log's Ed25519 key: signing tree heads, the public key and its fingerprint.

The signed bytes of a head are ``b"consult-tree-head-v1\\n"`` followed by the canonical JSON of
``{"root_hash": <hex>, "timestamp": <ms>, "tree_size": <n>}``; the verifier (``static/verify``) builds the same.
"""

import base64
import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from flask import current_app

from .canonical import canonical

HEAD_CONTEXT = b'consult-tree-head-v1\n'
MANIFEST_CONTEXT = b''  # manifest.sig signs manifest.json's exact bytes (the bundle format says so)


@cache
def _private(value: str) -> Ed25519PrivateKey:
    value = value.strip()
    if value.startswith('-----BEGIN'):
        key = load_pem_private_key(value.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError('TRANSPARENCY_SIGNING_KEY is not an Ed25519 key')
        return key
    raw = base64.b64decode(value, validate=True)
    if len(raw) != 32:
        raise RuntimeError('TRANSPARENCY_SIGNING_KEY must be base64 of a 32-byte Ed25519 seed')
    return Ed25519PrivateKey.from_private_bytes(raw)


def private_key() -> Ed25519PrivateKey:
    return _private(current_app.config['TRANSPARENCY_SIGNING_KEY'])


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_raw(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or public_key()).public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_pem() -> str:
    return public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """The key's fingerprint: SHA-256 of the raw 32-byte public key, hex."""
    return hashlib.sha256(public_raw(key)).hexdigest()


def head_message(tree_size: int, root_hash: bytes, timestamp: int) -> bytes:
    return HEAD_CONTEXT + canonical({'root_hash': root_hash.hex(), 'timestamp': timestamp, 'tree_size': tree_size})


def sign(message: bytes) -> bytes:
    return private_key().sign(message)


def verify(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
