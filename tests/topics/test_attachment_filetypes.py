"""What a file is by its content, and the names shown for it."""

import pytest

from consult.topics.attachments.filetypes import NAME_MAX
from consult.topics.attachments.filetypes import clean_filename
from consult.topics.attachments.filetypes import human_size
from consult.topics.attachments.filetypes import sniff
from tests.topics.test_attachments import EXE
from tests.topics.test_attachments import SAMPLES


@pytest.mark.parametrize(
    ('raw', 'clean'),
    [
        ('三号楼加装电梯方案.pdf', '三号楼加装电梯方案.pdf'),  # Chinese names are kept
        ('C:\\Users\\张三\\Desktop\\意见.docx', '意见.docx'),  # no path
        ('../../etc/passwd', 'passwd'),
        ('report\u202egpj.exe', 'reportgpj.exe'),  # no right-to-left override
        ('a\x00b\r\n.txt', 'ab.txt'),
        ('  多个   空格 .txt ', '多个 空格 .txt'),
        ('<script>.txt', 'script.txt'),
        ('...', ''),
        (None, ''),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_long_names_are_cut_keeping_the_ending():
    name = clean_filename('长' * 300 + '.docx')
    assert len(name) == NAME_MAX
    assert name.endswith('长.docx')


@pytest.mark.parametrize(
    ('size', 'text'), [(0, '0 B'), (1023, '1023 B'), (1536, '1.5 KB'), (10 * 1024 * 1024, '10 MB'), (1 << 30, '1 GB')]
)
def test_human_size(size, text):
    assert human_size(size) == text


@pytest.mark.parametrize('kind', sorted(SAMPLES))
def test_sniff_knows_each_sample(kind):
    sniffed = sniff(SAMPLES[kind][2])
    assert sniffed is not None
    assert sniffed[1] == SAMPLES[kind][3]


@pytest.mark.parametrize(
    'data', [EXE, b'\x7fELF\x02\x01\x01', b'GIF89a\x01\x00', b'<svg xmlns="x"/>\x00', b'PK\x03\x04broken', b'\x1b[31m']
)
def test_sniff_refuses_other_content(data):
    assert sniff(data) is None
