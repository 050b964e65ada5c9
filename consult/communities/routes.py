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
from consult.kernel.signals import community_facts
from consult.kernel.signals import contributions


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
    facts = {}
    for contribution in contributions(community_facts, community):  # residency: the verified residents
        facts.update(contribution)
    return render_template('communities/detail.html', community=community, verified=facts.get('verified', 0))
