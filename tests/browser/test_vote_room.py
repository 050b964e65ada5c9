"""Issue 13 in a real browser with real websockets: a motion put to the demo's open meeting (东湖, residents' meeting).

The chair prepares a motion and opens it in the live room; three voters cast their ballots, two in the room (one on
a phone) by socket and one on the vote's own page; before the close no page and no published list holds a count;
the chair closes it and the result with its quorum and majority conditions appears on all four pages without a
reload. A voter marked as having voted on paper reads so and cannot vote online; a ballot whose answer was lost is
sent again and reads "already received". Every vote a test opens is closed (or, on failure, cancelled) after it.
"""

import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_live_room import DEMO_DIRECTOR
from tests.browser.test_live_room import DEMO_GRID_WORKER
from tests.browser.test_live_room import DEMO_REPRESENTATIVE
from tests.browser.test_live_room import DEMO_SUPERVISORY
from tests.browser.test_live_room import _room
from tests.live_server import DEMO_RESIDENT

pytestmark = [pytest.mark.browser, pytest.mark.live]

PHONE = {'width': 390, 'height': 844}
DESK = {'width': 1366, 'height': 768}
#: What a count would look like on a page in Chinese: "3 票", "计票总数", a result section.
COUNT = re.compile(r'\d+\s*票|计票总数|得票|票数')
EMIT_CAST = (
    """([vote, choice]) => new Promise(resolve => window.consultSocket.emit('vote:cast', {vote, choice}, resolve))"""
)
POST_CAST = """async (vote) => { const body = new FormData(); body.append('choice', '0');
  const r = await window.consultFetch('/votes/' + vote + '/cast', {method: 'POST', body});
  return [r.status, await r.json()]; }"""


@pytest.fixture
def database(live):
    engine = sa.create_engine(live.database_url, poolclass=sa.pool.NullPool)
    yield engine
    # A test that failed half-way leaves no vote open for the next one (the meeting takes one at a time).
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE votes SET status = 'cancelled', cancel_reason = 'test' WHERE status = 'open'"))
    engine.dispose()


def _answering(page):
    """Confirmations ("cast this ballot?", "close the vote?") are answered yes."""
    page.on('dialog', lambda dialog: dialog.accept())
    return page


def _phone(new_context, **options):
    return lambda: new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)


def _desk(new_context, **options):
    return lambda: new_context(viewport=DESK, **options)


def _open_motion(chair, title: str) -> int:
    """The chair prepares a motion from the room, comes back and opens it there; the vote's id."""
    room = chair.url
    chair.locator('#room-votes a.room-votes-prepare').click()
    chair.fill('#title', title)
    chair.fill('#question', '是否同意将投放点迁至2幢与3幢之间绿地旁？')
    chair.locator('main form button[type=submit]').click()
    expect(chair.locator('.flash-success')).to_have_text('表决已筹备。')
    vote = int(re.search(r'/votes/(\d+)', chair.url).group(1))
    chair.goto(room)
    expect(chair.locator('#room')).to_have_attribute('data-joined', 'yes')
    panel = chair.locator(f'#vote-panel-{vote}')
    expect(panel).to_have_attribute('data-status', 'draft')
    panel.get_by_role('button', name='开始表决').click()
    expect(panel).to_have_attribute('data-status', 'open')
    return vote


def _close(chair, vote: int) -> None:
    chair.locator(f'#vote-panel-{vote}').get_by_role('button', name='结束表决并计票').click()
    expect(chair.locator(f'#vote-panel-{vote}')).to_have_attribute('data-status', 'closed')


def _vote_for(page, vote: int) -> str:
    """Choose 赞成 and cast; the receipt code shown."""
    panel = page.locator(f'#vote-panel-{vote}')
    panel.locator('.ballot-option').filter(has_text='赞成').click()
    panel.get_by_role('button', name='投票').click()
    code = panel.locator('.receipt .receipt-code code')
    expect(code).to_have_text(re.compile(r'^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$'))
    expect(panel.locator('form[data-vote-ballot]')).to_have_count(0)
    return code.inner_text()


def _voted_via(database, vote: int, mobile: str) -> str | None:
    with database.connect() as conn:
        return conn.execute(
            sa.text(
                'SELECT e.voted_via FROM vote_electors e JOIN users u ON u.id = e.user_id'
                ' WHERE e.vote_id = :vote AND u.mobile = :mobile'
            ),
            {'vote': vote, 'mobile': mobile},
        ).scalar()


