"""One published result, whole: :func:`consult.disclosure.public.public_record` as JSON.

The result page, this route and the record's export read the same structure, so nothing published here can show
more than the page does (domain.md rule 43).
"""

from marshmallow import Schema
from marshmallow import fields

from consult.disclosure.public import public_record

from ..api import register_item

TAG = 'results'


def _pairs(name: str, count: str) -> fields.List:
    return fields.List(
        fields.Tuple((fields.String(), fields.Integer())), metadata={'description': f'({name}, {count})'}
    )


class _TimelineEntry(Schema):
    at = fields.AwareDateTime(required=True)
    action = fields.String(required=True)
    role = fields.String(required=True, metadata={'description': 'The capacity the step was taken in'})


class _Publication(Schema):
    round = fields.Integer(required=True)
    note = fields.String(required=True)
    published_at = fields.AwareDateTime(required=True)
    adopted = fields.Boolean(required=True)
    publicity_ends_at = fields.AwareDateTime(required=True)
    objection_ends_at = fields.AwareDateTime(required=True)
    reply_days = fields.Integer(required=True)
    window_closed_at = fields.AwareDateTime(allow_none=True)
    superseded_at = fields.AwareDateTime(allow_none=True)


class _Quorum(Schema):
    present = fields.Integer(required=True)
    members = fields.Integer(required=True)
    required = fields.Integer(allow_none=True)
    met = fields.Boolean(required=True)


class _Speaker(Schema):
    name = fields.String(allow_none=True, metadata={'description': 'Only when the speaker consented to be named'})
    badge = fields.String(required=True)
    item = fields.String(required=True)


class _Minutes(Schema):
    signed_at = fields.String(required=True)
    sha256 = fields.String(required=True)
    items = fields.List(fields.Tuple((fields.String(), fields.String())))
    speakers = fields.List(fields.Nested(_Speaker))
    motions = fields.List(fields.Tuple((fields.String(), fields.String())))
    dissents = fields.List(fields.String())
    text = fields.String(required=True)
    corrections = fields.List(fields.Tuple((fields.AwareDateTime(), fields.String(), fields.String())))


class _Meeting(Schema):
    title = fields.String(required=True)
    kind = fields.String(required=True)
    form = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    opened_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    participants = _pairs('participant kind', 'on the roster')
    roster = fields.Integer(required=True)
    signed_in = fields.Integer(required=True)
    quorum = fields.Nested(_Quorum, allow_none=True)
    minutes = fields.Nested(_Minutes, allow_none=True)


class _Option(Schema):
    label = fields.String(required=True)
    votes = fields.Integer(required=True)
    adopted = fields.Boolean(required=True)
    conditions = fields.List(fields.String())


class _Vote(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    decides = fields.Boolean(required=True)
    closed_at = fields.AwareDateTime(required=True)
    electorate = fields.Integer(required=True)
    ballots = fields.Integer(required=True)
    quorum_met = fields.Boolean(required=True)
    adopted = fields.Boolean(required=True)
    summary = fields.String(required=True)
    quorum = fields.List(fields.String())
    motion = fields.List(fields.String())
    options = fields.List(fields.Nested(_Option))


class _Opinion(Schema):
    round = fields.Integer(required=True)
    consensus = fields.Boolean(allow_none=True)
    text_html = fields.String(required=True)
    dissent = fields.List(fields.String())
    legality = fields.String(allow_none=True)
    checked_at = fields.AwareDateTime(allow_none=True)
    corrections = fields.List(fields.Tuple((fields.AwareDateTime(), fields.String())))


class _Objection(Schema):
    id = fields.Integer(required=True)
    filed_at = fields.AwareDateTime(required=True)
    reasons = fields.String(required=True)
    answer_due_at = fields.AwareDateTime(required=True)
    answer = fields.String(allow_none=True)
    answer_reasons = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class _Irregularity(Schema):
    id = fields.Integer(required=True)
    flagged_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)
    answer = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class PublicRecordSchema(Schema):
    """Everything public about one result; people appear by capacity, never by contact or identity."""

    topic_id = fields.Integer(required=True)
    title = fields.String(required=True)
    body_html = fields.String(required=True)
    community = fields.String(required=True)
    status = fields.String(required=True)
    source_channel = fields.String(required=True)
    categories = fields.List(fields.String())
    form = fields.String(allow_none=True)
    form_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    announced_at = fields.AwareDateTime(allow_none=True)
    published = fields.Boolean(required=True)
    timeline = fields.List(fields.Nested(_TimelineEntry))
    publications = fields.List(fields.Nested(_Publication), metadata={'description': 'The current one first'})
    meetings = fields.List(fields.Nested(_Meeting))
    participants = _pairs('participant kind', 'people')
    commenters = fields.Integer(required=True)
    cosigners = fields.Integer(required=True)
    votes = fields.List(fields.Nested(_Vote))
    opinion = fields.Nested(_Opinion, allow_none=True)
    objections = fields.List(fields.Nested(_Objection))
    irregularities = fields.List(fields.Nested(_Irregularity))


register_item(
    'result',
    '/results/<int:topic_id>',
    public_record,
    PublicRecordSchema,
    'One published result, whole: the same record as its public page (404 until it is published)',
    TAG,
)
