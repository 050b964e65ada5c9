"""Logins do not stop the production server for everyone (issue 11, item 5).

``gunicorn -k gevent -w 1`` with the production config, so the real Argon2id parameters (about 0.2-0.4 s of
CPU per hash). One socket pings while 10 logins run at once. With the hash on the gevent loop, a ping waited
for every hash queued before it: its answer came with the last logins (1.5 s of 1.8 s measured). Off the loop
it answers while they run. The bound is relative to the logins' own time, so a busy machine, which slows
both, does not make the test flaky.
"""

import pytest

from tests.live_server import live_server
from tests.login_load import pings_during_logins

pytestmark = pytest.mark.live


@pytest.fixture(scope='module')
def production(tmp_path_factory):
    env = {'LOGIN_ACCOUNT_RATE_LIMIT': '1000 per minute'}
    with live_server(tmp_path_factory.mktemp('login-load'), production=True, env=env) as server:
        yield server


def test_a_socket_answers_while_ten_logins_hash_their_passwords(production):
    figures = pings_during_logins(production, logins=10)
    assert figures.login_codes == [302] * 10, production.log_tail()
    slowest_login = max(figures.login_ms)
    assert slowest_login > 300, figures.summary()  # the real parameters: hashing took visible time
    assert len(figures.busy_ms) >= 3, figures.summary()
    # On the loop the pings answered only as the logins finished; off it they answer while they run.
    assert max(figures.busy_ms) < 0.4 * slowest_login, figures.summary()
    assert sorted(figures.busy_ms)[len(figures.busy_ms) // 2] < 0.15 * slowest_login, figures.summary()
