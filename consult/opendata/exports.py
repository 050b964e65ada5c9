"""CSV exports that Excel and WPS open as they are: UTF-8 with a byte-order mark (without it both read Chinese
as GBK), CRLF line ends, quoted as RFC 4180 says, and no cell a spreadsheet would run as a formula.

The columns are the scalar fields of the resource's schema (``csv_columns``); the rows are read
``EXPORT_BATCH`` at a time by keyset and streamed, so a long list is never held in memory.
"""

import csv
import io

from flask import Response
from flask import abort
from flask import stream_with_context
from marshmallow import fields

from .filters import parse_filters
from .paging import EXPORT_BATCH
from .paging import keyset_page

BOM = '\ufeff'
#: A cell starting with one of these is a formula to Excel and WPS (OWASP, "CSV Injection").
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def cell(value) -> str:
    """One value as CSV text: lists joined, booleans as words, and a leading formula character neutralised."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int | float):
        return str(value)  # a number, never a formula (a negative one starts with '-')
    if isinstance(value, list | tuple):
        value = '; '.join(cell(v) for v in value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def columns(schema) -> tuple[str, ...]:
    if schema.csv_columns is not None:
        return schema.csv_columns
    return tuple(
        name
        for name, f in schema().fields.items()
        if not isinstance(f, fields.Nested | fields.Dict) and not _nested_list(f)
    )


def _nested_list(f) -> bool:
    return isinstance(f, fields.List) and isinstance(f.inner, fields.Nested | fields.Dict)


def _pick(row: dict, column: str):
    value = row
    for part in column.split('.'):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator='\r\n', quoting=csv.QUOTE_MINIMAL).writerow(values)
    return out.getvalue()


def csv_view(view, schema, filters, endpoint):
    dumper = schema(many=True)
    names = columns(schema)

    def export(**view_args):
        if view.exists is not None and not view.exists(**view_args):
            abort(404)
        chosen = {**parse_filters(filters), **view_args}
        query = view.query(chosen)

        def generate():
            yield BOM + _line(names)
            after = 0
            while after is not None:
                rows, after = keyset_page(query, view.id_column, after, EXPORT_BATCH)
                chunk = io.StringIO()
                for row in dumper.dump(view.items(rows)):
                    chunk.write(_line([cell(_pick(row, name)) for name in names]))
                yield chunk.getvalue()

        filename = f'{endpoint}.csv'
        return Response(
            stream_with_context(generate()),
            mimetype='text/csv',
            headers={
                'Content-Type': 'text/csv; charset=utf-8',
                'Content-Disposition': f'attachment; filename={filename}',
                'Cache-Control': 'public, max-age=60',
                'X-Content-Type-Options': 'nosniff',
            },
        )

    export.__name__ = f'{endpoint}_csv'
    return export
