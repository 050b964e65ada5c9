"""The OpenAPI 3.1 document, drawn from the registered routes and their schemas (apispec with marshmallow),
served at ``/api/v1/openapi.json``, and the reference page that reads it, served from this server alone."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import render_template
from flask import url_for
from flask_babel import gettext as _

from . import bp
from .api import RESOURCES
from .api import json_response
from .paging import DEFAULT_LIMIT
from .paging import MAX_LIMIT
from .schemas import ErrorSchema

VERSION = '1.0.0'
_PARAM = re.compile(r'<int:([a-z_]+)>')
_ERRORS = {
    '400': 'A malformed parameter or cursor',
    '404': 'No such public resource',
    '429': 'Too many requests: wait as Retry-After says',
}


def _path(rule: str) -> str:
    return _PARAM.sub(r'{\1}', rule)


def _parameters(resource) -> list[dict]:
    params = [
        {
            'name': name,
            'in': 'path',
            'required': True,
            'description': 'The id of a public row',
            'schema': {'type': 'integer', 'minimum': 1, 'maximum': 2**31 - 1},
        }
        for name in _PARAM.findall(resource.rule)
    ]
    for f in resource.filters:
        schema = (
            {'type': 'integer', 'minimum': 1, 'maximum': 2**31 - 1}
            if f.kind == 'id'
            else {'type': 'string', 'enum': list(f.choices)}
        )
        params.append(
            {'name': f.name, 'in': 'query', 'required': False, 'description': f.description, 'schema': schema}
        )
    params += list(resource.params)
    if resource.many:
        params += [
            {
                'name': 'cursor',
                'in': 'query',
                'required': False,
                'description': 'Opaque: the cursor of the "next" link of the previous page',
                'schema': {'type': 'string', 'pattern': '^[A-Za-z0-9_-]{1,64}$'},
            },
            {
                'name': 'limit',
                'in': 'query',
                'required': False,
                'description': f'Rows per page (default {DEFAULT_LIMIT})',
                'schema': {'type': 'integer', 'minimum': 1, 'maximum': MAX_LIMIT},
            },
        ]
    return params


def _ok(spec: APISpec, resource) -> dict:
    name = resource.schema.__name__.removesuffix('Schema')
    if resource.csv:
        return {
            'description': 'Every row as CSV: UTF-8 with a byte-order mark, CRLF line ends',
            'content': {'text/csv': {'schema': {'type': 'string'}}},
        }
    if not resource.many:
        return {'description': name, 'content': {'application/json': {'schema': name}}}
    page = f'{name}Page'
    if page not in spec.components.schemas:
        spec.components.schema(
            page,
            {
                'type': 'object',
                'required': ['data', 'next', 'limit'],
                'properties': {
                    'data': {'type': 'array', 'items': {'$ref': f'#/components/schemas/{name}'}},
                    'next': {'type': ['string', 'null'], 'description': 'The next page, or null on the last'},
                    'limit': {'type': 'integer'},
                },
            },
        )
    return {'description': f'A page of {name}', 'content': {'application/json': {'schema': page}}}


def build_spec() -> dict:
    spec = APISpec(
        title='Consult open data',
        version=VERSION,
        openapi_version='3.1.0',
        plugins=[MarshmallowPlugin()],
        info={'description': 'Everything public of the consultations, read-only. No personal data.'},
        servers=[{'url': '/'}],
    )
    spec.components.schema('Error', schema=ErrorSchema)
    for resource in RESOURCES:
        name = resource.schema.__name__.removesuffix('Schema')
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=resource.schema)
    for resource in RESOURCES:
        responses = {'200': _ok(spec, resource)}
        if not resource.csv:
            responses['304'] = {'description': 'Not modified (If-None-Match matched the ETag)'}
        for code, text in _ERRORS.items():
            responses[code] = {'description': text, 'content': {'application/json': {'schema': 'Error'}}}
        spec.path(
            path=f'{bp.url_prefix}{_path(resource.rule)}',
            operations={
                'get': {
                    'operationId': resource.endpoint,
                    'summary': resource.summary,
                    'tags': [resource.tag],
                    'parameters': _parameters(resource),
                    'responses': responses,
                }
            },
        )
    return spec.to_dict()


_cache = {}


def document() -> dict:
    if 'spec' not in _cache:
        _cache['spec'] = build_spec()
    return _cache['spec']


@bp.route('/openapi.json')
def openapi():
    return json_response(document())


@bp.route('/')
def reference():
    """The reference page: each route, its parameters and its fields, from the document (no script, no CDN)."""
    spec = document()
    return render_template(
        'opendata/reference.html',
        spec=spec,
        schemas=spec['components']['schemas'],
        document_url=url_for('opendata.openapi'),
        title=_('Open data API'),
    )
