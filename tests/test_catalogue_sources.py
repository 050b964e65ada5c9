"""Issue 12: no user-facing string names an internal document. Refusals and rule sources cite the law or the
local rule itself (or say plainly that a rule is the platform's own), never a design file or "the design".
"""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support import ROOT

CATALOGUES = sorted((ROOT / 'consult' / 'translations').glob('*/LC_MESSAGES/messages.po'))

#: Names of the project's internal documents, and phrases that present a rule as coming from a document.
INTERNAL = re.compile(
    r'domain\.md|product\.md|style\.md|tech-notes|anchors\.md|\.md\b|design doc|Consult design'
    r'|设计文档|設計文件|設計文檔|平台设计|平臺設計|系统设计|系統設計|设计默认|設計默認|設計預設',
    re.IGNORECASE,
)


def _texts(path: Path):
    with path.open('rb') as f:
        catalogue = read_po(f)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strs):
            if text:
                yield message.id, text


@pytest.mark.parametrize('path', CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_no_string_names_an_internal_document(path):
    found = sorted({text for _, text in _texts(path) if INTERNAL.search(text)})
    assert not found, f'{len(found)} strings name an internal document:\n' + '\n'.join(found)


def test_the_catalogues_are_found():
    assert {p.parent.parent.name for p in CATALOGUES} >= {'zh_Hans', 'zh_Hant', 'en'}
