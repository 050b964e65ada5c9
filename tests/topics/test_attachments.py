"""Topic attachments over HTTP and through the operations: kinds, limits, who and when, downloads, all-or-nothing."""

import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from consult.kernel.refusals import Refusal
from consult.topics import operations
from consult.topics.attachments import operations as ops
from consult.topics.attachments import storage
from consult.topics.attachments.models import TopicAttachment
from consult.topics.models import Topic
from consult.topics.models import TopicStatus

DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
ODT = 'application/vnd.oasis.opendocument.text'


def _zip(*entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


#: kind -> (file name, declared Content-Type, content, stored Content-Type)
SAMPLES = {
    'pdf': ('议事记录.pdf', 'application/pdf', b'%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n', 'application/pdf'),
    'jpeg': ('现场照片.jpg', 'image/jpeg', b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01' + b'\x00' * 20, 'image/jpeg'),
    'png': ('plan.png', 'image/png', b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + b'\x00' * 17, 'image/png'),
    'webp': ('photo.webp', 'image/webp', b'RIFF\x1a\x00\x00\x00WEBPVP8 ' + b'\x00' * 14, 'image/webp'),
    'text': ('意见.txt', 'text/plain', '三号楼居民意见\n'.encode(), 'text/plain; charset=utf-8'),
    'text_gbk': ('意见GBK.txt', 'text/plain', '三号楼居民意见\r\n'.encode('gbk'), 'text/plain; charset=gb18030'),
    'docx': ('方案.docx', DOCX, _zip(('[Content_Types].xml', '<Types/>'), ('word/document.xml', '<d/>')), DOCX),
    'xlsx': ('预算.xlsx', XLSX, _zip(('[Content_Types].xml', '<Types/>'), ('xl/workbook.xml', '<w/>')), XLSX),
    'odt': ('方案.odt', ODT, _zip(('mimetype', ODT), ('content.xml', '<c/>')), ODT),
}
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00' + b'\x00' * 48 + b'This program cannot be run'


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    """Each test stores files in its own folder (content-addressed files would be shared otherwise)."""
    folder = tmp_path / 'uploads'
    monkeypatch.setitem(app.config, 'ATTACHMENT_DIR', str(folder))
    return folder


def stored(folder) -> list[str]:
    """The stored files (temporary ``.part-`` files would show too)."""
    return sorted(path.name for path in folder.rglob('*') if path.is_file()) if folder.exists() else []


def upload(kind='text', name=None, content_type=None, data=None) -> ops.Upload:
    sample = SAMPLES[kind]
    return ops.Upload(name or sample[0], content_type or sample[1], sample[2] if data is None else data)


def files(*uploads_):
    return [(io.BytesIO(u.data), u.filename, u.content_type) for u in uploads_]


def form(csrf, cast, path='/topics/new', **values):
    data = {
        'csrf_token': csrf(path),
        'community_id': str(cast.place.a.id),
        'channel': 'online',
        'title': '小区停车难',
        'body': '晚上**车位**不够',
        'categories': ['public_affairs'],
        'area_kind': 'community',
        'declared_not_excluded': 'y',
    }
    data.update(values)
    return data


def new_topic(db):
    return db.session.scalar(sa.select(Topic).where(Topic.title == '小区停车难'))


def attachment_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TopicAttachment))


@pytest.mark.parametrize('kind', sorted(SAMPLES))
def test_each_allowed_kind_is_accepted_with_the_topic(db, client, auth, csrf, cast, uploads, kind):
    auth.login(cast.resident)
    response = client.post('/topics/new', data=form(csrf, cast, attachments=files(upload(kind))))
    assert response.status_code == 302
    (row,) = new_topic(db).attachments
    name, _declared, data, content_type = SAMPLES[kind]
    assert (row.filename, row.content_type, row.size) == (name, content_type, len(data))
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.uploaded_by_id == cast.resident.id
    assert storage.path_for(row.sha256).read_bytes() == data
    assert stored(uploads) == [row.sha256]


