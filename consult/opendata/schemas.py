"""The public fields of each resource: one schema each, the single definition the JSON, the CSV and the OpenAPI
document are made from. Nothing personal is in any of them: no name, phone, email, birth date, address or
id number; people appear by role (``actor_role``, ``signed_by_role``).

A schema dumps a model, or ``(model, extras)`` where ``extras`` holds what the page computed for it in one
statement for all rows (a meeting's attendance).
"""

from marshmallow import Schema
from marshmallow import fields
from marshmallow import pre_dump


class _Row:
    """A model seen with the page's extras in front of its attributes."""

    __slots__ = ('_extras', '_obj')

    def __init__(self, obj, extras: dict):
        self._obj = obj
        self._extras = extras

    def __getattr__(self, name):
        extras = object.__getattribute__(self, '_extras')
        if name in extras:
            return extras[name]
        return getattr(object.__getattribute__(self, '_obj'), name)


class PublicSchema(Schema):
    #: The columns of the CSV export (scalar fields only), in this order; ``None``: every scalar field.
    csv_columns: tuple[str, ...] | None = None

    @pre_dump
    def _with_extras(self, item, **kwargs):
        if isinstance(item, tuple):
            return _Row(*item)
        return item


class CentralCommunitySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CommunitySchema(PublicSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    central_community = fields.Nested(CentralCommunitySchema, required=True)


class RuleRowSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Raw(required=True, allow_none=True, metadata={'description': 'A number, a rule in words, or null'})
    source = fields.String(required=True, metadata={'description': 'The law or local rule the value comes from'})
    unit = fields.String(required=True)


class RuleSetSchema(PublicSchema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    effective_from = fields.Date(required=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    summary = fields.String(required=True)
    in_force = fields.Boolean(required=True)
    numbers = fields.List(fields.Nested(RuleRowSchema), required=True)
    thresholds = fields.List(fields.Nested(RuleRowSchema), required=True)
    csv_columns = ('id', 'community_id', 'version', 'effective_from', 'decided_at', 'in_force', 'summary')


class TopicSchema(PublicSchema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    community_code = fields.String(required=True, attribute='community.code')
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={'description': 'Markdown, as written'})
    status = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    source_channel = fields.String(required=True)
    consultation_form = fields.String(required=True, allow_none=True)
    area_kind = fields.String(required=True)
    cosign_count = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    announced_at = fields.DateTime(required=True, allow_none=True)
    publicity_ends_at = fields.DateTime(required=True, allow_none=True)
    updated_at = fields.DateTime(required=True)


class TimelineEventSchema(PublicSchema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    action = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    actor_role = fields.String(required=True, metadata={'description': 'The role the step was taken in'})
    reason = fields.String(required=True)
    rule_set_id = fields.Integer(required=True, allow_none=True)


class AttendanceSchema(Schema):
    roster = fields.Integer(required=True, metadata={'description': 'Voting members on the frozen roster'})
    present = fields.Integer(required=True, metadata={'description': 'Of them, signed in'})
    roster_households = fields.Integer(required=True)
    present_households = fields.Integer(required=True)
    quorum_required = fields.Integer(required=True, allow_none=True)
    quorum_met = fields.Boolean(required=True, allow_none=True)


class MeetingSchema(PublicSchema):
    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    form = fields.String(required=True)
    status = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    notice_sent_at = fields.DateTime(required=True, allow_none=True)
    opened_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True)
    attendance = fields.Nested(AttendanceSchema, required=True)
    csv_columns = (
        *('id', 'topic_id', 'community_id', 'title', 'kind', 'form', 'status', 'starts_at'),
        *('opened_at', 'closed_at', 'outcome', 'attendance.roster', 'attendance.present'),
        *('attendance.quorum_required', 'attendance.quorum_met'),
    )


class ConditionSchema(Schema):
    """One condition of the rule set evaluated on the count, e.g. yes 31 > 1/2 of attending 40 (required 21)."""

    about = fields.String(required=True, metadata={'description': '"quorum" or "approval"'})
    option = fields.String(required=True, allow_none=True, metadata={'description': 'The option approved, if any'})
    counted_what = fields.String(required=True, metadata={'description': 'yes, attending, votes_cast...'})
    by = fields.String(required=True, metadata={'description': 'head, household or weight'})
    op = fields.String(required=True, metadata={'description': '">" (more than) or ">=" (at least)'})
    share = fields.String(required=True, metadata={'description': 'The share of the base, e.g. 1/2'})
    base_what = fields.String(required=True, metadata={'description': 'attending, eligible, members... or one'})
    counted = fields.Integer(required=True)
    base = fields.Integer(required=True)
    required = fields.Integer(required=True, metadata={'description': 'The smallest count that meets it'})
    holds = fields.Boolean(required=True)
    text = fields.String(
        required=True, allow_none=True, metadata={'description': 'In words (on /votes/{vote_id}; null in lists)'}
    )


class VoteSchema(PublicSchema):
    """A closed vote and its count; a vote not closed is not in the API at all."""

    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    meeting_id = fields.Integer(required=True, allow_none=True)
    community_id = fields.Integer(required=True)
    title = fields.String(required=True)
    question = fields.String(required=True)
    kind = fields.String(required=True)
    secret = fields.Boolean(required=True)
    max_choices = fields.Integer(required=True)
    rule_kind = fields.String(required=True)
    opened_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True)
    electorate_size = fields.Integer(required=True)
    quorum_met = fields.Boolean(required=True, allow_none=True)
    adopted = fields.Boolean(required=True, allow_none=True)
    options = fields.List(fields.String(), required=True, attribute='option_labels')
    result = fields.Dict(required=True, metadata={'description': 'The tally, the decision and the bases'})
    conditions = fields.List(fields.Nested(ConditionSchema), required=True)
    csv_columns = (
        *('id', 'topic_id', 'meeting_id', 'community_id', 'title', 'kind', 'secret', 'rule_kind'),
        *('opened_at', 'closed_at', 'electorate_size', 'quorum_met', 'adopted'),
    )


class MinutesItemSchema(Schema):
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    started_at = fields.String(required=True, allow_none=True)
    ended_at = fields.String(required=True, allow_none=True)
    notes = fields.String(required=True)


class MinutesMotionSchema(Schema):
    title = fields.String(required=True)
    status = fields.String(required=True)


class MinutesSchema(PublicSchema):
    """Signed minutes: the sections read by all; speakers by role only, dissenting views without names."""

    id = fields.Integer(required=True)
    meeting_id = fields.Integer(required=True)
    signed_at = fields.DateTime(required=True)
    signed_by_role = fields.String(required=True)
    sha256 = fields.String(required=True, metadata={'description': 'SHA-256 of the signed document'})
    outcome = fields.String(required=True, allow_none=True)
    conclusion = fields.String(required=True, allow_none=True)
    attendance = fields.Dict(required=True)
    items = fields.List(fields.Nested(MinutesItemSchema), required=True)
    speaker_roles = fields.List(fields.String(), required=True)
    motions = fields.List(fields.Nested(MinutesMotionSchema), required=True)
    dissenting_views = fields.List(fields.String(), required=True)
    text = fields.String(required=True)
    csv_columns = ('id', 'meeting_id', 'signed_at', 'signed_by_role', 'sha256', 'outcome', 'conclusion', 'text')


class OpinionSchema(PublicSchema):
    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    round = fields.Integer(required=True)
    consensus = fields.Boolean(required=True, allow_none=True)
    text = fields.String(required=True, metadata={'description': 'Markdown, as written'})
    dissent = fields.List(fields.String(), required=True)
    meeting_id = fields.Integer(required=True, allow_none=True)
    recorded_at = fields.DateTime(required=True)
    locked_at = fields.DateTime(required=True, allow_none=True)
    vote_ids = fields.List(fields.Integer(), required=True)


class LegalityCheckSchema(PublicSchema):
    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    opinion_id = fields.Integer(required=True)
    result = fields.String(required=True)
    matter = fields.String(required=True, allow_none=True)
    law = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True)
    checked_at = fields.DateTime(required=True)


class ObjectionSchema(PublicSchema):
    """An objection to a published result and its answer: what the result page shows, never who objected."""

    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    filed_at = fields.DateTime(required=True)
    reasons = fields.String(required=True)
    answer_due_at = fields.DateTime(required=True)
    answer = fields.String(
        required=True, allow_none=True, metadata={'description': 'upheld or not_upheld; null while unanswered'}
    )
    answer_reasons = fields.String(required=True, allow_none=True)
    answered_at = fields.DateTime(required=True, allow_none=True)


class TaskSchema(PublicSchema):
    """A task carrying out an adopted result: who owns it (the committee, a grid or a department), when it is due,
    when it was done."""

    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    title = fields.String(required=True)
    owner = fields.String(required=True, metadata={'description': 'committee, grid or department'})
    due_at = fields.DateTime(required=True)
    report_due_at = fields.DateTime(required=True)
    done_at = fields.DateTime(required=True, allow_none=True)


class ImplementationResultSchema(PublicSchema):
    """The implementation result (the second disclosure): carried out, or why it cannot be."""

    id = fields.Integer(required=True)
    topic_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    at = fields.DateTime(required=True)
    rating_ends_at = fields.DateTime(required=True)


class ErrorBodySchema(Schema):
    code = fields.Integer(required=True)
    message = fields.String(required=True)
    parameter = fields.String()


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
