"""Signed minutes, their public parts: the sections as signed, speakers by role, dissenting views without names.

The signed document (``consult.meetings.snapshot``) names the chair, the secretary and each speaker; none of
that is read here. ``sha256`` lets anyone holding the full document check it.
"""

import json

from consult.meetings.minutes_models import SignedMinutes

from .. import queries
from ..api import ListView
from ..api import register_list
from ..filters import Filter
from ..schemas import MinutesSchema

TAG = 'minutes'
_ATTENDANCE = ('roster', 'signed_in', 'present', 'members', 'required', 'met')


def public_parts(document: dict) -> dict:
    meeting = document.get('meeting') or {}
    attendance = document.get('attendance') or {}
    return {
        'outcome': meeting.get('outcome'),
        'conclusion': meeting.get('conclusion'),
        'attendance': {key: attendance.get(key) for key in _ATTENDANCE},
        'items': [
            {
                'position': item.get('position'),
                'title': item.get('title') or '',
                'started_at': item.get('started_at'),
                'ended_at': item.get('ended_at'),
                'notes': item.get('notes') or '',
            }
            for item in document.get('items') or []
        ],
        'speaker_roles': [speaker.get('badge') or '' for speaker in document.get('speakers') or []],
        'motions': [
            {'title': m.get('title') or '', 'status': m.get('status') or ''} for m in document.get('motions') or []
        ],
        'dissenting_views': [d.get('view') or '' for d in document.get('dissents') or []],
        'text': document.get('text') or '',
        'signed_by_role': 'chair',
    }


def _extras(rows) -> dict:
    return {row.id: public_parts(json.loads(row.document)) for row in rows}


register_list(
    'minutes',
    '/minutes',
    ListView(queries.minutes, SignedMinutes.id, extras=_extras),
    MinutesSchema,
    'Minutes signed off by the chair, the public parts (people by role)',
    TAG,
    filters=(Filter('community', "Only this community's minutes"), Filter('topic', "Only this topic's minutes")),
)