def test_staff_attach_when_typing_in_for_a_resident(db, client, auth, csrf, cast):
    auth.login(cast.staff)
    values = {'channel': 'counter', 'originator': cast.resident.mobile, 'attachments': files(upload('pdf'))}
    assert client.post('/topics/new', data=form(csrf, cast, **values)).status_code == 302
    topic = new_topic(db)
    assert topic.originator_id == cast.resident.id
    assert [a.filename for a in topic.attachments] == ['议事记录.pdf']


@pytest.mark.parametrize(
    ('name', 'content_type', 'data', 'code'),
    [
        ('invoice.pdf', 'application/pdf', EXE, 'attachment_type'),  # a renamed .exe
        ('setup.exe', 'application/x-msdownload', EXE, 'attachment_type'),
        ('archive.zip', 'application/zip', _zip(('a.txt', 'x')), 'attachment_type'),
        ('page.docx', DOCX, _zip(('[Content_Types].xml', '<T/>')), 'attachment_type'),  # no document part
        ('report.txt', 'text/plain', SAMPLES['pdf'][2], 'attachment_mismatch'),  # a PDF named .txt
        ('report.pdf', 'text/plain', SAMPLES['pdf'][2], 'attachment_mismatch'),  # the declared type disagrees
        ('report', 'application/pdf', SAMPLES['pdf'][2], 'attachment_mismatch'),  # no ending
        ('photo.png', 'image/png', SAMPLES['jpeg'][2], 'attachment_mismatch'),
        ('notes.txt', 'text/plain', b'line\x00with a NUL', 'attachment_type'),
        ('empty.txt', 'text/plain', b'', 'attachment_empty'),
    ],
)
def test_refused_files(db, cast, make_topic, uploads, name, content_type, data, code):
    topic = make_topic(submitter=cast.staff)
    with pytest.raises(Refusal) as refused:
        ops.attach_files(cast.staff, topic, [ops.Upload(name, content_type, data)])
    assert refused.value.code == code
    assert refused.value.rule.code in ('attachment_type', 'attachment_limits')
    assert stored(uploads) == []


@pytest.mark.parametrize('declared', ['application/octet-stream', '', 'binary/octet-stream'])
def test_a_generic_declared_type_defers_to_the_content(db, cast, make_topic, uploads, declared):
    topic = make_topic(submitter=cast.staff)
    ops.attach_files(cast.staff, topic, [ops.Upload('方案.pdf', declared, SAMPLES['pdf'][2])])
    assert [a.content_type for a in topic.attachments] == ['application/pdf']


def test_renamed_exe_refused_through_the_form_and_nothing_saved(db, client, auth, csrf, cast, uploads):
    auth.login(cast.resident)
    bad = ops.Upload('发票.pdf', 'application/pdf', EXE)
    response = client.post('/topics/new', data=form(csrf, cast, attachments=files(upload('png'), bad)))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '发票.pdf: this kind of file cannot be attached.' in page
    assert 'recognised by their content' in page  # the rule's source
    assert new_topic(db) is None  # one bad file: neither the topic nor the good file is saved
    assert attachment_count(db) == 0
    assert stored(uploads) == []


def test_size_limit_exactly_accepted_one_byte_over_refused(db, app, cast, make_topic, monkeypatch):
    monkeypatch.setitem(app.config, 'ATTACHMENT_MAX_BYTES', 64)
    topic = make_topic(submitter=cast.staff)
    assert ops.attach_files(cast.staff, topic, [upload(data=b'a' * 64)])[0].size == 64
    with pytest.raises(Refusal) as refused:
        ops.attach_files(cast.staff, topic, [upload(name='b.txt', data=b'b' * 65)])
    assert refused.value.code == 'attachment_too_large'
    assert len(topic.attachments) == 1


def test_default_per_file_limit_passes_the_request_limit(db, app, client, auth, csrf, cast):
    """10 MiB exactly is accepted through the form although other routes refuse bodies over 5 MiB."""
    size = app.config['ATTACHMENT_MAX_BYTES']
    assert size == 10 * 1024 * 1024 > app.config['MAX_CONTENT_LENGTH']
    auth.login(cast.resident)
    big = upload(data=b'x' * size)
    assert client.post('/topics/new', data=form(csrf, cast, attachments=files(big))).status_code == 302
    assert new_topic(db).attachments[0].size == size
    over = upload(name='over.txt', data=b'y' * (size + 1))
    response = client.post(f'/topics/{new_topic(db).id}/edit', data=form(csrf, cast, attachments=files(over)))
    assert response.status_code == 200
    assert 'a file may be at most 10 MB' in response.get_data(as_text=True)
    assert len(new_topic(db).attachments) == 1


