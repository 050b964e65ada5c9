"""The API's plumbing: each resource registers its routes here, and the OpenAPI document is drawn from the same
records. A list answers a keyset page (``data``, ``next``); every JSON answer has an ETag (If-None-Match gives
304) and a Cache-Control; a bad parameter is a 400 in JSON in the user's language, never a 500.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import gettext as _
from marshmallow import Schema

from consult.topics.models import TopicStatus

from . import bp
from .exports import csv_view
from .filters import Filter
from .filters import parse_filters
from .paging import BadParameter
from .paging import decode_cursor
from .paging import encode_cursor
from .paging import keyset_page
from .paging import parse_limit

#: Public lists change when someone acts; a minute of caching spares the database and is never misleading.
CACHE_CONTROL = 'public, max-age=60'


@dataclass(frozen=True)
class Resource:
    """One route of the API, recorded for the OpenAPI document."""

    endpoint: str
    rule: str
    summary: str
    tag: str
    schema: type[Schema]
    many: bool = False
    csv: bool = False
    filters: tuple[Filter, ...] = ()
    #: Further query parameters, as OpenAPI parameter objects (the transparency log's proofs).
    params: tuple[dict, ...] = ()


#: Every route of the API, in the order registered (the OpenAPI document lists them so).
RESOURCES: list[Resource] = []


@dataclass
class ListView:
    """How a list reads its rows: ``query(filters)`` a select of the model, and ``extras(rows)`` what the page
    adds to each row in a fixed number of statements (default: nothing)."""

    query: Callable
    id_column: object
    extras: Callable | None = None
    #: ``exists(**view_args)``: whether the parent of a nested list is public (else 404), e.g. a topic's timeline.
    exists: Callable | None = None

    def items(self, rows: list) -> list:
        if self.extras is None:
            return rows
        extra = self.extras(rows)
        return [(row, extra[row.id]) for row in rows]


def public_statuses() -> tuple[str, ...]:
    from consult.topics.public import HIDDEN_STATUSES

    return tuple(str(s) for s in TopicStatus if s not in HIDDEN_STATUSES)


def json_response(payload, status: int = 200):
    """``payload`` as JSON with a strong ETag of its bytes; a matching If-None-Match gets 304 and no body."""
    body = json.dumps(payload, ensure_ascii=False, separators=(',', ':'))
    response = current_app.response_class(body, status=status, mimetype='application/json')
    if status == 200:
        response.set_etag(hashlib.sha256(body.encode('utf-8')).hexdigest()[:40])
        response.headers['Cache-Control'] = CACHE_CONTROL
        response.vary.add('Accept-Language')
        response = response.make_conditional(request)
    return response


def error_response(status: int, message: str, parameter: str | None = None):
    error = {'code': status, 'message': message}
    if parameter:
        error['parameter'] = parameter
    response = current_app.response_class(
        json.dumps({'error': error}, ensure_ascii=False), status=status, mimetype='application/json'
    )
    response.headers['Cache-Control'] = 'no-store'
    return response


def register_list(endpoint, rule, view: ListView, schema, summary, tag, filters=(), csv=True):
    """Add ``rule`` (a page of JSON) and, with ``csv``, ``rule + '.csv'`` (every row, streamed)."""
    dumper = schema(many=True)

    def page(**view_args):
        if view.exists is not None and not view.exists(**view_args):
            abort(404)
        after = decode_cursor(request.args.get('cursor'))
        limit = parse_limit(request.args.get('limit'))
        chosen = {**parse_filters(filters), **view_args}
        rows, next_after = keyset_page(view.query(chosen), view.id_column, after, limit)
        next_url = None
        if next_after is not None:
            # Only the list's own filters go on: any other argument (``_scheme``, a path parameter's name) is dropped.
            args = {f.name: request.args[f.name] for f in filters if request.args.get(f.name)}
            next_url = url_for(request.endpoint, **view_args, **args, cursor=encode_cursor(next_after), limit=limit)
        response = json_response({'data': dumper.dump(view.items(rows)), 'next': next_url, 'limit': limit})
        if next_url:
            response.headers['Link'] = f'<{next_url}>; rel="next"'
        return response

    bp.add_url_rule(rule, endpoint, page)
    RESOURCES.append(Resource(endpoint, rule, summary, tag, schema, many=True, filters=tuple(filters)))
    if csv:
        bp.add_url_rule(f'{rule}.csv', f'{endpoint}_csv', csv_view(view, schema, filters, endpoint))
        RESOURCES.append(
            Resource(f'{endpoint}_csv', f'{rule}.csv', f'{summary} (CSV)', tag, schema, csv=True, filters=filters)
        )


def register_item(endpoint, rule, load: Callable, schema, summary, tag, extras: Callable | None = None):
    """Add ``rule``: one row by id, 404 when it is not public (``load`` returns None)."""
    dumper = schema()

    def item(**view_args):
        row = load(**view_args)
        if row is None:
            abort(404)
        return json_response(dumper.dump((row, extras([row])[row.id]) if extras else row))

    bp.add_url_rule(rule, endpoint, item)
    RESOURCES.append(Resource(endpoint, rule, summary, tag, schema))


@bp.errorhandler(BadParameter)
def _bad_parameter(exc: BadParameter):
    return error_response(400, exc.message, exc.parameter)


def http_error(exc):
    """Any HTTP error of the API (404, 405, 400 on unstorable text...) as JSON in the user's language."""
    messages = {
        400: _('The request could not be understood.'),
        404: _('The page was not found.'),
        405: _('This action is not allowed here.'),
    }
    code = exc.code or 500
    return error_response(code, messages.get(code) or exc.description or '')
