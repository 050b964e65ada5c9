"""Roster import: committee staff upload the community's official roster as CSV; matching claims verify.

The file is all or nothing: every row is validated first, and one refused row imports nothing. Rows are
bulk-inserted, and households are looked up in one query, so a 20,000-row roster imports in about a second.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from consult.accounts.models import User
from consult.audit.operations import record
from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Grid
from consult.communities.models import Household
from consult.db import db
from consult.kernel.clock import today as china_today
from consult.kernel.refusals import Refusal
from consult.residency import logger
from consult.residency import operations
from consult.residency.csv_files import MAX_ROWS
from consult.residency.csv_files import accepted_name
from consult.residency.csv_files import read_rows
from consult.residency.hooks import batched
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus
from consult.residency.models import RosterEntry
from consult.residency.models import RosterImport
from consult.residency.models import VerificationMethod
from consult.security import clean_text

#: The roster's columns, in the order of the template file (any order is accepted).
NAME, BIRTH_DATE, GRID, BUILDING, HOUSEHOLD = '姓名', '出生日期', '网格', '楼栋', '户号'
HEADERS = (NAME, BIRTH_DATE, GRID, BUILDING, HOUSEHOLD)
MAX_NAME_LENGTH = 40
#: Tried in this order; utf-8-sig also reads UTF-8 without a BOM. Excel on Chinese Windows saves GBK.
ENCODINGS = (('utf-8-sig', 'utf-8'), ('gbk', 'gbk'))

#: YYYY-M-D or YYYY/M/D (one separator, used twice), or YYYYMMDD.
_DATE = re.compile(r'([0-9]{4})(?:([-/])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{2})([0-9]{2}))')
#: Control characters never appear in a text CSV; their presence means a binary file (xlsx, image, ...).
_BINARY = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')

HouseholdKey = tuple[str, str, str]
#: A valid roster row: (household id, real name, birth date), which is also what a claim must match.
Row = tuple[int, str, date]
ROW_COLUMNS = ('household_id', 'real_name', 'birth_date')


@dataclass(frozen=True)
class Problem:
    """A refused row: its number as in the file (the header is row 1) and why it was refused."""

    row: int
    reasons: tuple[str, ...]


class RosterRejected(Refusal):
    """The whole file was refused; ``problems`` lists every refused row (empty for file-level problems)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message, code='roster_rejected')
        self.problems = problems or []


def import_roster(actor, community: Community, filename: str, data: bytes, *, max_bytes: int) -> RosterImport:
    """Import ``data`` (a CSV file) as ``community``'s roster, then verify the pending claims that match it.

    :param actor: the committee member uploading the file.
    :param filename: the uploaded file's name, kept for the record.
    :param data: the file's bytes (callers may read ``max_bytes + 1`` bytes so an oversized file is noticed).
    :param max_bytes: the largest file accepted (config ``ROSTER_MAX_BYTES``).
    :return: the new import (flushed, not committed), with ``row_count`` and ``verified_count``.
    :raises RosterRejected: if the file or any row is refused; nothing is written then.
    """
    filename = accepted_name(
        filename,
        data,
        max_bytes,
        lambda kb: _('The file is larger than %(size)s KB. Split the roster into smaller files.', size=kb),
        RosterRejected,
    )
    text, encoding = decode_roster(data)
    rows = parse_roster(text, household_index(community.id), china_today())
    roster = RosterImport(
        community_id=community.id, imported_by_id=actor.id, filename=filename, encoding=encoding, row_count=len(rows)
    )
    db.session.add(roster)
    db.session.flush()
    # One executemany, no ORM objects: 20,000 rows insert in a fraction of a second.
    fixed = {'import_id': roster.id, 'community_id': community.id}
    db.session.execute(sa.insert(RosterEntry), [{**fixed, **dict(zip(ROW_COLUMNS, row, strict=True))} for row in rows])
    with batched():  # open petitions are re-checked once for the whole import, not once per claim
        roster.verified_count = verify_matching_claims(community)
    record(actor, 'roster.import', community=community, rows=len(rows), verified=roster.verified_count)
    logger.info(
        'roster import %s by %s: %s rows, %s verified', community.id, actor.id, len(rows), roster.verified_count
    )
    return roster


