"""The bundle of one consultation's public record as files: :func:`bundle_files` (the format is fixed: record.json,
parts/<part>.csv, transcript.html, minutes.html, attachments/<n>-<filename>).

Everything comes from the functions that decide what is public: the disclosure's ``public_record``, the use of
results' ``public_implementation``, and the sections contexts contribute (``result_sections``). Nothing else is
read, so no personal field the public pages leave out can appear. A destroyed item's content is withheld.
"""

import dataclasses
import json
from datetime import date
from datetime import datetime

from flask import render_template

from consult.db import db
from consult.disclosure.public import public_record
from consult.implementation.public import public_implementation
from consult.kernel.clock import utcnow
from consult.kernel.signals import contributions
from consult.kernel.signals import result_sections
from consult.topics.models import Topic

from . import parts
from .checklist import checklist

#: What a destroyed item withholds: record.json's keys, the parts, the HTML files.
WITHHELD = {
    'announcement': ({'announced_at', 'form_reason'}, set(), set()),
    'meeting_notice': (set(), set(), set()),
    'participants': ({'participants'}, {'attendance'}, set()),
    'online_log': ({'commenters'}, set(), set()),
    'objections': ({'objections', 'irregularities'}, {'objections', 'irregularities'}, set()),
    'implementation': ({'implementation'}, {'implementation_tasks', 'implementation_updates'}, set()),
    'feedback': ({'ratings'}, {'ratings'}, set()),
    'disclosure': ({'publications'}, {'publications'}, set()),
    'opinion': ({'opinion'}, set(), set()),
    'legality_check': (set(), set(), set()),
    'dispatch': (set(), set(), set()),
    'submission': ({'timeline'}, {'timeline'}, set()),
    'deputy_notes': ({'sections'}, set(), set()),
}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def to_json(value) -> bytes:
    return json.dumps(_plain(value), ensure_ascii=False, indent=2, sort_keys=True).encode()


def bundle_files(topic_id: int) -> dict[str, bytes]:
    """The non-log files of the topic's record bundle, by path; empty if the topic has no public record."""
    record = public_record(topic_id)
    if record is None:
        return {}
    topic = db.session.get(Topic, topic_id)
    implementation = public_implementation(topic, utcnow())
    sections = contributions(result_sections, topic_id)
    lines = checklist(topic)
    destroyed = lines.destroyed_keys
    withheld_keys, withheld_parts = set(), set()
    for key in destroyed:
        keys, part_names, _pages = WITHHELD.get(key, (set(), set(), set()))
        withheld_keys |= keys
        withheld_parts |= part_names
    data = dataclasses.asdict(record)
    data['implementation'] = dataclasses.asdict(implementation) if implementation is not None else None
    if data['implementation'] is not None:
        data['ratings'] = data['implementation'].pop('ratings')
    data['sections'] = [dataclasses.asdict(section) for section in sections]
    data['archive'] = parts.archive_summary(lines)
    for key in withheld_keys:
        data[key] = None
    data['withheld'] = sorted(destroyed)
    files = {'record.json': to_json(data)}
    for name, rows in parts.all_parts(record, implementation, sections, lines).items():
        if name not in withheld_parts:
            files[f'parts/{name}.csv'] = parts.to_csv(rows)
    minutes_gone = 'minutes' in destroyed
    files['transcript.html'] = _html('archive/export/transcript.html', record, minutes_gone)
    files['minutes.html'] = _html('archive/export/minutes.html', record, minutes_gone)
    files.update(parts.attachments(topic))
    return files


def _html(template: str, record, withheld: bool) -> bytes:
    return render_template(template, record=record, withheld=withheld, generated_at=utcnow()).encode()
