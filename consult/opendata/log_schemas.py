"""The transparency log's public fields: signed heads, leaves, proofs and the public key (hex for bytes)."""

from marshmallow import Schema
from marshmallow import fields


class TreeHeadSchema(Schema):
    tree_size = fields.Integer(required=True, metadata={'description': 'Leaves the head covers'})
    root_hash = fields.String(required=True, metadata={'description': 'RFC 9162 root hash, hex'})
    timestamp = fields.Integer(required=True, metadata={'description': 'Milliseconds since the epoch, UTC'})
    key_id = fields.String(required=True, metadata={'description': 'SHA-256 of the raw Ed25519 public key, hex'})
    signature = fields.String(required=True, metadata={'description': 'Ed25519 signature, hex'})
    seq = fields.Integer(required=True, metadata={'description': 'The head number, from 1, without gaps'})


class LeafSchema(Schema):
    index = fields.Integer(required=True)
    kind = fields.String(required=True)
    record_id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True, allow_none=True)
    payload = fields.String(required=True, metadata={'description': 'The leaf: RFC 8785 canonical JSON'})
    leaf_hash = fields.String(required=True, metadata={'description': 'SHA-256(0x00 || payload), hex'})


class InclusionProofSchema(Schema):
    leaf_index = fields.Integer(required=True)
    tree_size = fields.Integer(required=True)
    leaf_hash = fields.String(required=True)
    audit_path = fields.List(fields.String(), required=True, metadata={'description': 'RFC 9162 2.1.3, hex'})
    head = fields.Nested(TreeHeadSchema, required=True, allow_none=True)


class ConsistencyProofSchema(Schema):
    first = fields.Integer(required=True)
    second = fields.Integer(required=True)
    consistency_path = fields.List(fields.String(), required=True, metadata={'description': 'RFC 9162 2.1.4, hex'})
    first_head = fields.Nested(TreeHeadSchema, required=True, allow_none=True)
    second_head = fields.Nested(TreeHeadSchema, required=True, allow_none=True)


class PublicKeySchema(Schema):
    algorithm = fields.String(required=True)
    public_key_pem = fields.String(required=True)
    key_id = fields.String(required=True)
    verifier_url = fields.String(required=True, metadata={'description': 'The offline verifier (one Python file)'})