def test_count_limit_boundary(db, app, cast, make_topic, monkeypatch):
    monkeypatch.setitem(app.config, 'ATTACHMENT_MAX_COUNT', 3)
    topic = make_topic(submitter=cast.staff)
    three = [upload(name=f'{n}.txt', data=f'第{n}份'.encode()) for n in range(3)]
    with pytest.raises(Refusal) as refused:
        ops.attach_files(cast.staff, topic, [*three, upload(name='4.txt', data=b'four')])
    assert refused.value.code == 'attachment_count'
    assert ops.attach_files(cast.staff, topic, three)
    with pytest.raises(Refusal) as refused:
        ops.attach_files(cast.staff, topic, [upload(name='4.txt', data=b'four')])
    assert refused.value.code == 'attachment_count'
    assert len(topic.attachments) == 3


def test_total_limit_boundary(db, app, cast, make_topic, monkeypatch):
    monkeypatch.setitem(app.config, 'ATTACHMENT_MAX_TOTAL_BYTES', 100)
    topic = make_topic(submitter=cast.staff)
    ops.attach_files(cast.staff, topic, [upload(name='a.txt', data=b'a' * 60)])
    with pytest.raises(Refusal) as refused:
        ops.attach_files(cast.staff, topic, [upload(name='b.txt', data=b'b' * 41)])
    assert refused.value.code == 'attachment_total'
    ops.attach_files(cast.staff, topic, [upload(name='b.txt', data=b'b' * 40)])
    assert sum(a.size for a in topic.attachments) == 100


@pytest.mark.parametrize(('state', 'who'), [('draft', 'resident'), ('draft', 'director'), ('submitted', 'staff')])
def test_wrong_role_or_state_cannot_attach(db, cast, make_topic, uploads, state, who):
    topic = make_topic(state, submitter=cast.staff)  # counter channel: queued for review on submission
    assert topic.status == (TopicStatus.DRAFT if state == 'draft' else TopicStatus.SUBMITTED)
    with pytest.raises(Refusal) as refused:
        ops.attach_files(getattr(cast, who), topic, [upload()])
    assert refused.value.rule.code == 'attachment_who'
    assert stored(uploads) == []


def test_resident_attaches_while_collecting_cosigns_not_after_queueing(db, cast, make_topic):
    from consult.topics.models import SourceChannel

    topic = make_topic('submitted', submitter=cast.resident, channel=SourceChannel.ONLINE)
    assert topic.queued_at is None
    assert ops.attach_files(cast.resident, topic, [upload()])
    topic.queued_at = topic.submitted_at
    with pytest.raises(Refusal):
        ops.attach_files(cast.resident, topic, [upload('pdf')])


def test_edit_form_of_another_user_is_forbidden(db, client, auth, csrf, cast, make_topic):
    topic = make_topic(submitter=cast.staff)
    auth.login(cast.resident)  # the originator sees the draft but does not edit it
    url = f'/topics/{topic.id}/edit'
    response = client.post(url, data=form(csrf, cast, path=f'/topics/{topic.id}', attachments=files(upload())))
    assert response.status_code == 403
    assert attachment_count(db) == 0


def test_edit_adds_files_and_the_page_lists_them(db, client, auth, csrf, cast, make_topic):
    topic = make_topic(submitter=cast.staff)
    auth.login(cast.staff)
    url = f'/topics/{topic.id}/edit'
    values = {'channel': 'counter', 'attachments': files(upload('pdf'), upload('text'))}
    assert client.post(url, data=form(csrf, cast, path=url, **values)).status_code == 302
    page = client.get(f'/topics/{topic.id}').get_data(as_text=True)
    assert '议事记录.pdf' in page
    assert 'PDF document' in page
    assert f'{len(SAMPLES["pdf"][2])} B' in page
    assert 'Plain text' in page


