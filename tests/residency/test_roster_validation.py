"""Roster validation, one refusal per test case: nothing is saved and the report names the row and reason."""

from datetime import date

import pytest
import sqlalchemy as sa

from consult.residency import roster
from consult.residency.models import RosterEntry
from consult.residency.models import RosterImport
from consult.residency.roster import RosterRejected
from tests.residency.support import ROSTER_HEADER
from tests.residency.support import roster_csv
from tests.residency.support import row_for
from tests.residency.support import upload

MAX_BYTES = 2 * 1024 * 1024


def _import(staff, place, data: bytes, filename: str = 'roster.csv'):
    return roster.import_roster(staff, place.a, filename, data, max_bytes=MAX_BYTES)


def _refusal(staff, place, data: bytes, filename: str = 'roster.csv') -> RosterRejected:
    with pytest.raises(RosterRejected) as caught:
        _import(staff, place, data, filename)
    return caught.value


def _nothing_saved(db):
    assert db.session.scalar(sa.select(sa.func.count(RosterImport.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(RosterEntry.id))) == 0


def _good(place, index=0, name='张三', birth='1985-03-04'):
    return row_for(place.households(place.a)[index], name, birth)


@pytest.mark.parametrize(
    ('bad_row', 'reason'),
    [
        (',1985-03-04,第1网格,1-1幢,101', 'The cell 姓名 is empty.'),
        ('李四,,第1网格,1-1幢,101', 'The cell 出生日期 is empty.'),
        ('李四,1985-03-04,,1-1幢,101', 'The cell 网格 is empty.'),
        ('李四,1985-03-04,第1网格,,101', 'The cell 楼栋 is empty.'),
        ('李四,1985-03-04,第1网格,1-1幢,', 'The cell 户号 is empty.'),
        ('李四,1985-03-04,第1网格,1-1幢', 'The cell 户号 is empty.'),
        ('李四,1985-13-01,第1网格,1-1幢,101', '"1985-13-01" is not a date'),
        ('李四,85-03-04,第1网格,1-1幢,101', '"85-03-04" is not a date'),
        ('李四,1985.03.04,第1网格,1-1幢,101', '"1985.03.04" is not a date'),
        ('李四,1985-03/04,第1网格,1-1幢,101', '"1985-03/04" is not a date'),
        ('李四,2999-01-01,第1网格,1-1幢,101', 'The birth date 2999-01-01 is in the future.'),
        ('李四,1985-03-04,第9网格,1-1幢,101', 'There is no grid "第9网格" in this community.'),
        ('李四,1985-03-04,第1网格,9-9幢,101', 'There is no building "9-9幢" in 第1网格.'),
        ('李四,1985-03-04,第1网格,2-1幢,101', 'There is no building "2-1幢" in 第1网格.'),
        ('李四,1985-03-04,第1网格,1-1幢,999', 'There is no household "999" in 1-1幢.'),
        ('名' * 41 + ',1985-03-04,第1网格,1-1幢,101', 'The name is longer than 40 characters.'),
        ('李四,1985-03-04,第1网格,1-1幢,101,备注', 'The row has more cells than the header has columns.'),
    ],
    ids=[
        'empty-name', 'empty-date', 'empty-grid', 'empty-building', 'empty-household', 'short-row', 'bad-month',
        'two-digit-year', 'dots', 'mixed-separators', 'future', 'unknown-grid', 'unknown-building',
        'building-of-other-grid', 'unknown-household', 'long-name', 'extra-cell',
    ],
)  # fmt: skip
def test_bad_row_among_good_rows_refuses_the_file(db, english, place, staff, bad_row, reason):
    refusal = _refusal(staff, place, roster_csv(_good(place, 0), bad_row, _good(place, 1, '王五')))
    [problem] = refusal.problems
    assert problem.row == 3
    [got] = problem.reasons
    assert got.startswith(reason)
    _nothing_saved(db)


def test_name_of_forty_characters_is_accepted(db, place, staff):
    assert _import(staff, place, roster_csv(_good(place, 0, '名' * 40))).row_count == 1


def test_duplicate_row_refers_to_the_first(db, english, place, staff):
    data = roster_csv(_good(place, 0), _good(place, 1, '王五'), _good(place, 0, birth='1985/3/4'))
    refusal = _refusal(staff, place, data)
    assert [(p.row, p.reasons) for p in refusal.problems] == [(4, ('The same person is already on row 2.',))]
    _nothing_saved(db)


def test_same_name_and_birth_date_in_other_household_is_not_a_duplicate(db, place, staff):
    assert _import(staff, place, roster_csv(_good(place, 0), _good(place, 1))).row_count == 2


def test_row_with_several_problems_lists_them_all(db, english, place, staff):
    refusal = _refusal(staff, place, roster_csv('李四,1985-02-30,第9网格,1-1幢,'))
    [problem] = refusal.problems
    assert problem.row == 2
    assert problem.reasons == (
        'The cell 户号 is empty.',
        '"1985-02-30" is not a date; write YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.',
    )


def test_row_numbers_count_blank_lines_as_in_the_file(db, english, place, staff):
    data = roster_csv(_good(place, 0), '', ',,,,', '李四,1985-03-04,第9网格,1-1幢,101')
    assert [p.row for p in _refusal(staff, place, data).problems] == [5]


def test_quoted_cells_with_commas_and_spaces_are_read(db, place, staff):
    household = place.households(place.a)[0]
    line = f'" 张 三 ", 1985-03-04 ,"{household.building.grid.name}",{household.building.name},{household.number}'
    assert _import(staff, place, roster_csv(line)).row_count == 1
    assert db.session.scalar(sa.select(RosterEntry.real_name)) == '张 三'


@pytest.mark.parametrize(
    ('header', 'reason'),
    [
        ('姓名,出生日期,网格,楼栋', 'Missing columns: 户号.'),
        ('姓名,出生日期,网格,楼栋,户号,备注', 'Unknown columns: 备注.'),
        ('姓名,出生日期,网格,楼栋,户号,姓名', 'Columns given more than once: 姓名.'),
        ('name,birth,grid,building,household', 'Missing columns: 姓名, 出生日期, 网格, 楼栋, 户号.'),
    ],
    ids=['missing', 'unknown', 'repeated', 'english'],
)
def test_wrong_header_is_reported_as_row_1(db, english, place, staff, header, reason):
    refusal = _refusal(staff, place, roster_csv(_good(place), header=header))
    [problem] = refusal.problems
    assert problem.row == 1
    assert reason in problem.reasons
    assert problem.reasons[-1] == 'The header must have exactly these columns: 姓名, 出生日期, 网格, 楼栋, 户号.'
    _nothing_saved(db)


def test_columns_in_another_order_and_trailing_empty_columns_are_accepted(db, place, staff):
    household = place.households(place.a)[0]
    line = f'{household.number},{household.building.name},{household.building.grid.name},1985-03-04,张三,,'
    data = roster_csv(line, header='户号,楼栋,网格,出生日期,姓名,,')
    assert _import(staff, place, data).row_count == 1


@pytest.mark.parametrize(
    ('data', 'message'),
    [
        (b'', 'The file is empty.'),
        (b'\r\n \r\n', 'The file is empty.'),
        (ROSTER_HEADER.encode() + b'\r\n', 'The file has a header but no rows.'),
        (ROSTER_HEADER.encode() + b'\r\n,,,,\r\n', 'The file has a header but no rows.'),
        (b'PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml', 'not a CSV text file'),
        (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00', 'not a CSV text file'),
        (ROSTER_HEADER.encode('utf-16'), 'not a CSV text file in UTF-8 or GBK'),
        (bytes(range(256)) * 4, 'not a CSV text file'),
    ],
    ids=['empty', 'blank-lines', 'header-only', 'header-and-empty-row', 'xlsx', 'png', 'utf-16', 'all-bytes'],
)
def test_file_level_refusals(db, english, place, staff, data, message):
    refusal = _refusal(staff, place, data)
    assert message in refusal.message
    assert refusal.problems == []
    _nothing_saved(db)


def test_wrong_extension_is_refused_by_the_operation(db, english, place, staff):
    refusal = _refusal(staff, place, roster_csv(_good(place)), filename='roster.xlsx')
    assert 'Only .csv files can be imported' in refusal.message
    _nothing_saved(db)


def test_file_over_the_size_limit_is_refused(db, english, place, staff):
    data = roster_csv(_good(place))
    with pytest.raises(RosterRejected) as caught:
        roster.import_roster(staff, place.a, 'roster.csv', data, max_bytes=len(data) - 1)
    assert 'larger than' in caught.value.message
    _nothing_saved(db)


def test_more_than_twenty_thousand_rows_is_refused(db, english, place, staff):
    households = place.households(place.a)
    rows = [row_for(households[i % len(households)], f'居民{i}', '1980-01-01') for i in range(20_001)]
    refusal = _refusal(staff, place, roster_csv(*rows))
    assert refusal.message == 'The roster has more than 20000 rows. Split it into smaller files.'
    _nothing_saved(db)


def test_unparseable_csv_is_refused(db, english, place, staff):
    """A cell over the csv module's 128 KiB field limit (an unclosed quote swallowing the file does this)."""
    refusal = _refusal(staff, place, roster_csv('"' + '名' * 140_000, _good(place)))
    assert 'could not be read as CSV' in refusal.message
    _nothing_saved(db)


@pytest.mark.parametrize('value', ['1985-03-04', '1985/03/04', '1985/3/4', '1985-3-04', '19850304', '１９８５／３／４'])
def test_accepted_date_formats(value):
    assert roster.parse_date(value) == date(1985, 3, 4)


@pytest.mark.parametrize('value', ['1985-02-29', '19851304', '1985/3/4/', '1985-003-04', '١٩٨٥-03-04', ''])
def test_refused_date_formats(value):
    assert roster.parse_date(value) is None


def test_wrong_extension_through_the_page(client, auth, csrf, db, place, staff):
    auth.login(staff)
    response = upload(client, csrf, place.a, roster_csv(_good(place)), filename='roster.xlsx')
    assert response.status_code == 200
    assert 'Only .csv files can be imported.' in response.get_data(as_text=True)
    _nothing_saved(db)


def test_empty_file_through_the_page(client, auth, csrf, db, place, staff):
    auth.login(staff)
    response = upload(client, csrf, place.a, b'')
    assert response.status_code == 200
    assert 'The file is empty.' in response.get_data(as_text=True)
    _nothing_saved(db)


def test_file_over_the_configured_size_through_the_page(client, auth, csrf, db, app, place, staff, monkeypatch):
    monkeypatch.setitem(app.config, 'ROSTER_MAX_BYTES', 64)
    auth.login(staff)
    response = upload(client, csrf, place.a, roster_csv(_good(place), _good(place, 1), _good(place, 2)))
    assert response.status_code == 200
    assert 'The file is larger than 0 KB' in response.get_data(as_text=True)
    _nothing_saved(db)


def test_names_are_cleaned_like_registration(db, place, staff):
    _import(staff, place, roster_csv(_good(place, 0, '<b>张三</b>'), _good(place, 1, '李&amp;四')))
    assert set(db.session.scalars(sa.select(RosterEntry.real_name))) == {'张三', '李&四'}


def test_name_that_is_only_markup_is_refused(db, english, place, staff):
    refusal = _refusal(staff, place, roster_csv(_good(place, 0, '<script>x</script>')))
    assert refusal.problems[0].reasons == ('The name is not plain text.',)
