"""The transparency log: signed tree heads, leaves, inclusion and consistency proofs, the public key."""

from flask import request
from flask import url_for
from flask_babel import gettext as _

from consult.transparency import keys
from consult.transparency import queries as log
from consult.transparency.display import head_dict

from .. import bp
from ..api import RESOURCES
from ..api import Resource
from ..api import error_response
from ..api import json_response
from ..log_schemas import ConsistencyProofSchema
from ..log_schemas import InclusionProofSchema
from ..log_schemas import LeafSchema
from ..log_schemas import PublicKeySchema
from ..log_schemas import TreeHeadSchema
from ..paging import BadParameter
from ..paging import decode_cursor
from ..paging import encode_cursor
from ..paging import parse_limit

TAG = 'transparency'
MAX_SIZE = 2**53


def _int_param(name: str, description: str, required: bool = True, minimum: int = 0) -> dict:
    schema = {'type': 'integer', 'minimum': minimum, 'maximum': MAX_SIZE}
    return {'name': name, 'in': 'query', 'required': required, 'description': description, 'schema': schema}


def _number(name: str, minimum: int = 0, required: bool = True) -> int | None:
    text = request.args.get(name)
    if text is None or text == '':
        if required:
            raise BadParameter(name, _('"%(name)s" is required.', name=name))
        return None
    if not text.isdigit() or not minimum <= int(text) <= MAX_SIZE:
        raise BadParameter(name, _('"%(name)s" must be a whole number of at least %(min)s.', name=name, min=minimum))
    return int(text)


def _damaged(view):
    """A proof that needs a stored hash that is gone (a damaged log) is refused in JSON, never a 500."""

    def wrapped():
        try:
            return view()
        except log.Missing:
            return error_response(404, _('This proof cannot be made: part of the log is missing.'))

    wrapped.__name__ = view.__name__
    return wrapped


def _register(endpoint, rule, view, schema, summary, many=False, params=()):
    bp.add_url_rule(rule, endpoint, _damaged(view))
    RESOURCES.append(Resource(endpoint, rule, summary, TAG, schema, many=many, params=tuple(params)))


def _page(rows, dump, next_start, limit):
    next_url = None
    if next_start is not None:
        next_url = url_for(request.endpoint, cursor=encode_cursor(next_start), limit=limit)
    response = json_response({'data': [dump(row) for row in rows], 'next': next_url, 'limit': limit})
    if next_url:
        response.headers['Link'] = f'<{next_url}>; rel="next"'
    return response


def current_head():
    head = log.latest_head()
    if head is None:
        return error_response(404, _('The log has no signed head yet.'))
    return json_response(head_dict(head))


def heads():
    """Oldest first; the cursor is the last head number seen."""
    after, limit = decode_cursor(request.args.get('cursor')), parse_limit(request.args.get('limit'))
    rows = log.heads_after(after, limit + 1)
    next_start = rows[limit - 1].seq if len(rows) > limit else None
    return _page(rows[:limit], head_dict, next_start, limit)


def _leaf(row) -> dict:
    return {
        'index': row.idx,
        'kind': row.kind,
        'record_id': row.record_id,
        'topic_id': row.topic_id,
        'payload': row.payload,
        'leaf_hash': bytes(row.leaf_hash).hex(),
    }


def leaves():
    """The cursor is one more than the last index seen (leaves count from 0)."""
    start, limit = decode_cursor(request.args.get('cursor')), parse_limit(request.args.get('limit'))
    rows = log.leaves(start, limit + 1)
    next_start = rows[limit - 1].idx + 1 if len(rows) > limit else None
    return _page(rows[:limit], _leaf, next_start, limit)


def inclusion():
    size = _number('tree_size', minimum=1)
    index = _number('leaf_index', required=False)
    text = request.args.get('leaf_hash') or ''
    if index is None:
        try:
            value = bytes.fromhex(text) if len(text) == 64 else None
        except ValueError:
            value = None
        if value is None:
            raise BadParameter('leaf_hash', _('Give "leaf_index", or "leaf_hash" as 64 hexadecimal digits.'))
        leaf = log.leaf_by_hash(value)
        if leaf is None:
            return error_response(404, _('No leaf has this hash.'))
        index = leaf.idx
    if size > log.size() or index >= size:
        return error_response(404, _('The log has no such leaf at this size.'))
    leaf_hash = log.range_hashes([(index, index + 1)])[0]
    head = log.head_at(size)
    return json_response(
        {
            'leaf_index': index,
            'tree_size': size,
            'leaf_hash': leaf_hash.hex(),
            'audit_path': [h.hex() for h in log.inclusion_proof(index, size)],
            'head': head_dict(head) if head else None,
        }
    )


def consistency():
    first, second = _number('first', minimum=1), _number('second', minimum=1)
    if first > second:
        raise BadParameter('first', _('"first" must not be larger than "second".'))
    if second > log.size():
        return error_response(404, _('The log is not this large.'))
    first_head, second_head = log.head_at(first), log.head_at(second)
    return json_response(
        {
            'first': first,
            'second': second,
            'consistency_path': [h.hex() for h in log.consistency_proof(first, second)],
            'first_head': head_dict(first_head) if first_head else None,
            'second_head': head_dict(second_head) if second_head else None,
        }
    )


def public_key():
    return json_response(
        {
            'algorithm': 'Ed25519',
            'public_key_pem': keys.public_pem(),
            'key_id': keys.key_id(),
            'verifier_url': url_for('static', filename='verify/consult_verify.py'),
        }
    )


_register('log_head', '/log/head', current_head, TreeHeadSchema, 'The current signed tree head')
_register('log_heads', '/log/heads', heads, TreeHeadSchema, 'Every signed tree head, oldest first', many=True)
_register('log_leaves', '/log/leaves', leaves, LeafSchema, 'The leaves of the log, in order', many=True)
_register(
    'log_inclusion',
    '/log/proof/inclusion',
    inclusion,
    InclusionProofSchema,
    'The inclusion proof of a leaf (by index or hash) in the tree of a given size',
    params=(
        _int_param('tree_size', "The size of the tree (a signed head's)", minimum=1),
        _int_param('leaf_index', "The leaf's index (or give leaf_hash)", required=False),
        {
            'name': 'leaf_hash',
            'in': 'query',
            'required': False,
            'description': "The leaf's hash, hex (when no leaf_index is given)",
            'schema': {'type': 'string', 'pattern': '^[0-9a-f]{64}$'},
        },
    ),
)
_register(
    'log_consistency',
    '/log/proof/consistency',
    consistency,
    ConsistencyProofSchema,
    'The consistency proof between the trees of two sizes',
    params=(
        _int_param('first', "The older tree's size", minimum=1),
        _int_param('second', "The newer tree's size", minimum=1),
    ),
)
_register('log_public_key', '/log/public-key', public_key, PublicKeySchema, "The log's Ed25519 public key")
