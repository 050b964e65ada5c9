"""A resident downloads a consultation's complete record from its result page, with the offline verifier the
page links to, and checks it on their own computer: the verifier accepts the bundle, and rejects it once a byte
of its content is changed."""

import subprocess
import sys
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.live]

TITLE = '北门增设快递柜'  # the demo's archived topic


def _verify(verifier, bundle, key_id) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(verifier), str(bundle), '--key-id', key_id],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_resident_downloads_the_record_and_the_verifier_accepts_it(new_context, live, tmp_path):
    page = new_context().new_page()
    log_in(page, '13800000001', live.demo_password)  # 东湖居民
    page.goto('/topics/')
    page.locator('.topic-item').filter(has_text=TITLE).locator('a[href^="/results/"]').click()
    with page.expect_download() as bundle_download:
        page.locator('a', has_text='下载完整档案（ZIP）').first.click()
    bundle = tmp_path / bundle_download.value.suggested_filename
    bundle_download.value.save_as(bundle)
    page.locator('.tree-head summary').click()
    with page.expect_download() as verifier_download:
        page.locator('.tree-head a', has_text='离线校验程序').click()
    verifier = tmp_path / 'consult_verify.py'
    verifier_download.value.save_as(verifier)
    key_id = page.request.get('/api/v1/log/public-key').json()['key_id']

    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert {'record.json', 'manifest.json', 'manifest.sig', 'log/leaves.json', 'log/head.json'} <= names
    assert any(name.startswith('parts/') for name in names)
    accepted = _verify(verifier, bundle, key_id)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr

    changed = tmp_path / 'changed.zip'
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(changed, 'w') as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == 'record.json':
                data = data.replace('北门'.encode(), '南门'.encode(), 1)
            target.writestr(item, data)
    rejected = _verify(verifier, changed, key_id)
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    expect(page.locator('.tree-head')).to_be_visible()
