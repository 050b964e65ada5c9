"""The minutes as one document: every section, the computed ones included; its canonical JSON and hash.

The same builder draws the draft the secretary and the chair read and the version the chair's signature
freezes, so what is signed is what was read. The document (``FORMAT``), times in ISO 8601 UTC::

    {"format": "consult.minutes/1",
     "meeting": {"id", "title", "kind", "form", "place", "starts_at", "opened_at", "closed_at", "outcome",
                 "conclusion", "community": {"id", "name"}, "topic": {"id", "title"},
                 "chair": {"id", "name"}, "secretary": {"id", "name"}},
     "attendance": {"roster", "signed_in", "present", "members", "required", "met",
                    "rule": <the rule set's quorum rule for the meeting type, as stored> | null,
                    "rule_set": {"id", "version"} | null},
     "items": [{"id", "position", "title", "time_box", "started_at", "ended_at", "notes"}],
     "speakers": [{"user_id", "name", "badge", "item_id", "floor_at", "ended_at"}],
     "motions": [{"title", "agenda_item_id", "status", "result", "url"}],
     "dissents": [{"view", "held_by"}],
     "text": <the free text>,
     "revision": <minutes_rev>,
     "signed": {"by": {"id", "name"}, "at"}}          (the signed version only)

Codes (kind, form, outcome, badge, status) stay codes, so the archived document reads in any language.
"""

import dataclasses
import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from consult.accounts.models import User
from consult.db import db
from consult.kernel.signals import contributions
from consult.kernel.signals import meeting_motions

from .minutes_models import MinutesCorrection
from .minutes_models import SignedMinutes
from .models import Attendance
from .models import SpeakerTurn
from .queries import badges_for
from .queries import roster_size
from .queries import rules_for
from .quorum import quorum_status

FORMAT = 'consult.minutes/1'


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _person(user) -> dict | None:
    return {'id': user.id, 'name': user.display_name} if user is not None else None


def _meeting(meeting) -> dict:
    return {
        'id': meeting.id,
        'title': meeting.title,
        'kind': meeting.kind,
        'form': meeting.form,
        'place': meeting.place,
        'starts_at': _time(meeting.starts_at),
        'opened_at': _time(meeting.opened_at),
        'closed_at': _time(meeting.closed_at),
        'outcome': meeting.outcome,
        'conclusion': meeting.conclusion,
        'community': {'id': meeting.community.id, 'name': meeting.community.name},
        'topic': {'id': meeting.topic.id, 'title': meeting.topic.title},
        'chair': _person(meeting.chair),
        'secretary': _person(meeting.secretary),
    }


def attendance(meeting) -> dict:
    """The sign-in sheet's counts and the quorum against the frozen roster, with the rule applied."""
    rules = rules_for(meeting)
    status = quorum_status(meeting, rules)
    rule = None
    if rules is not None:
        rule = rules.params.get('meetings', {}).get(meeting.kind, {}).get('quorum')
    signed_in = db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(Attendance.meeting_id == meeting.id))
    return {
        'roster': roster_size(meeting),
        'signed_in': signed_in,
        **status.as_dict(),
        'rule': rule,
        'rule_set': {'id': rules.id, 'version': rules.version} if rules is not None else None,
    }


def _item_at(items, moment: datetime) -> int | None:
    """The item under way at ``moment``, for turns given the floor before turns kept their item."""
    for item in items:
        if (
            item.started_at is not None
            and item.started_at <= moment
            and (item.ended_at is None or moment < item.ended_at)
        ):
            return item.id
    return None


def speakers(meeting) -> list[dict]:
    """Who had the floor, when, and under which agenda item, in order (two statements, however many)."""
    rows = db.session.execute(
        sa.select(
            SpeakerTurn.user_id,
            User.display_name,
            SpeakerTurn.agenda_item_id,
            SpeakerTurn.floor_at,
            SpeakerTurn.ended_at,
        )
        .join(User, User.id == SpeakerTurn.user_id)
        .where(SpeakerTurn.meeting_id == meeting.id, SpeakerTurn.floor_at.is_not(None))
        .order_by(SpeakerTurn.floor_at, SpeakerTurn.id)
    ).all()
    badges = badges_for(meeting, {row.user_id for row in rows})
    return [
        {
            'user_id': row.user_id,
            'name': row.display_name,
            'badge': badges[row.user_id],
            'item_id': row.agenda_item_id if row.agenda_item_id is not None else _item_at(meeting.items, row.floor_at),
            'floor_at': _time(row.floor_at),
            'ended_at': _time(row.ended_at),
        }
        for row in rows
    ]


def motions(meeting) -> list[dict]:
    """The motions put to a vote, from whoever answers :data:`~consult.kernel.signals.meeting_motions`."""
    lines = []
    for value in contributions(meeting_motions, meeting):
        lines.extend(value if isinstance(value, list | tuple) else [value])
    return [dataclasses.asdict(line) for line in lines]


def sections(meeting) -> dict:
    """Every section of the minutes as they stand now (the draft, or what a signature freezes)."""
    return {
        'format': FORMAT,
        'meeting': _meeting(meeting),
        'attendance': attendance(meeting),
        'items': [
            {
                'id': item.id,
                'position': item.position,
                'title': item.title,
                'time_box': item.minutes,
                'started_at': _time(item.started_at),
                'ended_at': _time(item.ended_at),
                'notes': item.notes,
            }
            for item in meeting.items
        ],
        'speakers': speakers(meeting),
        'motions': motions(meeting),
        'dissents': [{'view': d['view'], 'held_by': d.get('held_by', '')} for d in meeting.dissents or []],
        'text': meeting.minutes,
        'revision': meeting.minutes_rev,
    }


def signed_document(meeting, signer, at: datetime) -> dict:
    """The document a signature freezes: every section, with who signed and when."""
    return {**sections(meeting), 'signed': {'by': _person(signer), 'at': _time(at)}}


def canonical(document: dict) -> str:
    """The one text of ``document`` that is hashed: sorted keys, no spaces, characters as they are (UTF-8)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(',', ':'), allow_nan=False)


def digest(text: str) -> str:
    """The SHA-256 of ``text`` in UTF-8, as 64 hexadecimal digits."""
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def verify(signed) -> bool:
    """Whether signed minutes are intact: the stored text is canonical and its SHA-256 is the stored one."""
    try:
        canonical_again = canonical(json.loads(signed.document))
    except ValueError:
        return False
    return canonical_again == signed.document and digest(signed.document) == signed.sha256


def read(signed) -> dict:
    """The signed document, parsed."""
    return json.loads(signed.document)


def signed_of(meeting) -> SignedMinutes | None:
    """The signed minutes of ``meeting``, if the chair signed them off."""
    return db.session.scalar(sa.select(SignedMinutes).where(SignedMinutes.meeting_id == meeting.id))


def corrections_of(meeting) -> list[MinutesCorrection]:
    """The corrections appended to the signed minutes, in the order they were made."""
    return list(
        db.session.scalars(
            sa.select(MinutesCorrection)
            .where(MinutesCorrection.meeting_id == meeting.id)
            .order_by(MinutesCorrection.at, MinutesCorrection.id)
            .options(so.joinedload(MinutesCorrection.author))
        )
    )
