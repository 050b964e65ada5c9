"""Helpers for residency tests: building roster files, uploading them, reading a user's claims."""

import io

import sqlalchemy as sa

from consult.residency.models import Membership

ROSTER_HEADER = '姓名,出生日期,网格,楼栋,户号'


def roster_csv(*rows: str, header: str = ROSTER_HEADER, encoding: str = 'utf-8') -> bytes:
    """Build a roster file: ``header`` then ``rows``, CRLF line ends as Excel writes them."""
    return '\r\n'.join([header, *rows, '']).encode(encoding)


def row_for(household, name: str, birth: str) -> str:
    """A roster line for ``household``."""
    return f'{name},{birth},{household.building.grid.name},{household.building.name},{household.number}'


def upload(client, csrf, community, data: bytes, filename: str = 'roster.csv'):
    path = f'/residency/communities/{community.id}/roster'
    return client.post(
        path,
        data={'roster': (io.BytesIO(data), filename), 'csrf_token': csrf(path)},
        content_type='multipart/form-data',
    )


def memberships_of(db, user) -> list[Membership]:
    return db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)).all()
