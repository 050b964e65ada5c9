"""The meeting's record: its front page, each of its lists in pages with a search, and the whole record as one
streamed document (to print or download). Every page reads a fixed number of statements (``record_lists``)."""

from datetime import datetime
from types import SimpleNamespace

from flask import Response
from flask import render_template
from flask import request
from flask import stream_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.meetings import bp
from consult.meetings import record_lists as lists
from consult.meetings.routes.common import CITY_TZ
from consult.meetings.routes.common import load_meeting

#: Rows of each list on the record's front page (each links to its own pages).
FRONT_ROWS = 20
PARTS = ('sheet', 'transcript', 'timeline', 'speakers')


def _moderator(meeting) -> bool:
    return may(current_user, 'meeting.moderate', meeting) or may(current_user, 'meeting.manage', meeting)


def _since(text: str) -> tuple[datetime | None, str]:
    """The timeline's "from" (a local date and time), and what is wrong with it if it is not one."""
    if not text:
        return None, ''
    try:
        local = datetime.strptime(text[:16], '%Y-%m-%dT%H:%M')
    except ValueError:
        return None, _('Enter a date and time, such as 2026-05-01T19:30.')
    return local.replace(tzinfo=CITY_TZ), ''


@bp.route('/<int:meeting_id>/record')
@login_required
def record(meeting_id: int):
    meeting = load_meeting(meeting_id, 'meeting.room')
    return render_template(
        'meetings/record.html',
        meeting=meeting,
        total=lists.sheet_total(meeting),
        sheet=lists.sheet(meeting, limit=FRONT_ROWS),
        transcript=lists.transcript(meeting, limit=FRONT_ROWS),
        timeline=lists.timeline(meeting, limit=FRONT_ROWS),
        speakers=lists.speakers(meeting, limit=FRONT_ROWS),
        sections=lists.sections(meeting),
        moderator=_moderator(meeting),
    )


@bp.route('/<int:meeting_id>/record/<any(sheet, transcript, timeline, speakers):part>')
@login_required
def record_list(meeting_id: int, part: str):
    meeting = load_meeting(meeting_id, 'meeting.room')
    after, before = int_arg('after', None), int_arg('before', None)
    query = (request.args.get('q') or '')[: lists.SEARCH_MAX]
    since_text = (request.args.get('from') or '')[:32]
    problem = ''
    if part == 'timeline':
        since, problem = _since(since_text)
        page = lists.timeline(meeting, since, after=after, before=before)
    else:
        page = getattr(lists, part)(meeting, query, after=after, before=before)
    return render_template(
        'meetings/record_list.html',
        meeting=meeting,
        part=part,
        page=page,
        q=query,
        since=since_text if not problem else '',
        problem=problem,
        total=lists.sheet_total(meeting) if part == 'sheet' else None,
        moderator=_moderator(meeting),
    )


@bp.route('/<int:meeting_id>/record/full')
@login_required
def record_full(meeting_id: int):
    """The whole record in one document, streamed: each list is read a chunk at a time as it is written out."""
    meeting = load_meeting(meeting_id, 'meeting.room')
    # The stream is written after this view returns, when its session is gone: plain values only.
    doc = SimpleNamespace(
        id=meeting.id, title=meeting.title, community=meeting.community.name, minutes=meeting.minutes or ''
    )
    body = stream_template(
        'meetings/record_full.html',
        doc=doc,
        total=lists.sheet_total(meeting),
        sheet=lists.every(lists.sheet, doc),
        transcript=lists.every(lists.transcript, doc),
        timeline=lists.every(lists.timeline, doc),
        speakers=lists.every(lists.speakers, doc),
        sections=lists.sections(meeting),
        moderator=_moderator(meeting),
    )
    response = Response(body, mimetype='text/html')
    if request.args.get('download'):
        response.headers['Content-Disposition'] = f'attachment; filename=meeting-{meeting.id}-record.html'
    return response
