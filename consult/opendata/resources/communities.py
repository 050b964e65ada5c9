"""Communities: name, code and central community."""

import sqlalchemy.orm as so

from consult.communities.models import Community
from consult.db import db

from .. import queries
from ..api import ListView
from ..api import register_item
from ..api import register_list
from ..schemas import CommunitySchema

TAG = 'communities'

register_list(
    'communities',
    '/communities',
    ListView(queries.communities, Community.id),
    CommunitySchema,
    'Communities',
    TAG,
)


def _load(community_id: int):
    return db.session.get(Community, community_id, options=[so.joinedload(Community.central_community)])


register_item('community', '/communities/<int:community_id>', _load, CommunitySchema, 'A community', TAG)