def verify_matching_claims(community: Community) -> int:
    """Verify every pending claim in ``community`` that matches a roster row; return how many were verified."""
    # One query finds the matching claims (same household, real name and birth date), however many are pending.
    matching = db.session.scalars(
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.PENDING,
            sa.exists().where(
                RosterEntry.household_id == Membership.household_id,
                RosterEntry.real_name == User.real_name,
                RosterEntry.birth_date == User.birth_date,
            ),
        )
        .options(so.joinedload(Membership.user), so.joinedload(Membership.household))
        .order_by(Membership.id)
    ).all()
    verified = 0
    for membership in matching:
        try:
            # A savepoint per claim: a claim decided meanwhile by staff is skipped, not the whole import lost.
            with db.session.begin_nested():
                operations.verify(membership, None, VerificationMethod.ROSTER)
        except Refusal:
            logger.info('roster import skipped membership %s: no longer pending', membership.id)
            continue
        verified += 1
    return verified


def decode_roster(data: bytes) -> tuple[str, str]:
    """Return the file's text and the name of its encoding (``utf-8`` or ``gbk``).

    :raises RosterRejected: if the file is empty, not UTF-8 or GBK, or not text at all.
    """
    if not data.strip():
        raise RosterRejected(_('The file is empty.'))
    for codec, name in ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _BINARY.search(text):
            break
        return text, name
    raise RosterRejected(
        _(
            'The file is not a CSV text file in UTF-8 or GBK. In Excel, use "Save as" and choose "CSV UTF-8" '
            '(an .xlsx file renamed to .csv does not work).'
        )
    )


def household_index(community_id: int) -> dict[HouseholdKey, int]:
    """Map (grid name, building name, household number) to household id for a community, in one query."""
    result = db.session.execute(
        sa.select(Grid.name, Building.name, Household.number, Household.id)
        .join(Building, Building.grid_id == Grid.id)
        .join(Household, Household.building_id == Building.id)
        .where(Grid.community_id == community_id)
    )
    return {(grid, building, number): household_id for grid, building, number, household_id in result}


def parse_roster(text: str, households: dict[HouseholdKey, int], today: date) -> list[Row]:
    """Validate every row of the roster and return the rows, or refuse the whole file (``csv_files.read_rows``).

    :param households: the community's households, from :func:`household_index`.
    :param today: birth dates after this day are refused.
    :raises RosterRejected: listing every refused row, or naming a file-level problem.
    """
    grids = {key[0] for key in households}
    buildings = {key[:2] for key in households}

    def parse(cells, columns):
        row, reasons = _parse_row(cells, columns, households, grids, buildings, today)
        return row, row, reasons

    return read_rows(
        text,
        _columns,
        parse,
        duplicate=lambda first: _('The same person is already on row %(row)s.', row=first),
        too_many=_('The roster has more than %(max)s rows. Split it into smaller files.', max=MAX_ROWS),
        rejected=RosterRejected,
        problem=Problem,
    )


def _columns(header: list[str]) -> dict[str, int]:
    """Return the position of each roster column, or refuse the header (row 1)."""
    names = [cell.strip() for cell in header]
    while names and not names[-1]:
        names.pop()  # Excel sometimes adds empty columns at the end
    reasons = []
    missing = [name for name in HEADERS if name not in names]
    unknown = [name or _('(empty)') for name in names if name not in HEADERS]
    repeated = sorted({name for name in names if name in HEADERS and names.count(name) > 1}, key=HEADERS.index)
    if missing:
        reasons.append(_('Missing columns: %(columns)s.', columns=', '.join(missing)))
    if unknown:
        reasons.append(_('Unknown columns: %(columns)s.', columns=', '.join(unknown)))
    if repeated:
        reasons.append(_('Columns given more than once: %(columns)s.', columns=', '.join(repeated)))
    if reasons:
        reasons.append(_('The header must have exactly these columns: %(columns)s.', columns=', '.join(HEADERS)))
        raise RosterRejected(
            _('The header row of the file is not right, so nothing was imported.'), [Problem(1, tuple(reasons))]
        )
    return {name: names.index(name) for name in HEADERS}


