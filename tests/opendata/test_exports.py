"""CSV exports for Excel and WPS, and the Atom feed of published results."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from consult.opendata.exports import cell

from .conftest import make_topic

ATOM = '{http://www.w3.org/2005/Atom}'


def test_a_csv_export_has_a_bom_crlf_and_quotes(db, client, seeded):
    seeded.topic.title = '电梯, "加装" 方案\n第二行'
    db.session.commit()
    response = client.get('/api/v1/topics.csv')
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'text/csv; charset=utf-8'
    assert 'attachment' in response.headers['Content-Disposition']
    raw = response.get_data()
    assert raw.startswith(b'\xef\xbb\xbf')
    text = raw.decode('utf-8-sig')
    assert text.endswith('\r\n')
    assert '"电梯, ""加装"" 方案\n第二行"' in text
    rows = list(csv.reader(io.StringIO(text, newline='')))
    assert rows[0][:4] == ['id', 'community_id', 'community_code', 'title']
    assert rows[1][3] == '电梯, "加装" 方案\n第二行'
    # Every record ends in CRLF: the only bare LF is the one inside the quoted title.
    assert text.count('\r\n') == 2
    assert text.count('\n') == 3


@pytest.mark.parametrize('title', ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tTAB'])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised(db, client, seeded, title):
    seeded.topic.title = title
    db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get('/api/v1/topics.csv').get_data().decode('utf-8-sig'), newline='')))
    assert rows[1][3] == "'" + title


def test_cells_of_every_type():
    assert cell(None) == ''
    assert cell(True) == 'true'
    assert cell(-3) == '-3'  # a number is a number, not a formula
    assert cell(['甲', '=乙']) == "甲; '=乙"
    assert cell(['=甲']) == "'=甲"
    assert cell('=1') == "'=1"
    assert cell('正常') == '正常'


def test_exports_read_the_rows_in_batches(db, client, seeded, make_user, count_queries, monkeypatch):
    from consult.opendata import exports

    monkeypatch.setattr(exports, 'EXPORT_BATCH', 2)
    user = make_user()
    for n in range(5):
        make_topic(db, seeded.place.a, user, title=f'批量{n}')
    db.session.commit()
    with count_queries() as counter:
        text = client.get('/api/v1/topics.csv').get_data().decode('utf-8-sig')
    assert len(text.strip().split('\r\n')) == 1 + 6
    assert counter.count >= 4  # 6 rows, 2 per statement: paginated at the source


def test_every_list_has_an_export_with_its_columns(client, seeded):
    for name, column in (
        ('meetings', 'attendance.present'),
        ('votes', 'adopted'),
        ('minutes', 'sha256'),
        ('rule-sets', 'in_force'),
        ('opinions', 'consensus'),
        ('legality-checks', 'law'),
    ):
        text = client.get(f'/api/v1/{name}.csv').get_data().decode('utf-8-sig')
        header, first = list(csv.reader(io.StringIO(text, newline='')))[:2]
        assert column in header, name
        assert first, name


def _entries(client, url):
    root = ET.fromstring(client.get(url).get_data())
    return [entry.find(f'{ATOM}title').text for entry in root.findall(f'{ATOM}entry')], root


def test_the_results_feed_lists_published_results_only(db, client, seeded, make_user):
    from consult.opendata.queries import RESULT_STATUSES

    user = make_user()
    for status in RESULT_STATUSES:
        make_topic(db, seeded.place.a, user, title=f'结果-{status}', status=status)
    make_topic(db, seeded.place.a, user, title='尚在协商', status='in_consultation')
    make_topic(db, seeded.place.a, user, title='私密结果', status='archived', public=False)
    db.session.commit()
    titles, root = _entries(client, '/api/v1/results.atom')
    assert set(titles) == {'公共议题'} | {f'结果-{s}' for s in RESULT_STATUSES}
    assert 'Published results' in root.find(f'{ATOM}title').text


def test_the_results_feed_takes_the_topic_lists_filters(db, client, seeded, make_user):
    user = make_user()
    make_topic(db, seeded.place.b, user, title='乙社区的结果', status='feedback_given')
    db.session.commit()
    titles, _root = _entries(client, f'/api/v1/results.atom?community={seeded.place.b.code}')
    assert titles == ['乙社区的结果']
    titles, _root = _entries(client, '/api/v1/results.atom?q=乙社区')
    assert titles == ['乙社区的结果']
    titles, _root = _entries(client, '/api/v1/results.atom?status=in_consultation')
    assert titles == []


def test_the_results_list_of_the_api_uses_the_same_states(db, client, seeded, make_user):
    user = make_user()
    make_topic(db, seeded.place.a, user, title='尚在协商', status='in_consultation')
    db.session.commit()
    ids = [row['id'] for row in client.get('/api/v1/results').get_json()['data']]
    assert ids == [seeded.topic.id]