def test_form_has_an_accessible_file_input_with_limits(client, auth, cast):
    auth.login(cast.resident)
    page = client.get('/topics/new').get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="attachments">Attach files</label>' in page
    assert 'accept=".docx,.jpeg,.jpg,.odt,.pdf,.png,.txt,.webp,.xlsx"' in page
    assert 'aria-describedby="attachments-help"' in page
    assert 'Up to 10 files per topic, each at most 10 MB, 30 MB in all.' in page


def test_upload_without_csrf_is_refused(db, client, auth, cast, uploads):
    auth.login(cast.resident)
    data = {'title': '小区停车难', 'attachments': files(upload())}
    assert client.post('/topics/new', data=data).status_code == 400
    assert new_topic(db) is None
    assert stored(uploads) == []


def test_oversized_request_gets_the_translated_413_page(db, app, client, auth, csrf, cast, monkeypatch):
    monkeypatch.setitem(app.config, 'ATTACHMENT_MAX_TOTAL_BYTES', 1000)
    monkeypatch.setitem(app.config, 'ATTACHMENT_FORM_OVERHEAD', 1000)
    auth.login(cast.resident)
    data = form(csrf, cast, attachments=files(upload(data=b'x' * 3000)))
    response = client.post('/topics/new', data=data, headers={'Accept-Language': 'zh-CN'})
    assert response.status_code == 413
    assert '上传的文件过大' in response.get_data(as_text=True)
    assert new_topic(db) is None


def test_remove_attachment_deletes_row_and_file_after_commit(db, client, auth, csrf, cast, make_topic, uploads):
    topic = make_topic(submitter=cast.staff)
    row = ops.attach_files(cast.staff, topic, [upload('png')])[0]
    db.session.commit()
    assert stored(uploads) == [row.sha256]
    auth.login(cast.staff)
    url = f'/topics/{topic.id}/attachments/{row.id}/remove'
    response = client.post(url, data={'csrf_token': csrf(f'/topics/{topic.id}/edit')})
    assert response.status_code == 302
    assert attachment_count(db) == 0
    assert stored(uploads) == []


def test_remove_keeps_a_file_another_topic_shares(db, cast, make_topic, uploads):
    first, second = make_topic(submitter=cast.staff), make_topic(submitter=cast.staff)
    row = ops.attach_files(cast.staff, first, [upload('pdf')])[0]
    ops.attach_files(cast.staff, second, [upload('pdf')])
    db.session.commit()
    ops.remove_attachment(cast.staff, row)
    db.session.commit()
    assert stored(uploads) == [row.sha256]


def test_remove_refused_once_in_review(db, client, auth, csrf, cast, make_topic):
    topic = make_topic(submitter=cast.staff)
    row = ops.attach_files(cast.staff, topic, [upload()])[0]
    db.session.commit()
    operations.submit_topic(cast.staff, topic)  # counter channel: straight into the review queue
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        ops.remove_attachment(cast.staff, row)
    assert refused.value.rule.code == 'attachment_who'
    auth.login(cast.staff)
    url = f'/topics/{topic.id}/attachments/{row.id}/remove'
    assert client.post(url, data={'csrf_token': csrf()}).status_code == 403
    assert attachment_count(db) == 1


def _download(client, topic, row):
    return client.get(f'/topics/{topic.id}/attachments/{row.id}')


def test_download_headers(db, client, cast, make_topic):
    topic = make_topic(submitter=cast.staff)
    text, png, pdf = ops.attach_files(cast.staff, topic, [upload('text'), upload('png'), upload('pdf')])
    operations.submit_topic(cast.staff, topic)
    db.session.commit()
    response = _download(client, topic, text)  # anonymous: the topic is public
    assert response.status_code == 200
    assert response.get_data() == SAMPLES['text'][2]
    assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Content-Disposition'].startswith('attachment;')
    assert "filename*=UTF-8''%E6%84%8F%E8%A7%81.txt" in response.headers['Content-Disposition']
    assert 'sandbox' in response.headers['Content-Security-Policy']
    assert 'private' in response.headers['Cache-Control']
    image = _download(client, topic, png)
    assert image.headers['Content-Type'] == 'image/png'
    assert image.headers['Content-Disposition'].startswith('inline;')
    assert _download(client, topic, pdf).headers['Content-Disposition'].startswith('inline;')


