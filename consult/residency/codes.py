"""Household codes (一户一码): one-time codes that staff hand to a household, and that verify a claim at once.

A code is 8 characters from an alphabet without look-alikes (no 0/O/1/I/L), made with :mod:`secrets`.
Only an HMAC-SHA256 of it, keyed with the app's ``SECRET_KEY``, is stored: a code has about 40 bits, so a
plain hash in a leaked database could be reversed by trying every code; without the key it cannot.
(Rotating ``SECRET_KEY`` therefore retires unused codes; staff reissue them.) The plaintext is shown
once, on the printable page after issuing.

Issuing a new code for a household **expires that household's older unused codes** (their ``expires_at``
is set to now): only the newest slip works, so a lost or misdelivered slip is disarmed by reissuing.
"""

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.communities.models import Community
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import utcnow
from consult.kernel.refusals import Refusal
from consult.residency import logger
from consult.residency import operations
from consult.residency.guards import RESIDENCE
from consult.residency.models import HouseholdCode
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.models import VerificationMethod

ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
CODE_LENGTH = 8
VALID_FOR = timedelta(days=30)
#: Spaces and dashes (ASCII, full-width and typographic) people type or copy between the code's halves.
_SEPARATORS = re.compile(r'[\s\-_‐‑‒–—―－]+')
_WELL_FORMED = re.compile(f'[{ALPHABET}]{{{CODE_LENGTH}}}')


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued, with its plaintext: shown once, never stored."""

    household: Household
    code: str
    expires_at: datetime


def generate_code() -> str:
    """Return a random code such as ``K7QM3XWP``."""
    return ''.join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """Uppercase the code and drop spaces and dashes; full-width letters become ASCII."""
    return _SEPARATORS.sub('', unicodedata.normalize('NFKC', text or '')).upper()


def hash_code(code: str) -> str:
    """Return the keyed digest (HMAC-SHA256 with ``SECRET_KEY``) of a normalised code."""
    key = current_app.config['SECRET_KEY'].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def format_code(code: str) -> str:
    """Show a code in two halves, ``K7QM-3XWP``, to be read and typed more easily."""
    half = CODE_LENGTH // 2
    return f'{code[:half]}-{code[half:]}'


def issue_codes(actor, community: Community, households: list[Household]) -> list[IssuedCode]:
    """Issue a new code for each of ``households`` (all in ``community``), valid for 30 days.

    Older unused codes of these households expire now (see the module docstring).

    :param actor: the committee member issuing the codes.
    :return: the codes in plaintext, in the order of ``households``; show them once and forget them.
    :raises Refusal: if no household is given, or one is not in ``community``.
    """
    if not households:
        raise Refusal(_('Choose at least one household.'), code='no_households')
    if any(household.building.grid.community_id != community.id for household in households):
        raise Refusal(
            _('Codes can only be issued for households of this community.'), RESIDENCE, code='wrong_community'
        )
    now = utcnow()
    expires_at = now + VALID_FOR
    household_ids = [household.id for household in households]
    db.session.execute(
        sa.update(HouseholdCode)
        .where(
            HouseholdCode.household_id.in_(household_ids),
            HouseholdCode.used_at.is_(None),
            HouseholdCode.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    plaintexts = _fresh_codes(len(households))
    db.session.execute(
        sa.insert(HouseholdCode),
        [
            {
                'household_id': household.id,
                'code_hash': hash_code(code),
                'created_by_id': actor.id,
                'created_at': now,
                'expires_at': expires_at,
            }
            for household, code in zip(households, plaintexts, strict=True)
        ],
    )
    record(actor, 'household_code.issue', community=community, count=len(households), household_ids=household_ids)
    logger.info('%s household codes issued in community %s by %s', len(households), community.id, actor.id)
    return [
        IssuedCode(household, format_code(code), expires_at)
        for household, code in zip(households, plaintexts, strict=True)
    ]


def _fresh_codes(count: int) -> list[str]:
    """Return ``count`` distinct codes whose hashes are not stored yet (a clash is very unlikely, but checked)."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {generate_code() for _ in range(count - len(codes))} - codes
        taken = set(
            db.session.scalars(
                sa.select(HouseholdCode.code_hash).where(
                    HouseholdCode.code_hash.in_([hash_code(code) for code in candidates])
                )
            )
        )
        codes.update(code for code in candidates if hash_code(code) not in taken)
    return list(codes)


def claim_with_code(user, household: Household, text: str) -> Membership:
    """Claim residence in ``household`` and verify it at once with the household's code.

    A claim that the roster already verifies leaves the code unused, for another member of the household.

    :param text: the code as typed; case, spaces and dashes do not matter.
    :raises Refusal: (``household_code``) if the code is malformed, unknown, for another household, used or
        expired; or the refusals of :func:`operations.claim_residence`. Nothing is saved then (the caller
        rolls back).
    """
    code = normalise_code(text)
    if not _WELL_FORMED.fullmatch(code):
        raise Refusal(
            _('A household code has 8 letters and digits, for example ABCD-2345. Check the code on your slip.'),
            code='household_code',
        )
    row = db.session.scalar(sa.select(HouseholdCode).where(HouseholdCode.code_hash == hash_code(code)))
    now = utcnow()
    # A code of another household gets the same answer as an unknown code: it reveals nothing about others.
    if row is None or row.household_id != household.id:
        logger.info('user %s entered a wrong household code for household %s', user.id, household.id)
        raise Refusal(
            _('This code does not belong to the household you chose. Check the code and the household.'),
            code='household_code',
        )
    if row.used_at is not None:
        raise Refusal(
            _('This code has already been used. Ask your community committee for a new one.'), code='household_code'
        )
    if row.expires_at <= now:
        raise Refusal(
            _('This code has expired or was replaced by a newer one. Ask your community committee for a new one.'),
            code='household_code',
        )
    membership = operations.claim_residence(user, household)
    if membership.status == MembershipStatus.VERIFIED:
        return membership
    _use(row, membership, now)
    operations.verify(membership, None, VerificationMethod.HOUSEHOLD_CODE)
    return membership


def _use(row: HouseholdCode, membership: Membership, now: datetime) -> None:
    """Mark the code used with a conditional UPDATE, so two concurrent claims cannot both use it.

    :raises Refusal: if another claim used the code (or it expired) since it was read.
    """
    result = db.session.execute(
        sa.update(HouseholdCode)
        .where(HouseholdCode.id == row.id, HouseholdCode.used_at.is_(None), HouseholdCode.expires_at > now)
        .values(used_at=now, used_by_membership_id=membership.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refusal(
            _('This code has already been used. Ask your community committee for a new one.'), code='household_code'
        )
    db.session.refresh(row)


def code_status(households: list[Household]) -> dict[int, HouseholdCode]:
    """Return each household's newest code (if any), in one query, for the staff overview."""
    if not households:
        return {}
    latest: dict[int, HouseholdCode] = {}
    for row in db.session.scalars(
        sa.select(HouseholdCode)
        .where(HouseholdCode.household_id.in_([household.id for household in households]))
        .order_by(HouseholdCode.created_at, HouseholdCode.id)
    ):
        latest[row.household_id] = row
    return latest
