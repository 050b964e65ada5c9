"""What a file is, judged by its content: the allowed kinds, their magic bytes, safe display names.

The client's file name and Content-Type are only claims: a file is accepted when its content is one of
:data:`KINDS` and both claims agree with that kind (a renamed ``.exe`` is neither of them).
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FileKind:
    code: str
    #: The Content-Type the file is stored and served with.
    content_type: str
    #: File name endings (lower case) that may carry this kind.
    extensions: frozenset[str]
    #: Content-Types a browser may declare for it (parameters dropped, lower case).
    declared: frozenset[str]
    label: LazyString
    #: Shown in the browser (images, PDF); everything else is only downloaded.
    inline: bool = False


def _kind(code, content_type, extensions, label, inline=False, aliases=()):
    return FileKind(code, content_type, frozenset(extensions), frozenset({content_type, *aliases}), label, inline)


_OOXML = 'application/vnd.openxmlformats-officedocument.'
KINDS = {
    kind.code: kind
    for kind in (
        _kind('pdf', 'application/pdf', {'.pdf'}, _l('PDF document'), inline=True, aliases={'application/x-pdf'}),
        _kind('jpeg', 'image/jpeg', {'.jpg', '.jpeg'}, _l('JPEG image'), inline=True, aliases={'image/pjpeg'}),
        _kind('png', 'image/png', {'.png'}, _l('PNG image'), inline=True),
        _kind('webp', 'image/webp', {'.webp'}, _l('WebP image'), inline=True),
        _kind('text', 'text/plain', {'.txt'}, _l('Plain text')),
        _kind('docx', _OOXML + 'wordprocessingml.document', {'.docx'}, _l('Word document (DOCX)')),
        _kind('xlsx', _OOXML + 'spreadsheetml.sheet', {'.xlsx'}, _l('Excel spreadsheet (XLSX)')),
        _kind('odt', 'application/vnd.oasis.opendocument.text', {'.odt'}, _l('OpenDocument text (ODT)')),
    )
}
#: For the file input's ``accept`` attribute.
ACCEPT = ','.join(sorted({ext for kind in KINDS.values() for ext in kind.extensions}))
NAME_MAX = 120
_FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')
_TEXT_CONTROLS = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}) | {0x7F}


def sniff(data: bytes) -> tuple[FileKind, str] | None:
    """Return the kind of ``data`` and the Content-Type to store (text gets its charset), or None."""
    if data.startswith(b'%PDF-'):
        return KINDS['pdf'], KINDS['pdf'].content_type
    if data.startswith(b'\xff\xd8\xff'):
        return KINDS['jpeg'], KINDS['jpeg'].content_type
    if data.startswith(b'\x89PNG\r\n\x1a\n'):
        return KINDS['png'], KINDS['png'].content_type
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        return KINDS['webp'], KINDS['webp'].content_type
    if data.startswith(b'PK\x03\x04'):
        code = _zip_kind(data)
        return (KINDS[code], KINDS[code].content_type) if code else None
    charset = _text_charset(data)
    if charset:
        return KINDS['text'], f'text/plain; charset={charset}'
    return None


def _zip_kind(data: bytes) -> str | None:
    """DOCX and XLSX by their package parts; ODT by its ``mimetype`` entry. Other archives: None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if 'mimetype' in names:
            entry = archive.getinfo('mimetype')
            if entry.file_size <= 100 and archive.read(entry).strip() == b'application/vnd.oasis.opendocument.text':
                return 'odt'
            return None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    if '[Content_Types].xml' in names:
        if 'word/document.xml' in names:
            return 'docx'
        if 'xl/workbook.xml' in names:
            return 'xlsx'
    return None


def _text_charset(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or GB18030 text with no control characters besides tab and line ends."""
    if any(byte in _TEXT_CONTROLS for byte in data):
        return None
    # In both encodings every byte below 0x20 is that control character, so the raw check above is exact.
    body = data.removeprefix(b'\xef\xbb\xbf')
    for charset in ('utf-8', 'gb18030'):
        try:
            body.decode(charset)
        except UnicodeDecodeError:
            continue
        return charset
    return None


def declared_type(content_type: str | None) -> str:
    """The client's Content-Type without parameters, lower case."""
    return (content_type or '').split(';', 1)[0].strip().lower()


def extension(filename: str) -> str:
    stem, dot, ext = filename.rpartition('.')
    return f'.{ext.lower()}' if dot and stem else ''


def clean_filename(name: str | None) -> str:
    """A name safe to show and to put in Content-Disposition: no path, no control or bidi characters.

    Chinese and other letters are kept; the name is cut to :data:`NAME_MAX` characters, keeping its ending.
    """
    name = unicodedata.normalize('NFC', name or '').replace('\\', '/').rsplit('/', 1)[-1]
    name = ''.join(ch for ch in name if unicodedata.category(ch)[0] != 'C' and ch not in _FORBIDDEN_IN_NAMES)
    name = ' '.join(name.split()).strip(' .')
    if len(name) > NAME_MAX:
        ext = extension(name)
        keep = NAME_MAX - len(ext) if len(ext) <= 10 else NAME_MAX
        name = name[:keep].rstrip(' .') + (ext if len(ext) <= 10 else '')
    return name


def human_size(size: int) -> str:
    """``512 B``, ``1.5 KB``, ``10 MB`` (powers of 1024)."""
    if size < 1024:
        return f'{size} B'
    for unit in ('KB', 'MB', 'GB'):
        size /= 1024
        if size < 1024 or unit == 'GB':
            break
    text = f'{size:.1f}'.removesuffix('.0')
    return f'{text} {unit}'