def test_private_topic_files_never_leak(db, client, auth, cast, make_topic):
    topic = make_topic(submitter=cast.staff, private=True)
    row = ops.attach_files(cast.staff, topic, [upload('pdf')])[0]
    operations.submit_topic(cast.staff, topic)
    db.session.commit()
    response = _download(client, topic, row)
    assert response.status_code == 302  # anonymous: log in first, as for the topic page
    assert '/account/login' in response.headers['Location']
    for user, status in [
        (cast.neighbour, 404),  # another resident of the community
        (cast.outsider, 404),  # a resident of another community
        (cast.staff_b, 404),  # staff of another community
        (cast.party, 404),
        (cast.resident, 200),  # the originator
        (cast.director, 200),  # the committee
    ]:
        auth.login(user)
        assert _download(client, topic, row).status_code == status, user
        auth.logout()


def test_attachment_of_a_private_topic_is_not_reachable_through_a_public_one(db, client, cast, make_topic):
    public = make_topic('submitted', submitter=cast.staff)
    private = make_topic(submitter=cast.staff, private=True)
    row = ops.attach_files(cast.staff, private, [upload('pdf')])[0]
    db.session.commit()
    assert _download(client, public, row).status_code == 404


def test_draft_files_only_to_submitter_and_originator(db, client, auth, cast, make_topic):
    topic = make_topic(submitter=cast.staff)
    row = ops.attach_files(cast.staff, topic, [upload('docx')])[0]
    db.session.commit()
    for user, status in [(cast.staff_b, 404), (cast.director, 404), (cast.staff, 200), (cast.resident, 200)]:
        auth.login(user)
        assert _download(client, topic, row).status_code == status, user
        auth.logout()


def test_failed_write_leaves_no_row_and_no_file(db, client, auth, csrf, cast, uploads, monkeypatch):
    real_replace = storage.os.replace
    calls = []

    def replace_once(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, 'No space left on device')
        real_replace(src, dst)

    monkeypatch.setattr(storage.os, 'replace', replace_once)
    auth.login(cast.resident)
    response = client.post('/topics/new', data=form(csrf, cast, attachments=files(upload('pdf'), upload('png'))))
    assert response.status_code == 200
    assert 'The files could not be stored' in response.get_data(as_text=True)
    assert len(calls) == 2
    assert new_topic(db) is None
    assert attachment_count(db) == 0
    assert stored(uploads) == []  # the first file, written, is removed on rollback; no temp file is left


def test_database_failure_at_commit_leaves_no_orphan_file(db, client, auth, csrf, cast, uploads, monkeypatch):
    def failing_commit():
        raise OperationalError('COMMIT', {}, Exception('database went away'))

    auth.login(cast.resident)
    data = form(csrf, cast, attachments=files(upload('pdf')))
    monkeypatch.setattr(db.session, 'commit', failing_commit)
    response = client.post('/topics/new', data=data)
    assert response.status_code == 503  # the database went away: "temporarily unavailable"
    monkeypatch.undo()
    assert new_topic(db) is None
    assert stored(uploads) == []


def test_rollback_after_attaching_removes_new_files_but_not_shared_ones(db, cast, make_topic, uploads):
    topic = make_topic(submitter=cast.staff)
    kept = ops.attach_files(cast.staff, topic, [upload('pdf')])[0]
    db.session.commit()
    ops.attach_files(cast.staff, topic, [upload('png'), upload('pdf', name='again.pdf')])
    assert len(stored(uploads)) == 2
    db.session.rollback()
    assert stored(uploads) == [kept.sha256]


def test_topic_page_queries_do_not_grow_with_attachments(db, client, cast, make_topic, count_queries):
    def page_queries(n):
        topic = make_topic(submitter=cast.staff)
        ops.attach_files(cast.staff, topic, [upload(name=f'{i}.txt', data=f'{n}-{i}'.encode()) for i in range(n)])
        operations.submit_topic(cast.staff, topic)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f'/topics/{topic.id}').status_code == 200
        return counter.count

    assert page_queries(1) == page_queries(5)