def _no_count(page, vote: int) -> None:
    expect(page.locator('.vote-result')).to_have_count(0)
    text = page.locator('main').inner_text()
    assert not COUNT.search(text), (page.url, COUNT.search(text).group(0))
    for listing in ('receipts.txt', 'ballots.csv', 'result.json'):
        assert page.request.get(f'/votes/{vote}/{listing}').status == 404, listing


def test_a_motion_in_the_live_room_is_counted_at_the_close_and_shown_to_everyone_live(new_context, live, database):
    chair = _answering(_room(_desk(new_context), live, DEMO_DIRECTOR))
    resident = _answering(_room(_phone(new_context), live, DEMO_RESIDENT))
    representative = _answering(
        _room(_desk(new_context, permissions=['clipboard-read', 'clipboard-write']), live, DEMO_REPRESENTATIVE)
    )
    title = f'投放点迁移动议 {secrets.token_hex(2)}'
    vote = _open_motion(chair, title)

    # the room's voters see the ballot come without a reload, and the bar says a vote waits
    for page in (resident, representative):
        page.evaluate('() => { window.notReloaded = true; }')
        expect(page.locator(f'#vote-panel-{vote} form[data-vote-ballot]')).to_be_visible()
        expect(page.locator('#vote-now')).to_be_visible()
    # the third voter follows it on the vote's own page
    away = _answering(new_context(viewport=DESK).new_page())
    log_in(away, DEMO_SUPERVISORY, live.demo_password)
    away.goto(f'/votes/{vote}')
    expect(away.locator('h1')).to_have_text(title)
    away.evaluate('() => { window.notReloaded = true; }')
    chair.evaluate('() => { window.notReloaded = true; }')

    # on a phone every option is a big target
    option = resident.locator(f'#vote-panel-{vote} .ballot-option').first
    box = option.bounding_box()
    assert box['height'] >= 44, box
    assert box['width'] >= PHONE['width'] - 80, box

    receipts = [_vote_for(resident, vote), _vote_for(representative, vote), _vote_for(away, vote)]
    assert len(set(receipts)) == 3
    assert _voted_via(database, vote, DEMO_RESIDENT) == 'room', 'cast by socket in the room'
    assert _voted_via(database, vote, DEMO_REPRESENTATIVE) == 'room'
    assert _voted_via(database, vote, DEMO_SUPERVISORY) == 'online', 'cast on the vote page'
    expect(resident.locator('#vote-now')).to_be_hidden()
    expect(resident.locator(f'#vote-panel-{vote} .receipt')).to_be_focused()

    # the receipt is copied with a tap
    representative.locator(f'#vote-panel-{vote} .copy-receipt').click()
    expect(representative.locator(f'#vote-panel-{vote} .copy-status')).to_have_text('已复制。')
    assert representative.evaluate('() => navigator.clipboard.readText()') == receipts[1]

    # nobody sees a count before the close: not the chair, not a voter, not the published lists
    for page in (chair, resident, representative, away):
        _no_count(page, vote)
    expect(chair.locator(f'#vote-panel-{vote}')).to_contain_text('表决结束前，任何人（包括居委会）都看不到计票结果。')

    _close(chair, vote)
    for page in (chair, resident, representative, away):
        result = page.locator(f'#vote-panel-{vote} .vote-result')
        expect(result).to_be_visible()
        expect(result.locator('.result-summary')).to_have_text('动议获得通过。')
        expect(result.get_by_role('heading', name='法定人数')).to_be_visible()
        expect(result.get_by_role('heading', name='通过条件')).to_be_visible()
        conditions = result.locator('.conditions li')
        expect(conditions.first).to_contain_text('须超过 1/2')
        expect(conditions.last).to_contain_text('赞成 3 票，出席')
        expect(conditions.last).to_contain_text('通过')
        expect(result.locator('caption')).to_have_text('计票总数：3（空白票：0）')
        assert page.evaluate('() => window.notReloaded === true'), f'{page.url} was not reloaded'
    # each voter's receipt stays on their page, ready to check; the lists are published
    for page, code in ((resident, receipts[0]), (representative, receipts[1]), (away, receipts[2])):
        expect(page.locator(f'#vote-panel-{vote} .receipt code')).to_have_text(code)
        expect(page.locator(f'#code-{vote}')).to_have_value(code)
    listed = away.request.get(f'/votes/{vote}/receipts.txt')
    assert listed.status == 200
    assert sorted(listed.text().split()) == sorted(receipts)
    # on the phone the count per option reads as labelled lines
    cell = resident.locator(f'#vote-panel-{vote} .result-table td[data-label="票数"]').first
    expect(cell).to_have_text('3')
    assert cell.evaluate('td => getComputedStyle(td, "::before").content') == '"票数："'
    assert resident.locator(f'#vote-panel-{vote} .result-table thead').is_hidden()
    # the one who checks their receipt finds it counted
    away.locator(f'#check-{vote} button[type=submit]').click()
    expect(away.locator(f'#check-{vote} [role=status]')).to_have_text('已找到：您的选票已计入。')


