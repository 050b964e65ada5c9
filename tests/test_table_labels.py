"""The shared table pattern: every data cell in templates/ names its column (data-label), for phones."""

import re

from tests.support import ROOT


def test_every_table_cell_in_the_templates_carries_its_column_label():
    unlabelled = [
        f'{path.relative_to(ROOT)}: {cell[:60]}'
        for path in sorted((ROOT / 'templates').rglob('*.html'))
        for cell in re.findall(r'<td(?=[\s>])[^>]*>', path.read_text())
        if 'data-label="' not in cell
    ]
    assert unlabelled == []


def test_every_table_uses_the_shared_table_class():
    tables = [
        f'{path.relative_to(ROOT)}: {tag}'
        for path in sorted((ROOT / 'templates').rglob('*.html'))
        for tag in re.findall(r'<table[^>]*>', path.read_text())
        if not re.search(r'class="(?:[^"]* )?table[ "]', tag)
    ]
    assert tables == []
