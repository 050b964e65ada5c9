"""Fixtures of the on-site, proxy and weight tests: a second counter, on-site sign-in, rule set switches."""

import pytest

from consult.kernel.clock import today
from consult.meetings import checkin
from consult.roles.models import Role
from consult.rules.queries import rules_in_force


@pytest.fixture
def second(db, cast, make_user, grant):
    """A second committee member of community A (neither the topic's submitter nor its originator)."""
    user = make_user(display_name='第二计票人')
    grant(user, Role.COMMITTEE_STAFF, community=cast.place.a)
    return user


@pytest.fixture
def on_site(db, cast, open_meeting):
    """``on_site(*users)``: staff mark them present in the room (signed in on site)."""

    def sign_in(*users):
        for user in users:
            checkin.mark_present(cast.director, open_meeting, user)
        db.session.commit()

    return sign_in


@pytest.fixture
def meeting_rules(db, cast):
    """``meeting_rules(kind, roll_call=..., proxies=..., proxy_max_per_holder=...)``: change the rules in force."""

    def change(kind='residents_meeting', proxy_max_per_holder=None, **flags):
        rules = rules_in_force(cast.place.a, today())
        params = {**rules.params, 'meetings': {**rules.params['meetings']}}
        params['meetings'][kind] = {**params['meetings'][kind], **flags}
        if proxy_max_per_holder is not None:
            params['numbers'] = {**params['numbers'], 'proxy_max_per_holder': proxy_max_per_holder}
        rules.params = params
        db.session.commit()
        return rules

    return change
