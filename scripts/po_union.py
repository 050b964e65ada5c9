#!/usr/bin/env python
"""Fill a catalogue's empty or fuzzy entries from other versions of it (after a merge of two branches).

Usage: ``python scripts/po_union.py TARGET.po OTHER.po [OTHER.po ...]``. Run ``scripts/i18n.py extract update``
first, so TARGET holds every msgid of the merged code; an entry is taken from the first OTHER that has it
translated and not fuzzy. Entries already translated in TARGET are kept.
"""

import sys

from babel.messages.pofile import read_po
from babel.messages.pofile import write_po


def _load(path):
    with open(path, 'rb') as handle:
        return read_po(handle)


def _translated(string) -> bool:
    """Whether a msgstr (a plural message's is a tuple) has any text."""
    return any(string) if isinstance(string, tuple | list) else bool(string)


def main(target: str, *others: str) -> int:
    catalog = _load(target)
    sources = [_load(path) for path in others]
    filled = 0
    for message in catalog:
        if not message.id or (_translated(message.string) and not message.fuzzy):
            continue
        for source in sources:
            found = source.get(message.id, message.context)
            if found is not None and _translated(found.string) and not found.fuzzy:
                message.string = found.string
                message.flags.discard('fuzzy')
                filled += 1
                break
    with open(target, 'wb') as handle:
        write_po(handle, catalog, width=0, sort_output=True, ignore_obsolete=True, include_lineno=False)
    print(f'{target}: filled {filled}')
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
