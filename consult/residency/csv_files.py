"""What the roster and the household weights imports share: accepting the uploaded file and reading its rows.

Both are all or nothing: every row is checked first, every refused row is listed, and one refused row imports
nothing. Rows whose cells are all empty (Excel leaves them at the end) are skipped but keep their row number.
"""

import csv
import io
from collections.abc import Callable
from collections.abc import Hashable

from flask_babel import gettext as _
from flask_babel import ngettext

from consult.security import clean_text

MAX_ROWS = 20_000


def accepted_name(filename: str, data: bytes, max_bytes: int, too_large: Callable[[int], str], rejected) -> str:
    """The upload's file name, cleaned, once the file is a .csv of at most ``max_bytes``.

    :param too_large: the refusal's text, given the limit in KB.
    :param rejected: the refusal class (``RosterRejected``).
    """
    filename = clean_text(filename.replace('\\', '/').rsplit('/', 1)[-1])[:255]
    if not filename.lower().endswith('.csv'):
        raise rejected(_('Only .csv files can be imported. In Excel, use "Save as" and choose "CSV UTF-8".'))
    if len(data) > max_bytes:
        raise rejected(too_large(max_bytes // 1024))
    return filename


def read_rows(
    text: str,
    columns_of: Callable[[list[str]], dict],
    parse_row: Callable[[list[str], dict], tuple[object | None, Hashable | None, list[str]]],
    *,
    duplicate: Callable[[int], str],
    too_many: str,
    rejected,
    problem,
) -> list:
    """Every row of ``text`` through ``parse_row``, or a refusal of the whole file listing each refused row.

    :param columns_of: the header's columns (refuses a bad header).
    :param parse_row: ``(cells, columns) -> (row, key, reasons)``; ``key`` identifies the row's subject (a person,
        a household): a second row with the same key is refused with ``duplicate(first row number)``.
    :param problem: the class of a refused row (``Problem(number, reasons)``).
    """
    reader = csv.reader(io.StringIO(text, newline=''))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise rejected(_('The file is empty.'))
        columns = columns_of(header)
        rows, problems, first_row_of, data_rows = [], [], {}, 0
        for number, cells in enumerate(reader, start=2):
            if not ''.join(cells).strip():
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise rejected(too_many)
            row, key, reasons = parse_row(cells, columns)
            if key is not None and key in first_row_of:
                reasons.append(duplicate(first_row_of[key]))
            elif row is not None:
                first_row_of[key] = number
                rows.append(row)
            if reasons:
                problems.append(problem(number, tuple(reasons)))
    except csv.Error as exc:
        raise rejected(_('The file could not be read as CSV near row %(row)s.', row=reader.line_num)) from exc
    if problems:
        raise rejected(
            ngettext(
                '%(num)s row was refused, so nothing was imported. Correct it and upload the file again.',
                '%(num)s rows were refused, so nothing was imported. Correct them and upload the file again.',
                len(problems),
            ),
            problems,
        )
    if not rows:
        raise rejected(_('The file has a header but no rows.'))
    return rows