def test_a_voter_marked_on_paper_cannot_vote_online(new_context, live, database):
    """The on-site marking is set in the database here; the lead switches it to the marking page when it lands."""
    chair = _answering(_room(_desk(new_context), live, DEMO_DIRECTOR))
    vote = _open_motion(chair, f'纸质投票核对 {secrets.token_hex(2)}')
    with database.begin() as conn:
        marked = conn.execute(
            sa.text(
                "UPDATE vote_electors SET voted_via = 'paper' WHERE vote_id = :vote"
                ' AND user_id = (SELECT id FROM users WHERE mobile = :mobile)'
            ),
            {'vote': vote, 'mobile': DEMO_GRID_WORKER},
        ).rowcount
    assert marked == 1

    worker = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(worker, DEMO_GRID_WORKER, live.demo_password)
    worker.goto(f'/votes/{vote}')
    panel = worker.locator(f'#vote-panel-{vote}')
    expect(panel.locator('.vote-voted')).to_have_text('您已投票（现场纸质投票）。')
    expect(panel.locator('form[data-vote-ballot]')).to_have_count(0)
    refusal = '该表决人已投票（现场纸质投票）：每人只能投一票。'
    ack = worker.evaluate(EMIT_CAST, [vote, [0]])
    assert (ack['ok'], ack['code']) == (False, 'already_voted')
    assert ack['message'].startswith(refusal), ack['message']
    assert '《城市居民委员会组织法》第九条' in ack['message'], 'with its rule'
    status, answer = worker.evaluate(POST_CAST, vote)
    assert (status, answer['code'], answer['message']) == (409, 'already_voted', ack['message'])
    assert _voted_via(database, vote, DEMO_GRID_WORKER) == 'paper'
    _close(chair, vote)
    expect(panel.locator('.vote-result')).to_be_visible()


def test_a_ballot_whose_answer_was_lost_is_sent_again_and_gets_its_receipt(new_context, live, database):
    chair = _answering(_room(_desk(new_context), live, DEMO_DIRECTOR))
    resident = _answering(_room(_phone(new_context), live, DEMO_RESIDENT))
    vote = _open_motion(chair, f'回执丢失 {secrets.token_hex(2)}')
    # the first answer never comes back (the connection dropped after the server had counted the ballot)
    resident.evaluate(
        """() => {
        const socket = window.consultSocket, timeout = socket.timeout.bind(socket);
        let lost = false;
        socket.timeout = (ms) => {
          const real = timeout(ms);
          return {emit: (name, payload, answer) => {
            if (name !== 'vote:cast' || lost) { return real.emit(name, payload, answer); }
            lost = true;
            real.emit(name, payload, () => {});
            setTimeout(() => answer(new Error('operation has timed out')), 300);
          }};
        };
        }"""
    )
    panel = resident.locator(f'#vote-panel-{vote}')
    panel.locator('.ballot-option').filter(has_text='反对').click()
    panel.get_by_role('button', name='投票').click()
    # The resend carries the same client id: the server recognises the ballot and answers with the same receipt.
    code = panel.locator('.receipt-code code, .receipt-code strong').first
    expect(code).to_have_text(re.compile(r'^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$'))
    receipt = code.inner_text()
    expect(resident.locator('#say-error')).to_have_text('')  # the repeat is not a chat error
    assert _voted_via(database, vote, DEMO_RESIDENT) == 'room'
    _close(chair, vote)
    expect(panel.locator('.result-table caption')).to_have_text('计票总数：1（空白票：0）')
    assert receipt in resident.request.get(f'/votes/{vote}/receipts.txt').text().split()
