#!/usr/bin/env python
"""Consult's translation catalogues: extract, update, fill, compile and check.

Usage: ``python scripts/i18n.py COMMAND [COMMAND ...] [options]``; commands run in the order given, e.g.
``python scripts/i18n.py extract update fill-hant fill-en compile check``.

extract    Scan consult/**.py and templates/**.html (babel.cfg) into consult/translations/messages.pot, sorted by
           msgid, with file (not line) locations so that moving code does not churn the catalogues. The file is only
           rewritten when something besides its creation date changed.
update     Merge the template into zh_Hans, zh_Hant and en (creating a catalogue that is missing). Changed msgids
           get a fuzzy guess (left empty when its placeholders do not fit, as pybabel compile would refuse the
           catalogue); strings no longer in the code are dropped.
fill-hant  Fill every empty zh_Hant entry from its zh_Hans translation with OpenCC ``s2t`` plus the project's
           fixes in HANT_FIXES. Never overwrites a non-empty zh_Hant entry (``--replace-fuzzy`` also refills the
           fuzzy ones). Entries whose zh_Hans is empty or fuzzy are left for later.
review-hant
           List zh_Hant entries that differ from what fill-hant would produce now: hand-reviewed wording, or a
           zh_Hans translation that changed after zh_Hant was filled.
fill-en    Set every en msgstr to its msgid (plural forms too): English is the source language.
compile    Compile the .po files into .mo files (not committed; the Makefile and the tests compile).
check      Exit 1, listing every problem: a message of the template missing from a catalogue, an empty or fuzzy
           entry, or %-placeholders that differ from the msgid's. Checks zh_Hans, zh_Hant and en.

Workflow after adding strings to code: ``extract update fill-en``, translate the new zh_Hans entries by hand
(empty ones; fuzzy ones need their guess checked and the fuzzy flag removed), ``fill-hant`` then review the new
zh_Hant entries, ``check``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po
from babel.util import LOCALTZ

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / 'babel.cfg'
TRANSLATIONS = ROOT / 'consult' / 'translations'
DOMAIN = 'messages'
POT = TRANSLATIONS / f'{DOMAIN}.pot'
LOCALES = ('zh_Hans', 'zh_Hant', 'en')
#: Catalogues that ``check`` requires to be complete.
CHECKED_LOCALES = ('zh_Hans', 'zh_Hant', 'en')

#: Keywords besides pybabel's defaults (_, gettext, ngettext, pgettext, ...): Flask-Babel's lazy variants (and _lp).
KEYWORDS = ('_l', 'lazy_gettext', 'lazy_ngettext:1,2', 'lazy_pgettext:1c,2', '_lp:1c,2', 'lazy_npgettext:1c,2,3')

#: Regular-expression substitutions applied in order after OpenCC ``s2t``. s2t yields OpenCC's etymological forms
#: (爲, 審覈, 啓), which readers in Hong Kong, Macao and Taiwan rarely see; these give the forms both regions print,
#: and replace a few mainland UI words that read wrongly in Traditional Chinese. Keep every rule safe to apply to any
#: string: wording that depends on context is fixed by hand in zh_Hant (fill-hant never overwrites it).
HANT_FIXES = (
    ('爲', '為'),
    ('僞', '偽'),
    ('啓', '啟'),
    ('覈', '核'),  # 審核, 核驗, 複核
    ('週歲', '周歲'),
    ('登錄', '登入'),  # log in
    ('退出登入', '登出'),  # log out
    ('賬號', '帳號'),  # account
    ('賬戶', '帳戶'),
    ('電子郵箱', '電子郵件'),
    ('郵箱', '電子郵件'),
    ('手機號(?!碼)', '手機號碼'),
    ('數據', '資料'),  # data
    ('導入', '匯入'),  # import (of a file)
    ('字符', '字元'),  # characters
    ('錶決', '表決'),  # 名表決人, 記名表決: OpenCC reads 名表 as 名錶 (a watch)
    ('“', '「'),  # quotation marks: 「」 and 『』 in Traditional Chinese
    ('”', '」'),
    ('‘', '『'),
    ('’', '』'),
)

# Width 0: never wrap. Long Chinese lines cannot be wrapped at spaces, and unwrapped lines diff cleanly.
WIDTH = 0


def _po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'


def _shown(path: Path) -> str:
    """``path`` relative to the repository root when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _project_version() -> str:
    with (ROOT / 'pyproject.toml').open('rb') as f:
        return tomllib.load(f)['project']['version']


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open('rb') as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def _serialise(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return buffer.getvalue()


def _save(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` to ``path`` unless the file already has exactly that content. Return whether it wrote."""
    data = _serialise(catalog)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _run_pybabel(*args: str) -> None:
    """Run a pybabel command in-process from the repository root; raise SystemExit on failure."""
    with contextlib.chdir(ROOT):
        status = CommandLineInterface().run(['pybabel', *args])
    if status:
        raise SystemExit(f'pybabel {args[0]} failed ({status})')


def _messages(catalog: Catalog):
    """The real messages of a catalogue (not the header entry)."""
    return (message for message in catalog if message.id)


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, list | tuple):
        return list(message.string)
    return [message.string]


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
    return f'{msgid!r}' + (f' (context {message.context!r})' if message.context else '')


# --- extract ------------------------------------------------------------------------------------------------------


def extract_to(path: Path) -> None:
    """Extract the current source strings into ``path`` (a .pot file)."""
    keywords = [arg for keyword in KEYWORDS for arg in ('-k', keyword)]
    options = [
        f'--mapping-file={BABEL_CFG}',
        *keywords,
        '--sort-output',  # by msgid, for stable diffs
        '--no-wrap',
        '--add-location=file',  # file names without line numbers: moving code does not touch the catalogues
        '--add-comments=TRANSLATORS:',
        '--project=Consult',
        f'--version={_project_version()}',
        '--copyright-holder=Consult',
        f'--output-file={path}',
    ]
    _run_pybabel('-q', 'extract', *options, '.')


def extract_catalog() -> Catalog:
    """A fresh template extracted from the code now, without touching messages.pot (used by the tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f'{DOMAIN}.pot'
        extract_to(path)
        return _read(path)


_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


def cmd_extract(args: argparse.Namespace) -> int:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / f'{DOMAIN}.pot'
        extract_to(fresh)
        data = fresh.read_bytes()
    count = sum(1 for _ in _messages(read_po(io.BytesIO(data))))
    if POT.exists() and _CREATION_DATE.sub(b'', POT.read_bytes()) == _CREATION_DATE.sub(b'', data):
        print(f'extract: {_shown(POT)} unchanged ({count} messages)')
        return 0
    POT.write_bytes(data)
    print(f'extract: wrote {_shown(POT)} ({count} messages)')
    return 0


# --- update -------------------------------------------------------------------------------------------------------


def cmd_update(args: argparse.Namespace) -> int:
    if not POT.exists():
        raise SystemExit(f'{_shown(POT)} is missing: run extract first')
    for locale in LOCALES:
        path = _po_path(locale)
        if not path.exists():
            catalog = _read(POT, locale=locale)
            catalog.locale = Locale.parse(locale)
            catalog.revision_date = datetime.now(LOCALTZ)
            catalog.fuzzy = False
            _save(catalog, path)
            print(f'update: created {_shown(path)}')
            continue
        template = _read(POT)
        catalog = _read(path, locale=locale)
        catalog.update(template, update_header_comment=False, keep_user_comments=True, update_creation_date=False)
        for message in _messages(catalog):
            # pybabel compile refuses a whole catalogue over one bad placeholder, fuzzy or not: drop such guesses.
            if message.fuzzy and placeholder_problem(message):
                _set_forms(message, [''] * len(_forms(message)))
                message.flags.discard('fuzzy')
        changed = _save(catalog, path)
        print(f'update: {_shown(path)} {"updated" if changed else "unchanged"}')
    return 0


# --- fill-hant / review-hant --------------------------------------------------------------------------------------


class HantConverter:
    """Simplified to Traditional: OpenCC ``s2t`` followed by :data:`HANT_FIXES`."""

    def __init__(self) -> None:
        try:
            import opencc  # only these commands need it, and it is a dev dependency
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise SystemExit('OpenCC is missing: pip install -r requirements-dev.txt (opencc)') from error
        self._opencc = opencc.OpenCC('s2t')
        self._fixes = [(re.compile(pattern), replacement) for pattern, replacement in HANT_FIXES]

    def __call__(self, text: str) -> str:
        if not text:
            return text
        converted = self._opencc.convert(text)
        for pattern, replacement in self._fixes:
            converted = pattern.sub(replacement, converted)
        return converted


def _hans_forms(hans: Catalog, message: Message) -> list[str] | None:
    """The finished zh_Hans translation for ``message``, or None when it is missing, empty or fuzzy."""
    source = hans.get(message.id, message.context)
    if source is None or source.fuzzy:
        return None
    forms = _forms(source)
    if not all(forms):
        return None
    return forms


def _set_forms(message: Message, forms: list[str]) -> None:
    message.string = tuple(forms) if message.pluralizable else forms[0]


def cmd_fill_hant(args: argparse.Namespace) -> int:
    convert = HantConverter()
    hans = _read(_po_path('zh_Hans'), locale='zh_Hans')
    path = _po_path('zh_Hant')
    hant = _read(path, locale='zh_Hant')
    filled, waiting = [], []
    for message in _messages(hant):
        empty = not any(_forms(message))
        if not (empty or (args.replace_fuzzy and message.fuzzy)):
            continue
        forms = _hans_forms(hans, message)
        if forms is None:
            waiting.append(message)
            continue
        _set_forms(message, [convert(form) for form in forms])
        message.flags.discard('fuzzy')
        filled.append(message)
    _save(hant, path)
    for message in filled:
        print(f'fill-hant: {_label(message)} -> {_forms(message)[0]}')
    for message in waiting:
        print(f'fill-hant: waiting for a zh_Hans translation of {_label(message)}')
    print(f'fill-hant: filled {len(filled)}, {len(waiting)} waiting for zh_Hans; review the filled entries')
    return 0


def cmd_review_hant(args: argparse.Namespace) -> int:
    convert = HantConverter()
    hans = _read(_po_path('zh_Hans'), locale='zh_Hans')
    hant = _read(_po_path('zh_Hant'), locale='zh_Hant')
    differing = 0
    for message in _messages(hant):
        forms = _hans_forms(hans, message)
        if forms is None or not any(_forms(message)):
            continue
        expected = [convert(form) for form in forms]
        if _forms(message) != expected:
            differing += 1
            print(f'{_label(message)}\n  zh_Hans:   {forms}\n  s2t+fixes: {expected}\n  zh_Hant:   {_forms(message)}')
    print(f'review-hant: {differing} zh_Hant entries differ from the conversion of zh_Hans')
    return 0


# --- fill-en ------------------------------------------------------------------------------------------------------


def cmd_fill_en(args: argparse.Namespace) -> int:
    path = _po_path('en')
    catalog = _read(path, locale='en')
    for message in _messages(catalog):
        message.string = tuple(message.id) if message.pluralizable else message.id
        message.flags.discard('fuzzy')
    changed = _save(catalog, path)
    print(f'fill-en: {_shown(path)} {"updated" if changed else "unchanged"}')
    return 0


# --- compile ------------------------------------------------------------------------------------------------------


def compile_catalogs(statistics: bool = False) -> None:
    """Compile every catalogue's .po into its .mo (fuzzy entries are left out, as gettext expects)."""
    options = ['--statistics'] if statistics else []
    _run_pybabel(
        *([] if statistics else ['-q']), 'compile', f'--directory={TRANSLATIONS}', f'--domain={DOMAIN}', *options
    )


def stale_catalogues() -> list[str]:
    """The locales whose .mo file is missing or older than their .po file."""
    stale = []
    for locale in LOCALES:
        po = _po_path(locale)
        mo = po.with_suffix('.mo')
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            stale.append(locale)
    return stale


def cmd_compile(args: argparse.Namespace) -> int:
    compile_catalogs(statistics=True)
    return 0


# --- check --------------------------------------------------------------------------------------------------------

#: One %-conversion (printf-style, as Python's ``str % values`` reads it), or ``%%``.
_PERCENT = re.compile(
    r'%(?:\((?P<name>[^)]*)\))?(?P<flags>[#0 +-]*)(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conversion>[diouxXeEfFgGcrsa%])'
)


@dataclass(frozen=True)
class Placeholders:
    named: frozenset[tuple[str, str]]  # (name, conversion)
    positional: tuple[str, ...]  # conversions in order
    escapes: int  # how many %%
    stray: int  # a % that is not a valid conversion

    def describe(self) -> str:
        parts = [f'%({name}){conversion}' for name, conversion in sorted(self.named)]
        parts += [f'%{conversion}' for conversion in self.positional]
        parts += ['%%'] * self.escapes + ['stray %'] * self.stray
        return ', '.join(parts) or 'none'


def placeholders(text: str) -> Placeholders:
    """The %-placeholders in ``text``: named and positional conversions, %% escapes and stray percent signs."""
    named, positional, escapes, position, stray = set(), [], 0, 0, 0
    for match in _PERCENT.finditer(text):
        stray += text.count('%', position, match.start())
        position = match.end()
        if match.group('conversion') == '%' and match.group('name') is None:
            escapes += 1
        elif match.group('name') is not None:
            named.add((match.group('name'), match.group('conversion')))
        else:
            positional.append(match.group('conversion'))
    stray += text.count('%', position)
    return Placeholders(frozenset(named), tuple(positional), escapes, stray)


def placeholder_problem(message: Message) -> str | None:
    """Why the translation's placeholders do not fit the msgid's, or None when they do."""
    ids = list(message.id) if isinstance(message.id, list | tuple) else [message.id]
    wanted = [placeholders(msgid) for msgid in ids]
    # A plural translation may leave the number out of a form (Chinese has one form for every count), but it may not
    # add anything: its names are those of the singular or plural msgid.
    allowed_named = frozenset().union(*(p.named for p in wanted))
    for form in _forms(message):
        if not form:
            continue
        got = placeholders(form)
        if got.stray:
            return f'stray % in {form!r} (use a full-width ％; %% only where the msgid has %%)'
        if len(ids) == 1:
            expected = wanted[0]
            if (got.named, got.positional, got.escapes) != (expected.named, expected.positional, expected.escapes):
                return f'placeholders {got.describe()} in {form!r}, msgid has {expected.describe()}'
        elif not got.named <= allowed_named or got.positional not in {p.positional for p in wanted}:
            return f'placeholders {got.describe()} in {form!r} do not match the msgid'
    return None


def catalogue_problems(template: Catalog, catalog: Catalog, locale: str) -> list[str]:
    """Every problem of one catalogue against the template, as readable lines."""
    problems = []
    if catalog.fuzzy:
        problems.append(f'{locale}: the catalogue header is fuzzy (pybabel compile would skip the whole catalogue)')
    for message in _messages(template):
        if catalog.get(message.id, message.context) is None:
            problems.append(f'{locale}: {_label(message)} is not in the catalogue (run update)')
    for message in _messages(catalog):
        if message.fuzzy:
            problems.append(f'{locale}: {_label(message)} is fuzzy: check the translation, then remove the flag')
        elif not all(_forms(message)):
            problems.append(f'{locale}: {_label(message)} is not translated')
        problem = placeholder_problem(message)
        if problem:
            problems.append(f'{locale}: {_label(message)}: {problem}')
    return problems


def cmd_check(args: argparse.Namespace) -> int:
    if not POT.exists():
        print(f'check: {_shown(POT)} is missing: run extract', file=sys.stderr)
        return 1
    template = _read(POT)
    problems = []
    for locale in CHECKED_LOCALES:
        path = _po_path(locale)
        if not path.exists():
            problems.append(f'{locale}: {_shown(path)} is missing (run update)')
            continue
        problems.extend(catalogue_problems(template, _read(path, locale=locale), locale))
    count = sum(1 for _ in _messages(template))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f'check: {len(problems)} problems in {count} messages', file=sys.stderr)
        return 1
    print(f'check: {count} messages, all translated in {", ".join(CHECKED_LOCALES)}')
    return 0


COMMANDS = {
    'extract': cmd_extract,
    'update': cmd_update,
    'fill-hant': cmd_fill_hant,
    'review-hant': cmd_review_hant,
    'fill-en': cmd_fill_en,
    'compile': cmd_compile,
    'check': cmd_check,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('commands', nargs='+', choices=COMMANDS, metavar='COMMAND', help=', '.join(COMMANDS))
    parser.add_argument(
        '--replace-fuzzy',
        action='store_true',
        help='fill-hant: also refill fuzzy zh_Hant entries from finished zh_Hans ones',
    )
    args = parser.parse_args(argv)
    for command in args.commands:
        status = COMMANDS[command](args)
        if status:
            return status
    return 0


if __name__ == '__main__':
    sys.exit(main())
