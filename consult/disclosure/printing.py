"""The printed notices (公示) for the community's noticeboard: one template, shown as an A4 page and made a PDF.

The page is a standalone document (no site header, no script) styled by ``static/css/notice.css`` for the screen
and for paper. The PDF is the same HTML rendered by WeasyPrint with the same stylesheet: Pango lays the Chinese
text out with the system's Noto CJK fonts (fontconfig) and embeds them subset, so the text stays selectable. The
renderer fetches nothing: only ``data:`` URLs (the QR code) are allowed, never the network or the disk.
"""

import logging
from pathlib import Path

import segno
from flask import Response
from flask import render_template
from flask import request
from flask_babel import gettext as _

logger = logging.getLogger(__name__)

#: The notice's stylesheet, read from the source tree (the PDF never asks the web server for it).
STYLESHEET = Path(__file__).resolve().parent.parent.parent / 'static' / 'css' / 'notice.css'


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as a PNG ``data:`` URL: crisp on paper (whole modules, a quiet zone of four)."""
    return segno.make(url, error='m', micro=False).png_data_uri(scale=8, border=4)


def render_notice(template: str, url: str, **context) -> str:
    """The notice's HTML; ``url`` (absolute) is what the QR code and the printed address lead to."""
    return render_template(template, notice_url=url, qr=qr_data_uri(url), **context)


def pdf_response(html: str, filename: str) -> Response:
    """``html`` as an A4 PDF, shown inline (the browser's viewer prints it).

    Without the system's Pango (WeasyPrint loads it when first imported; ``make run`` installs it where it can),
    the answer is a 503 saying so: the notice page itself prints as well.
    """
    try:
        from weasyprint import CSS
        from weasyprint import HTML
        from weasyprint import URLFetcher
    except (OSError, ImportError):
        logger.warning('no PDF: WeasyPrint could not load the system libraries it needs', exc_info=True)
        message = _('The PDF cannot be made on this server now; print the notice page instead.')
        return Response(message, status=503, mimetype='text/plain')

    fetcher = URLFetcher(allowed_protocols={'data'}, fail_on_errors=False)
    document = HTML(string=html, base_url=request.url_root, url_fetcher=fetcher)
    stylesheet = CSS(string=STYLESHEET.read_text(encoding='utf-8'), url_fetcher=fetcher)
    data = document.write_pdf(stylesheets=[stylesheet])
    response = Response(data, mimetype='application/pdf')
    response.headers['Content-Disposition'] = f'inline; filename="{filename}"'
    response.headers['Cache-Control'] = 'no-cache'  # the notice changes when an objection is upheld
    return response
