"""Role grants. A grant is never deleted: revocation stamps it, so the history stays."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from consult.db import UTCDateTime
from consult.db import db
from consult.kernel.clock import utcnow


class Role(enum.StrEnum):
    """Granted roles. Being a resident is not granted: it follows from verified residence."""

    REPRESENTATIVE = 'representative'
    GRID_WORKER = 'grid_worker'
    COMMITTEE_STAFF = 'committee_staff'
    COMMITTEE_DIRECTOR = 'committee_director'
    PARTY_ORG = 'party_org'
    JOINT_PARTY_COMMITTEE = 'joint_party_committee'
    DEPARTMENT = 'department'
    NPC_DEPUTY = 'npc_deputy'
    EXPERT = 'expert'
    SUPERVISORY_COMMITTEE = 'supervisory_committee'
    ADMIN = 'admin'


class Scope(enum.StrEnum):
    COMMUNITY = 'community'
    CENTRAL_COMMUNITY = 'central_community'
    DEPARTMENT = 'department'
    CITY = 'city'


#: What each role's grant is scoped to.
ROLE_SCOPE = {
    Role.REPRESENTATIVE: Scope.COMMUNITY,
    Role.GRID_WORKER: Scope.COMMUNITY,
    Role.COMMITTEE_STAFF: Scope.COMMUNITY,
    Role.COMMITTEE_DIRECTOR: Scope.COMMUNITY,
    Role.PARTY_ORG: Scope.COMMUNITY,
    Role.JOINT_PARTY_COMMITTEE: Scope.CENTRAL_COMMUNITY,
    Role.DEPARTMENT: Scope.DEPARTMENT,
    Role.NPC_DEPUTY: Scope.COMMUNITY,  # one grant per community of the deputy's constituency
    Role.EXPERT: Scope.COMMUNITY,
    Role.SUPERVISORY_COMMITTEE: Scope.COMMUNITY,
    Role.ADMIN: Scope.CITY,
}

ROLE_LABELS = {
    'resident': _l('Resident'),
    Role.REPRESENTATIVE: _l("Residents' representative"),
    Role.GRID_WORKER: _l('Grid worker'),
    Role.COMMITTEE_STAFF: _l('Committee staff'),
    Role.COMMITTEE_DIRECTOR: _l('Committee director'),
    Role.PARTY_ORG: _l('Community Party organisation'),
    Role.JOINT_PARTY_COMMITTEE: _l('Central-community joint Party committee'),
    Role.DEPARTMENT: _l('City department'),
    Role.NPC_DEPUTY: _l('NPC deputy'),
    Role.EXPERT: _l('Expert'),
    Role.SUPERVISORY_COMMITTEE: _l("Residents' affairs supervisory committee"),
    Role.ADMIN: _l('Administrator'),
}


class RoleGrant(db.Model):
    __tablename__ = 'role_grants'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('users.id'), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: Exactly one scope column is set, as ``ROLE_SCOPE`` says (none for the city-wide admin).
    community_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('communities.id'), index=True)
    central_community_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('central_communities.id'))
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('departments.id'))
    granted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    granted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default='')
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id'))
    revoke_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    user = so.relationship('User', foreign_keys=[user_id])
    granted_by = so.relationship('User', foreign_keys=[granted_by_id])
    community = so.relationship('Community')
    central_community = so.relationship('CentralCommunity')
    department = so.relationship('Department')

    __table_args__ = (sa.Index('ix_role_grants_user_role_active', 'user_id', 'role', 'revoked_at'),)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_label(self) -> str:
        if self.community is not None:
            return self.community.name
        if self.central_community is not None:
            return self.central_community.name
        if self.department is not None:
            return self.department.name
        return ''

    def __repr__(self):
        return f'<RoleGrant {self.id} {self.role} user={self.user_id}>'
