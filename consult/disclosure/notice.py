"""The printable notice of a published result (结果公示) for the noticeboard: a page and the same as a PDF.

No login, like the result page; built from :func:`~.public.public_record` alone, so it shows nothing that page
does not. Its QR code leads to the result page, where residents read the whole record and object online.
"""

from flask import abort
from flask import url_for

from consult.kernel.clock import utcnow

from . import bp
from .printing import pdf_response
from .printing import render_notice
from .public import public_record
from .routes import labels


def _notice(topic_id: int) -> str:
    record = public_record(topic_id)
    if record is None or record.publication is None:
        abort(404)
    return render_notice(
        'disclosure/notice.html',
        url_for('disclosure.result', topic_id=topic_id, _external=True),
        record=record,
        community=record.community,
        title=record.title,
        publication=record.publication,
        labels=labels(),
        now=utcnow(),
    )


@bp.route('/results/<int:topic_id>/notice')
def notice(topic_id: int):
    """The notice as an A4 page: printed from the browser, or read on a screen."""
    return _notice(topic_id)


@bp.route('/results/<int:topic_id>/notice.pdf')
def notice_pdf(topic_id: int):
    """The same notice as a one-page A4 PDF made by the server."""
    return pdf_response(_notice(topic_id), f'notice-{topic_id}.pdf')
