"""Fixtures for residency tests: English-speaking people, committee staff of community A, English messages."""

import pytest
from flask_babel import force_locale

from consult.roles.models import Role


@pytest.fixture
def person(make_user):
    """Factory: a user whose pages are in English, so assertions read the source strings."""

    def make(**overrides):
        overrides.setdefault('locale', 'en')
        return make_user(**overrides)

    return make


@pytest.fixture
def staff(person, grant, place):
    """Committee staff of community A."""
    user = person()
    grant(user, Role.COMMITTEE_STAFF, community=place.a)
    return user


@pytest.fixture
def english(db):
    """Messages made outside a request (operations called directly) in English."""
    with force_locale('en'):
        yield
