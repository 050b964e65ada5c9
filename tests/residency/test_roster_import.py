"""Roster import through the page: encodings, all-or-nothing reports, verifying claims, audit, speed."""

import io
import time
from datetime import date

import sqlalchemy as sa

from consult.audit.models import AuditEntry
from consult.residency import operations
from consult.residency.models import RosterEntry
from consult.residency.models import RosterImport
from tests.residency.support import memberships_of
from tests.residency.support import roster_csv
from tests.residency.support import row_for
from tests.residency.support import upload


def _imports(db, community):
    return db.session.scalars(sa.select(RosterImport).where(RosterImport.community_id == community.id)).all()


def _entries(db, community):
    return db.session.scalars(sa.select(RosterEntry).where(RosterEntry.community_id == community.id)).all()


def _three_rows(place):
    households = place.households(place.a)
    return [
        row_for(households[0], '张三', '1985-03-04'),
        row_for(households[1], '李四', '1990/7/8'),
        row_for(households[2], '王五', '20010102'),
    ]


def test_utf8_roster_with_chinese_headers_imports(client, auth, csrf, db, place, staff):
    auth.login(staff)
    response = upload(client, csrf, place.a, roster_csv(*_three_rows(place)))
    assert response.status_code == 302
    assert 'Roster imported: 3 rows.' in client.get(response.headers['Location']).get_data(as_text=True)
    [roster] = _imports(db, place.a)
    assert (roster.row_count, roster.encoding, roster.filename, roster.imported_by_id) == (
        3,
        'utf-8',
        'roster.csv',
        staff.id,
    )
    entries = {(e.household_id, e.real_name, e.birth_date) for e in _entries(db, place.a)}
    households = place.households(place.a)
    assert entries == {
        (households[0].id, '张三', date(1985, 3, 4)),
        (households[1].id, '李四', date(1990, 7, 8)),
        (households[2].id, '王五', date(2001, 1, 2)),
    }


def test_utf8_roster_with_bom_imports(client, auth, csrf, db, place, staff):
    auth.login(staff)
    response = upload(client, csrf, place.a, roster_csv(*_three_rows(place), encoding='utf-8-sig'))
    assert response.status_code == 302
    [roster] = _imports(db, place.a)
    assert (roster.row_count, roster.encoding) == (3, 'utf-8')


def test_gbk_roster_imports(client, auth, csrf, db, place, staff):
    auth.login(staff)
    data = roster_csv(*_three_rows(place), encoding='gbk')
    assert data != roster_csv(*_three_rows(place))  # really GBK bytes, not UTF-8
    response = upload(client, csrf, place.a, data, filename='花名册.CSV')
    assert response.status_code == 302
    [roster] = _imports(db, place.a)
    assert (roster.row_count, roster.encoding, roster.filename) == (3, 'gbk', '花名册.CSV')
    assert {e.real_name for e in _entries(db, place.a)} == {'张三', '李四', '王五'}


