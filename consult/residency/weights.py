"""Household weights: committee staff upload a CSV giving each household a weight (e.g. its floor area in m²).

A vote counts by weight where its rule set asks (``Elector.weight``): each household's weight is fixed into
the electorate when a vote opens, shared among the household's voters (``consult.votes.electorate.weights``).

All or nothing, like the roster: every row is checked first and one refused row imports nothing. A row names
its household by ``户ID`` (the household's number on the platform) or by ``网格``, ``楼栋`` and ``户号`` as in
the roster, and gives ``权重``, a whole number from 1. Households not in the file keep their weight.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.audit.operations import record
from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Grid
from consult.communities.models import Household
from consult.db import db

from . import logger
from .csv_files import MAX_ROWS
from .csv_files import accepted_name
from .csv_files import read_rows
from .roster import BUILDING
from .roster import GRID
from .roster import HOUSEHOLD
from .roster import Problem
from .roster import RosterRejected
from .roster import decode_roster
from .roster import household_index

HOUSEHOLD_ID, WEIGHT = '户ID', '权重'
HEADERS = (HOUSEHOLD_ID, GRID, BUILDING, HOUSEHOLD, WEIGHT)
MAX_WEIGHT = 1_000_000


def import_weights(actor, community: Community, filename: str, data: bytes, *, max_bytes: int) -> int:
    """Set the weights the file gives to ``community``'s households; return how many were set.

    :raises RosterRejected: the file or any row is refused (``problems`` lists every refused row); nothing is saved.
    """
    filename = accepted_name(
        filename,
        data,
        max_bytes,
        lambda kb: _('The file is larger than %(size)s KB. Split it into smaller files.', size=kb),
        RosterRejected,
    )
    text, _encoding = decode_roster(data)
    rows = parse_weights(text, household_index(community.id), _household_ids(community.id))
    db.session.execute(sa.update(Household), [{'id': household_id, 'weight': weight} for household_id, weight in rows])
    record(actor, 'residency.weights', community=community, rows=len(rows), filename=filename)
    logger.info('household weights of community %s imported by %s: %s rows', community.id, actor.id, len(rows))
    return len(rows)


def _households(community_id: int):
    return (
        sa.select(Household.id)
        .join(Building, Building.id == Household.building_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(Grid.community_id == community_id)
    )


def _household_ids(community_id: int) -> set[int]:
    return set(db.session.scalars(_households(community_id)))


def weighted_count(community_id: int) -> int:
    """How many of the community's households have a weight."""
    query = _households(community_id).where(Household.weight.is_not(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _columns(header: list[str]) -> dict[str, int]:
    names = [cell.strip() for cell in header]
    while names and not names[-1]:
        names.pop()
    reasons = []
    unknown = [name or _('(empty)') for name in names if name not in HEADERS]
    repeated = sorted({name for name in names if names.count(name) > 1 and name in HEADERS})
    by_key = all(name in names for name in (GRID, BUILDING, HOUSEHOLD))
    if WEIGHT not in names:
        reasons.append(_('Missing column: %(column)s.', column=WEIGHT))
    if HOUSEHOLD_ID not in names and not by_key:
        reasons.append(
            _(
                'Name the household by the column %(id)s, or by the columns %(key)s.',
                id=HOUSEHOLD_ID,
                key=', '.join((GRID, BUILDING, HOUSEHOLD)),
            )
        )
    if unknown:
        reasons.append(_('Unknown columns: %(columns)s.', columns=', '.join(unknown)))
    if repeated:
        reasons.append(_('Columns given more than once: %(columns)s.', columns=', '.join(repeated)))
    if reasons:
        raise RosterRejected(
            _('The header row of the file is not right, so nothing was imported.'), [Problem(1, tuple(reasons))]
        )
    return {name: names.index(name) for name in HEADERS if name in names}


def _row(cells, columns, households, ids) -> tuple[tuple[int, int] | None, list[str]]:
    values = {name: (cells[index].strip() if index < len(cells) else '') for name, index in columns.items()}
    reasons: list[str] = []
    household_id = None
    if values.get(HOUSEHOLD_ID):
        raw = values[HOUSEHOLD_ID]
        household_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if household_id not in ids:
            reasons.append(_('There is no household no. %(id)s in this community.', id=raw))
            household_id = None
    elif all(values.get(name) for name in (GRID, BUILDING, HOUSEHOLD)):
        key = (values[GRID], values[BUILDING], values[HOUSEHOLD])
        household_id = households.get(key)
        if household_id is None:
            reasons.append(_('There is no household "%(household)s" in this community.', household=' · '.join(key)))
    else:
        reasons.append(_('The row does not name its household.'))
    raw = values.get(WEIGHT, '')
    weight = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if weight is None or not 1 <= weight <= MAX_WEIGHT:
        reasons.append(_('The weight "%(value)s" is not a whole number from 1 to %(max)s.', value=raw, max=MAX_WEIGHT))
    if reasons or household_id is None or weight is None:
        return None, reasons
    return (household_id, weight), reasons


def parse_weights(text: str, households: dict, ids: set[int]) -> list[tuple[int, int]]:
    """Validate every row; return ``(household id, weight)`` pairs, or refuse the whole file listing every bad row."""

    def parse(cells, columns):
        row, reasons = _row(cells, columns, households, ids)
        return row, row[0] if row is not None else None, reasons

    return read_rows(
        text,
        _columns,
        parse,
        duplicate=lambda first: _('The same household is already on row %(row)s.', row=first),
        too_many=_('The file has more than %(max)s rows. Split it into smaller files.', max=MAX_ROWS),
        rejected=RosterRejected,
        problem=Problem,
    )