def _parse_row(cells, columns, households, grids, buildings, today) -> tuple[Row | None, list[str]]:
    """Validate one data row; return the row (or ``None``) and the reasons it is refused."""
    reasons: list[str] = []
    width = len(columns)
    if ''.join(cells[width:]).strip():
        reasons.append(_('The row has more cells than the header has columns.'))
    values = {name: (cells[index].strip() if index < len(cells) else '') for name, index in columns.items()}
    for name in HEADERS:
        if not values[name]:
            reasons.append(_('The cell %(column)s is empty.', column=name))
    real_name = _clean_name(values[NAME])
    if values[NAME] and not real_name:
        reasons.append(_('The name is not plain text.'))
    if len(real_name) > MAX_NAME_LENGTH:
        reasons.append(_('The name is longer than %(max)s characters.', max=MAX_NAME_LENGTH))
    birth_date = None
    if values[BIRTH_DATE]:
        birth_date = parse_date(values[BIRTH_DATE])
        if birth_date is None:
            reasons.append(
                _('"%(value)s" is not a date; write YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.', value=values[BIRTH_DATE])
            )
        elif birth_date > today:
            reasons.append(_('The birth date %(date)s is in the future.', date=birth_date.isoformat()))
    household_id = _household(values, households, grids, buildings, reasons)
    if reasons or household_id is None or birth_date is None:
        return None, reasons
    return (household_id, real_name, birth_date), reasons


def _clean_name(value: str) -> str:
    """Normalise a name as registration does (:func:`clean_text`), skipping the HTML cleaner when there is no markup.

    Control characters never get here: :func:`decode_roster` refuses files containing them.
    """
    value = unicodedata.normalize('NFC', value).strip()
    return clean_text(value) if '<' in value or '&' in value else value


def _household(values, households, grids, buildings, reasons) -> int | None:
    grid, building, number = values[GRID], values[BUILDING], values[HOUSEHOLD]
    if not (grid and building and number):
        return None
    household_id = households.get((grid, building, number))
    if household_id is not None:
        return household_id
    if grid not in grids:
        reasons.append(_('There is no grid "%(grid)s" in this community.', grid=grid))
    elif (grid, building) not in buildings:
        reasons.append(_('There is no building "%(building)s" in %(grid)s.', building=building, grid=grid))
    else:
        reasons.append(_('There is no household "%(number)s" in %(building)s.', number=number, building=building))
    return None


def parse_date(value: str) -> date | None:
    """Parse ``YYYY-MM-DD``, ``YYYY/MM/DD`` (month and day may have one digit) or ``YYYYMMDD``; else ``None``.

    Full-width digits and separators, as a Chinese input method types them, count as their ASCII forms.
    """
    match = _DATE.fullmatch(unicodedata.normalize('NFKC', value))
    if match is None:
        return None
    year, _separator, month, day, compact_month, compact_day = match.groups()
    try:
        return date(int(year), int(month or compact_month), int(day or compact_day))
    except ValueError:
        return None


def recent_imports(community_id: int, limit: int = 10) -> list[RosterImport]:
    """The community's latest roster imports, newest first."""
    return list(
        db.session.scalars(
            sa.select(RosterImport)
            .where(RosterImport.community_id == community_id)
            .order_by(RosterImport.imported_at.desc(), RosterImport.id.desc())
            .limit(limit)
        )
    )
