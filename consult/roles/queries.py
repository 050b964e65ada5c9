"""Role list queries."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db
from consult.roles.models import RoleGrant

PAGE_SIZE = 30


def grants_page(community_ids: set[int] | None, page: int, include_revoked: bool = False):
    """Grants visible to the viewer (``None``: all), newest first, with users and scopes loaded."""
    query = sa.select(RoleGrant).options(
        so.joinedload(RoleGrant.user),
        so.joinedload(RoleGrant.community),
        so.joinedload(RoleGrant.central_community),
        so.joinedload(RoleGrant.department),
        so.joinedload(RoleGrant.granted_by),
    )
    if community_ids is not None:
        query = query.where(RoleGrant.community_id.in_(community_ids))
    if not include_revoked:
        query = query.where(RoleGrant.revoked_at.is_(None))
    return db.paginate(
        query.order_by(RoleGrant.granted_at.desc(), RoleGrant.id.desc()), page=page, per_page=PAGE_SIZE, error_out=False
    )
