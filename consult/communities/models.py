"""The place hierarchy: city > central community > community > grid > building > household."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.db import db


class City(db.Model):
    __tablename__ = 'cities'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)

    central_communities: so.Mapped[list['CentralCommunity']] = so.relationship(back_populates='city')

    def __repr__(self):
        return f'<City {self.id} {self.name}>'


class CentralCommunity(db.Model):
    """A central community, led by its joint Party committee (社区联合党委)."""

    __tablename__ = 'central_communities'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('cities.id'), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    city: so.Mapped[City] = so.relationship(back_populates='central_communities')
    communities: so.Mapped[list['Community']] = so.relationship(back_populates='central_community')

    __table_args__ = (sa.UniqueConstraint('city_id', 'name'),)

    def __repr__(self):
        return f'<CentralCommunity {self.id} {self.name}>'


class Community(db.Model):
    __tablename__ = 'communities'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    central_community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('central_communities.id'), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: Short public code used in URLs and roster files.
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)

    central_community: so.Mapped[CentralCommunity] = so.relationship(back_populates='communities')
    grids: so.Mapped[list['Grid']] = so.relationship(back_populates='community', order_by='Grid.name')

    __table_args__ = (sa.UniqueConstraint('central_community_id', 'name'),)

    def __repr__(self):
        return f'<Community {self.id} {self.name}>'


class Grid(db.Model):
    """A full-function grid (全科网格)."""

    __tablename__ = 'grids'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    community_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('communities.id'), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    community: so.Mapped[Community] = so.relationship(back_populates='grids')
    buildings: so.Mapped[list['Building']] = so.relationship(back_populates='grid', order_by='Building.name')

    __table_args__ = (sa.UniqueConstraint('community_id', 'name'),)

    def __repr__(self):
        return f'<Grid {self.id} {self.name}>'


class Building(db.Model):
    __tablename__ = 'buildings'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    grid_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('grids.id'), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    grid: so.Mapped[Grid] = so.relationship(back_populates='buildings')
    households: so.Mapped[list['Household']] = so.relationship(back_populates='building', order_by='Household.number')

    __table_args__ = (sa.UniqueConstraint('grid_id', 'name'),)

    def __repr__(self):
        return f'<Building {self.id} {self.name}>'


class Household(db.Model):
    __tablename__ = 'households'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    building_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('buildings.id'), index=True)
    #: The unit number within the building, e.g. ``1-302``.
    number: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: Counting by weight (e.g. the floor area in whole square metres), imported by the committee;
    #: ``None``: none imported (each of the household's voters weighs 1).
    weight: so.Mapped[int | None] = so.mapped_column()

    building: so.Mapped[Building] = so.relationship(back_populates='households')

    __table_args__ = (sa.UniqueConstraint('building_id', 'number'),)

    @property
    def community(self) -> Community:
        return self.building.grid.community

    @property
    def label(self) -> str:
        return f'{self.building.grid.name} · {self.building.name} · {self.number}'

    def __repr__(self):
        return f'<Household {self.id} {self.number}>'


class Department(db.Model):
    """A city department; by Art. 5 it serves communities directly (分片服务、人员派驻、定期走访)."""

    __tablename__ = 'departments'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    city_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('cities.id'), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    city: so.Mapped[City] = so.relationship()
    communities: so.Mapped[list[Community]] = so.relationship(secondary='department_communities')

    __table_args__ = (sa.UniqueConstraint('city_id', 'name'),)

    def __repr__(self):
        return f'<Department {self.id} {self.name}>'


department_communities = sa.Table(
    'department_communities',
    db.metadata,
    sa.Column('department_id', sa.ForeignKey('departments.id'), primary_key=True),
    sa.Column('community_id', sa.ForeignKey('communities.id'), primary_key=True),
)
