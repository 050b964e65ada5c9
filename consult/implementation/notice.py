"""The printable notice of the implementation result (the second disclosure, 两公开 rule 30) for the noticeboard.

No login, like the public page of the result's use. Built from the two public-record functions
(:func:`consult.disclosure.public.public_record` and :func:`.public.public_implementation`; a public topic's
title and community name when no publication precedes it); shown once the director has signed the
implementation off (a ``Feedback`` is published), else 404. Its QR code leads to the
public page of the result's use, where residents rate it.
"""

from flask import abort
from flask import url_for

from consult.db import db
from consult.disclosure.printing import pdf_response
from consult.disclosure.printing import render_notice
from consult.disclosure.public import public_record
from consult.disclosure.routes import labels
from consult.kernel.clock import utcnow
from consult.topics.models import Topic

from . import bp
from .public import public_implementation


def _notice(topic_id: int) -> str:
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    now = utcnow()
    implementation = public_implementation(topic, now)  # None for a private topic
    if implementation is None or implementation.feedback is None:
        abort(404)
    record = public_record(topic_id)  # the consultation result, when it was published
    return render_notice(
        'implementation/notice.html',
        url_for('implementation.public', topic_id=topic_id, _external=True),
        record=record,
        community=record.community if record else topic.community.name,
        title=record.title if record else topic.title,
        implementation=implementation,
        feedback=implementation.feedback,
        labels=labels(),
        now=now,
    )


@bp.route('/topic/<int:topic_id>/notice')
def notice(topic_id: int):
    """The implementation result's notice as an A4 page."""
    return _notice(topic_id)


@bp.route('/topic/<int:topic_id>/notice.pdf')
def notice_pdf(topic_id: int):
    """The same notice as a one-page A4 PDF made by the server."""
    return pdf_response(_notice(topic_id), f'implementation-notice-{topic_id}.pdf')
