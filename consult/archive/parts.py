"""The bundle's parts as rows (one CSV each), the checklist's summary and the topic's public attachments."""

import csv
import io

import sqlalchemy as sa

from consult.db import db
from consult.topics.attachments.models import TopicAttachment
from consult.topics.attachments.storage import path_for


def to_csv(rows: list[dict]) -> bytes:
    """Rows as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese); the header from the first row."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction='ignore')
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    return ('\ufeff' + buffer.getvalue()).encode()


def _cell(value):
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return '；'.join(str(v) for v in value)
    return '' if value is None else value


def all_parts(record, implementation, sections, lines) -> dict[str, list[dict]]:
    """Every part of the record, by name (the names are the CSV files' names)."""
    found = {
        'timeline': [{'at': e.at, 'action': e.action, 'role': e.role} for e in record.timeline],
        'publications': [
            {
                'round': p.round,
                'published_at': p.published_at,
                'adopted': p.adopted,
                'publicity_ends_at': p.publicity_ends_at,
                'objection_ends_at': p.objection_ends_at,
                'window_closed_at': p.window_closed_at,
                'superseded_at': p.superseded_at,
                'note': p.note,
            }
            for p in record.publications
        ],
        'meetings': [
            {
                'title': m.title,
                'kind': m.kind,
                'form': m.form,
                'starts_at': m.starts_at,
                'opened_at': m.opened_at,
                'closed_at': m.closed_at,
                'outcome': m.outcome,
                'roster': m.roster,
                'signed_in': m.signed_in,
                'quorum_met': m.quorum.met if m.quorum else None,
                'minutes_sha256': m.minutes.sha256 if m.minutes else None,
            }
            for m in record.meetings
        ],
        'attendance': [
            {'meeting': m.title, 'participant_kind': kind, 'people': count}
            for m in record.meetings
            for kind, count in m.participants
        ],
        'votes': [
            {
                'title': v.title,
                'kind': v.kind,
                'decides': v.decides,
                'closed_at': v.closed_at,
                'electorate': v.electorate,
                'ballots': v.ballots,
                'quorum_met': v.quorum_met,
                'adopted': v.adopted,
                'summary': v.summary,
                'quorum': v.quorum,
                'motion': v.motion,
            }
            for v in record.votes
        ],
        'vote_options': [
            {'vote': v.title, 'option': o.label, 'votes': o.votes, 'adopted': o.adopted}
            for v in record.votes
            for o in v.options
        ],
        'objections': [
            {
                'filed_at': o.filed_at,
                'reasons': o.reasons,
                'answer_due_at': o.answer_due_at,
                'answer': o.answer,
                'answer_reasons': o.answer_reasons,
                'answered_at': o.answered_at,
            }
            for o in record.objections
        ],
        'irregularities': [
            {'flagged_at': i.flagged_at, 'reason': i.reason, 'answer': i.answer, 'answered_at': i.answered_at}
            for i in record.irregularities
        ],
        'checklist': [
            {
                'item': line.key,
                'label': str(line.item.label),
                'present': line.item.present,
                'required': line.required,
                'waived': line.waiver is not None,
                'waiver_reason': line.waiver.reason if line.waiver else '',
                'retention_years': line.years or 'permanent',
                'destroyed': line.destroyed,
            }
            for line in lines.lines
        ],
    }
    found.update(_implementation(implementation))
    for section in sections:
        found[section.key] = [dict(row) for row in section.rows]
    return found


def _implementation(implementation) -> dict[str, list[dict]]:
    if implementation is None:
        return {'implementation_tasks': [], 'implementation_updates': [], 'ratings': []}
    ratings = implementation.ratings
    return {
        'implementation_tasks': [
            {
                'title': t.title,
                'owner': t.owner,
                'owner_name': t.owner_name,
                'due_at': t.due_at,
                'done_at': t.done_at,
                'past_deadline': t.past_deadline,
            }
            for t in implementation.tasks
        ],
        'implementation_updates': [
            {'task': t.title, 'at': u.at, 'by': u.by, 'body': u.body} for t in implementation.tasks for u in t.updates
        ],
        'ratings': [
            {'score': score, 'residents': count} for score, count in sorted((ratings.distribution or {}).items())
        ]
        if ratings is not None
        else [],
    }


def archive_summary(lines) -> dict:
    """The checklist in record.json: each item, whether it is present, waived (with the reason), its retention."""
    file = lines.file
    return {
        'archived_at': file.archived_at if file else None,
        'from_status': file.from_status if file else None,
        'items': [
            {
                'key': line.key,
                'present': line.item.present,
                'required': line.required,
                'waiver': line.waiver.reason if line.waiver else None,
                'retention_years': line.years,
                'term_ends_on': line.term_ends_on,
                'destroyed': line.destroyed,
            }
            for line in lines.lines
        ],
    }


def attachments(topic) -> dict[str, bytes]:
    """The topic's attachments, byte for byte, as ``attachments/<n>-<filename>`` (a public topic's are public)."""
    files = {}
    rows = db.session.scalars(
        sa.select(TopicAttachment).where(TopicAttachment.topic_id == topic.id).order_by(TopicAttachment.id)
    )
    for n, row in enumerate(rows, 1):
        path = path_for(row.sha256)
        if path.exists():
            files[f'attachments/{n}-{row.filename}'] = path.read_bytes()
    return files
