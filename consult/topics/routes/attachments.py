"""Attachment downloads and removal; files are attached through the topic form (``intake``)."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.db import db
from consult.forms import ActionForm
from consult.topics import bp
from consult.topics import permissions as p
from consult.topics.attachments import operations
from consult.topics.attachments import storage
from consult.topics.attachments.filetypes import human_size
from consult.topics.attachments.models import TopicAttachment
from consult.topics.routes.intake import load_topic
from consult.web import attempt

#: Views whose form carries files: their requests may be as large as the attachments allow.
UPLOAD_ENDPOINTS = frozenset({'topics.new', 'topics.edit'})
#: Downloads run nothing and may not be framed; images and PDF are shown, the rest only downloaded.
_DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    """Raise the request size limit for the topic form only.

    URL value preprocessors run before every ``before_request`` hook, CSRFProtect's included, which reads
    the form and so applies the limit; other routes keep ``MAX_CONTENT_LENGTH``.
    """
    if endpoint in UPLOAD_ENDPOINTS and request.method == 'POST':
        config = current_app.config
        request.max_content_length = config['ATTACHMENT_MAX_TOTAL_BYTES'] + config['ATTACHMENT_FORM_OVERHEAD']


@bp.app_template_filter('filesize')
def _filesize(size: int) -> str:
    return human_size(size)


def load_attachment(topic_id: int, attachment_id: int) -> TopicAttachment:
    """The attachment, if its topic is one the user may see (``can_view_topic``, as the topic page)."""
    topic = load_topic(topic_id)
    attachment = db.session.get(TopicAttachment, attachment_id)
    if attachment is None or attachment.topic_id != topic.id:
        abort(404)
    return attachment


@bp.route('/<int:topic_id>/attachments/<int:attachment_id>')
def attachment(topic_id: int, attachment_id: int):
    row = load_attachment(topic_id, attachment_id)
    path = storage.path_for(row.sha256)
    if not path.is_file():
        current_app.logger.error('attachment %s: file %s is missing', row.id, row.sha256)
        abort(404)
    kind = row.kind
    response = send_file(
        path,
        mimetype=row.content_type,
        as_attachment=not (kind is not None and kind.inline),
        download_name=row.filename,
        conditional=True,
        etag=row.sha256,
        max_age=0,
    )
    response.headers['Content-Type'] = row.content_type  # as stored: send_file would add a second charset
    response.headers['X-Content-Type-Options'] = 'nosniff'
    # Private topics' files must not sit in shared caches; every request is checked again.
    response.headers['Cache-Control'] = 'private, no-cache'
    response.vary.add('Cookie')
    if kind is None or kind.code != 'pdf':
        # Browsers' PDF viewers do not run in a sandboxed document; PDFs keep the site's own CSP.
        response.headers['Content-Security-Policy'] = _DOWNLOAD_CSP
    return response


@bp.route('/<int:topic_id>/attachments/<int:attachment_id>/remove', methods=['POST'])
@login_required
def remove_attachment(topic_id: int, attachment_id: int):
    row = load_attachment(topic_id, attachment_id)
    if not p.can_attach(current_user, row.topic):
        abort(403)
    if ActionForm().validate_on_submit():
        name = row.filename
        _result, refusal = attempt(operations.remove_attachment, current_user, row)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Attachment removed: %(name)s', name=name), 'success')
    return redirect(url_for('topics.edit', topic_id=topic_id))
