"""The sealed ballot box: what a ballot is while its vote is open.

A ballot is sealed with AES-GCM under the vote's box key, derived (HMAC-SHA256) from the server's secret key
and the vote's random ``box_salt``; the vote's id is the associated data, so a sealed ballot moved to another
vote does not open. The database holds the salt, never the key: a copy of the database and the logs shows
sealed bytes that say nothing, not even how many ballots each option has (no count exists before the close).

What is sealed: the choice, the ballot's weight, its receipt code, and, in an open (roll-call) vote only,
the voter's id and channel.
"""

import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

_NONCE = 12
#: Receipt codes: 16 characters of an alphabet without look-alikes (0/O, 1/I/L), in groups of four.
_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
_RECEIPTS = len(_ALPHABET) ** 16


class BoxError(Exception):
    """A sealed ballot that does not open with this vote's key (tampered with, or from another vote)."""


def new_salt() -> str:
    return secrets.token_hex(32)


def box_key(vote) -> bytes:
    secret = current_app.config['SECRET_KEY']
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, b'consult-ballot-box:' + vote.box_salt.encode(), hashlib.sha256).digest()


def seal(vote, payload: dict) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    data = json.dumps(payload, separators=(',', ':'), sort_keys=True).encode()
    return nonce + AESGCM(box_key(vote)).encrypt(nonce, data, str(vote.id).encode())


def unseal(vote, blob: bytes, key: bytes | None = None) -> dict:
    nonce, body = blob[:_NONCE], blob[_NONCE:]
    try:
        data = AESGCM(key or box_key(vote)).decrypt(nonce, body, str(vote.id).encode())
    except InvalidTag as exc:
        raise BoxError(f'a sealed ballot of vote {vote.id} does not open') from exc
    return json.loads(data)


def new_receipt() -> str:
    """16 symbols drawn uniformly from one ``randbelow`` (one read of the system's randomness, not sixteen)."""
    number, code = secrets.randbelow(_RECEIPTS), []
    for _ in range(16):
        number, index = divmod(number, len(_ALPHABET))
        code.append(_ALPHABET[index])
    return '-'.join(''.join(code[i : i + 4]) for i in range(0, 16, 4))


def _mac(vote, label: str, voter_id: int, client_id: str) -> bytes:
    return hmac.new(box_key(vote), f'{label}:{voter_id}:{client_id}'.encode(), hashlib.sha256).digest()


def receipt_for(vote, voter_id: int, client_id: str) -> str:
    """The receipt of a ballot the sender named ``client_id``: the same for its resends, unguessable without the key."""
    digest = int.from_bytes(_mac(vote, 'receipt', voter_id, client_id), 'big')
    code = ''
    for _ in range(16):
        digest, index = divmod(digest, len(_ALPHABET))
        code += _ALPHABET[index]
    return '-'.join(code[i : i + 4] for i in range(0, 16, 4))


def resend_tag(vote, voter_id: int, client_id: str) -> str:
    """What the elector's row keeps to recognise a resend of the ballot ``client_id`` (not its receipt)."""
    return _mac(vote, 'resend', voter_id, client_id).hex()[:32]


def normalise_receipt(text: str) -> str:
    """A receipt as typed by a voter (spaces, lower case, no dashes) in its printed form, or ``''``."""
    code = ''.join(ch for ch in (text or '').upper() if ch.isalnum())
    if len(code) != 16 or any(ch not in _ALPHABET for ch in code):
        return ''
    return '-'.join(code[i : i + 4] for i in range(0, 16, 4))


def publication_seed(receipts: list[str]) -> str:
    """The tie-break seed published with the result: SHA-256 of the sorted receipt list, one per line.

    Unknown to anyone until the box is opened, and recomputable by anyone from the published list.
    """
    return hashlib.sha256('\n'.join(sorted(receipts)).encode()).hexdigest()
