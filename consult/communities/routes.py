"""Public pages about the place hierarchy (no login needed)."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask import render_template

from consult.communities import bp
from consult.communities.models import CentralCommunity
from consult.communities.models import Community
from consult.communities.models import Grid
from consult.db import db
from consult.residency.models import Membership
from consult.residency.models import MembershipStatus


@bp.route('/')
def index():
    centrals = db.session.scalars(
        sa.select(CentralCommunity)
        .options(so.selectinload(CentralCommunity.communities))
        .order_by(CentralCommunity.name)
    ).all()
    return render_template('communities/index.html', centrals=centrals)


@bp.route('/<code>')
def detail(code: str):
    community = db.session.scalar(
        sa.select(Community)
        .where(Community.code == code)
        .options(so.selectinload(Community.grids).selectinload(Grid.buildings))
    )
    if community is None:
        abort(404)
    verified = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.community_id == community.id, Membership.status == MembershipStatus.VERIFIED
        )
    )
    return render_template('communities/detail.html', community=community, verified=verified)
