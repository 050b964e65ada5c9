"""The record bundle's files (record.json, parts/*.csv, transcript.html, minutes.html, attachments) and the ZIP
served to anyone who may see the public record."""

import csv
import io
import json
import zipfile

from consult.archive import operations
from consult.archive.export import bundle_files
from tests.archive.conftest import end_ratings

PARTS = (
    'timeline',
    'publications',
    'meetings',
    'attendance',
    'votes',
    'vote_options',
    'objections',
    'irregularities',
    'checklist',
    'implementation_tasks',
    'implementation_updates',
    'ratings',
)


def _rows(files, part):
    text = files[f'parts/{part}.csv'].decode('utf-8-sig')
    return list(csv.DictReader(io.StringIO(text)))


def test_the_bundle_of_a_topic_that_went_through_the_whole_flow_is_complete(db, cast, fed_back):
    from consult.implementation.ratings import rate

    rate(cast.neighbour, fed_back, 4, '电梯运行平稳')
    db.session.commit()
    end_ratings(db, fed_back)
    operations.archive(cast.director, fed_back)
    db.session.commit()
    files = bundle_files(fed_back.id)
    assert {f'parts/{part}.csv' for part in PARTS} <= set(files)
    assert {'record.json', 'transcript.html', 'minutes.html'} <= set(files)
    record = json.loads(files['record.json'])
    assert record['title'] == '加装电梯全流程'
    assert record['status'] == 'archived'
    assert record['opinion']['legality'] == 'pass'
    assert record['publications'][0]['adopted'] is True
    assert record['implementation']['feedback']['kind'] == 'completed'
    assert record['archive']['from_status'] == 'feedback_given'
    assert {item['key'] for item in record['archive']['items']} >= {'submission', 'opinion', 'feedback'}
    actions = [row['action'] for row in _rows(files, 'timeline')]
    assert actions[0] == 'create'
    assert actions[-1] == 'archive'
    assert 'publish' in actions
    assert 'complete_implementation' in actions
    assert [row['title'] for row in _rows(files, 'implementation_tasks')] == ['安装电梯']
    assert {row['score']: row['residents'] for row in _rows(files, 'ratings')} == {
        '1': '0',
        '2': '0',
        '3': '0',
        '4': '1',
        '5': '0',
    }
    checklist = {row['item']: row for row in _rows(files, 'checklist')}
    assert checklist['minutes']['retention_years'] == 'permanent'
    assert checklist['opinion']['retention_years'] == '30'
    for page in ('transcript.html', 'minutes.html'):
        html = files[page].decode()
        assert '<link' not in html
        assert '<script' not in html
        assert 'src=' not in html
        assert '加装电梯全流程' in html


def test_the_zip_is_served_to_anyone_who_may_see_the_public_record(db, cast, fed_back, client):
    response = client.get(f'/archive/topic/{fed_back.id}/record.zip')
    assert response.status_code == 200
    assert response.mimetype == 'application/zip'
    with zipfile.ZipFile(io.BytesIO(response.data)) as bundle:
        names = set(bundle.namelist())
        sealed = {'manifest.json', 'manifest.sig', 'log/head.json', 'log/leaves.json', 'log/records.json'}
        assert names == set(bundle_files(fed_back.id)) | sealed | {'log/public_key.pem'}
        manifest = json.loads(bundle.read('manifest.json'))
        assert set(manifest['files']) == names - {'manifest.json', 'manifest.sig'}  # every file under the seal
        assert json.loads(bundle.read('record.json'))['topic_id'] == fed_back.id


def test_no_zip_before_the_result_is_published(db, cast, make_topic, client):
    topic = make_topic('legality_reviewed')
    assert client.get(f'/archive/topic/{topic.id}/record.zip').status_code == 404
    assert bundle_files(topic.id) == {}