def test_one_bad_row_among_good_rows_imports_nothing_and_is_reported(client, auth, csrf, db, place, staff):
    households = place.households(place.a)
    auth.login(staff)
    data = roster_csv(
        row_for(households[0], '张三', '1985-03-04'),
        row_for(households[1], '李四', '1985-02-30'),
        row_for(households[2], '王五', '1970-01-01'),
    )
    response = upload(client, csrf, place.a, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '1 row was refused, so nothing was imported' in page
    assert page.count('class="refused-row"') == 1
    assert 'data-row="3"' in page
    assert '&#34;1985-02-30&#34; is not a date' in page or '"1985-02-30" is not a date' in page
    assert _imports(db, place.a) == []
    assert _entries(db, place.a) == []


def test_report_lists_exactly_the_bad_rows(client, auth, csrf, db, place, staff):
    households = place.households(place.a)
    auth.login(staff)
    data = roster_csv(
        row_for(households[0], '甲', '1985-03-04'),  # row 2
        row_for(households[1], '', '1985-03-04'),  # row 3: empty name
        row_for(households[2], '丙', '1985-03-04'),  # row 4
        '丁,1985-03-04,第9网格,1-1幢,101',  # row 5: unknown grid
        row_for(households[3], '戊', '2999-01-01'),  # row 6: future
    )
    page = upload(client, csrf, place.a, data).get_data(as_text=True)
    rows = [int(part.split('"')[0]) for part in page.split('data-row="')[1:]]
    assert rows == [3, 5, 6]
    assert 'The cell 姓名 is empty.' in page
    assert 'There is no grid' in page
    assert 'is in the future' in page
    assert _imports(db, place.a) == []


def test_pending_claim_that_matches_is_verified_and_other_stays_pending(client, auth, csrf, db, place, staff, person):
    households = place.households(place.a)
    matching = person(real_name='张三', birth_date=date(1985, 3, 4))
    other = person(real_name='李四', birth_date=date(1990, 7, 8))
    operations.claim_residence(matching, households[0])
    operations.claim_residence(other, households[1])
    db.session.commit()
    auth.login(staff)
    data = roster_csv(row_for(households[0], '张三', '1985-03-04'), row_for(households[1], '李四', '1990-07-09'))
    response = upload(client, csrf, place.a, data)
    assert response.status_code == 302
    assert 'Waiting claims that matched and were verified: 1.' in client.get(response.headers['Location']).get_data(
        as_text=True
    )
    [verified] = memberships_of(db, matching)
    [pending] = memberships_of(db, other)
    assert (verified.status, verified.method, verified.decided_by_id) == ('verified', 'roster', None)
    assert pending.status == 'pending'
    [roster] = _imports(db, place.a)
    assert roster.verified_count == 1


def test_claim_made_after_the_import_verifies_itself(client, auth, csrf, db, place, staff, person):
    household = place.households(place.a)[5]
    auth.login(staff)
    upload(client, csrf, place.a, roster_csv(row_for(household, '赵六', '1975-12-31')))
    auth.logout()
    resident = person(real_name='赵六', birth_date=date(1975, 12, 31))
    auth.login(resident)
    path = f'/residency/claim?community={place.a.id}&building={household.building_id}'
    response = client.post(path, data={'household_id': household.id, 'csrf_token': csrf(path)})
    assert response.status_code == 302
    assert 'matched the community roster' in client.get('/residency/').get_data(as_text=True)
    [membership] = memberships_of(db, resident)
    assert (membership.status, membership.method) == ('verified', 'roster')


def test_import_is_audited_with_counts(client, auth, csrf, db, place, staff, person):
    households = place.households(place.a)
    claimant = person(real_name='张三', birth_date=date(1985, 3, 4))
    operations.claim_residence(claimant, households[0])
    db.session.commit()
    auth.login(staff)
    upload(client, csrf, place.a, roster_csv(*_three_rows(place)))
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == 'roster.import')).all()
    assert (entry.actor_id, entry.community_id) == (staff.id, place.a.id)
    assert entry.details == {'rows': 3, 'verified': 1}
    verify_entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == 'residency.verify', AuditEntry.subject_id == claimant.id)
    )
    assert verify_entry.actor_id is None
    assert verify_entry.details['method'] == 'roster'


def test_household_lookup_is_a_fixed_number_of_queries(client, auth, csrf, db, place, staff, count_queries):
    households = place.households(place.a)
    auth.login(staff)
    path = f'/residency/communities/{place.a.id}/roster'
    token = csrf(path)
    statements = []
    # The first import warms up (it loads the user that the login left in the session); the others are compared.
    for size, prefix in ((1, '预'), (4, '小'), (64, '大')):
        rows = [row_for(households[i % len(households)], f'{prefix}{i}', '1980-01-01') for i in range(size)]
        with count_queries() as counter:
            response = client.post(
                path,
                data={'roster': (io.BytesIO(roster_csv(*rows)), 'r.csv'), 'csrf_token': token},
                content_type='multipart/form-data',
            )
        assert response.status_code == 302
        statements.append(counter.statements)
    assert len(statements[1]) == len(statements[2]), statements[1:]
    assert sum('FROM grids JOIN buildings' in s for s in statements[2]) == 1
    assert sum(s.startswith('INSERT INTO roster_entries') for s in statements[2]) == 1


def test_twenty_thousand_rows_import_quickly(client, auth, csrf, db, place, staff):
    households = place.households(place.a)
    rows = [row_for(households[i % len(households)], f'居民{i}', '1980-01-01') for i in range(20_000)]
    data = roster_csv(*rows)
    auth.login(staff)
    started = time.perf_counter()
    response = upload(client, csrf, place.a, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    [roster] = _imports(db, place.a)
    assert roster.row_count == 20_000
    count = db.session.scalar(sa.select(sa.func.count(RosterEntry.id)).where(RosterEntry.import_id == roster.id))
    assert count == 20_000
    assert elapsed < 5, f'20,000 rows took {elapsed:.1f} s'
