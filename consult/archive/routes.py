"""Pages of the archive: a topic's checklist with its forms, the destruction register, and the bundle's ZIP."""

import io
import logging
import zipfile

import sqlalchemy as sa
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.accounts.models import User
from consult.db import db
from consult.inputs import int_arg
from consult.inputs import parse_int
from consult.kernel.clock import today
from consult.kernel.clock import utcnow
from consult.topics.models import Topic
from consult.topics.routes.intake import load_topic
from consult.transparency.bundle import Unsealable
from consult.transparency.bundle import seal
from consult.web import attempt

from . import bp
from . import operations
from . import permissions as p
from .checklist import checklist
from .export import bundle_files
from .forms import AppraisalForm
from .forms import ArchiveForm
from .forms import DestroyForm
from .forms import WaiverForm
from .models import Appraisal
from .models import Destruction
from .retention import CLASS_LABELS
from .retention import source_of

REGISTER_PER_PAGE = 25


logger = logging.getLogger(__name__)


def _back(topic_id: int):
    return redirect(url_for('archive.topic', topic_id=topic_id))


def _appraisal_form(topic) -> AppraisalForm:
    form = AppraisalForm()
    candidates = operations.appraisers_of(topic.community_id)
    names = dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(candidates))).all())
    form.members.choices = [(str(uid), f'{names.get(uid) or uid} ({_role(role)})') for uid, role in candidates.items()]
    return form


def _role(role: str) -> str:
    from consult.roles.models import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))


@bp.route('/topic/<int:topic_id>')
def topic(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_view(current_user, topic):
        abort(404)
    lines = checklist(topic)
    appraisals = [line.appraisal for line in lines.lines if line.appraisal is not None and not line.destroyed]
    return render_template(
        'archive/topic.html',
        topic=topic,
        checklist=lines,
        may_waive=p.may_waive(current_user, topic),
        may_archive=p.may_archive(current_user, topic),
        waiver_form=WaiverForm(),
        archive_form=ArchiveForm(),
        appraisal_form=_appraisal_form(topic) if p.may_appraise(current_user, topic) else None,
        destroy_form=DestroyForm(),
        destroyable=[a for a in appraisals if p.may_destroy(current_user, a)],
        class_labels=CLASS_LABELS,
        source_of=source_of,
        today=today(),
        may_download=p.may_download(current_user, topic),
    )


@bp.route('/topic/<int:topic_id>/waive', methods=['POST'])
@login_required
def waive(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_waive(current_user, topic):
        abort(403)
    form = WaiverForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.waive, current_user, topic, form.item.data, form.reason.data)
        flash(str(refusal) if refusal else _('The waiver is recorded.'), 'error' if refusal else 'success')
    else:
        flash(_('Try again.'), 'error')
    return _back(topic.id)


@bp.route('/topic/<int:topic_id>/archive', methods=['POST'])
@login_required
def archive(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_archive(current_user, topic):
        abort(403)
    form = ArchiveForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.archive, current_user, topic)
        flash(str(refusal) if refusal else _('The record is archived.'), 'error' if refusal else 'success')
    else:
        flash(_('Try again.'), 'error')
    return _back(topic.id)


@bp.route('/topic/<int:topic_id>/appraise', methods=['POST'])
@login_required
def appraise(topic_id: int):
    topic = load_topic(topic_id)
    if not p.may_appraise(current_user, topic):
        abort(403)
    form = _appraisal_form(topic)
    if form.validate_on_submit():
        members = [n for n in (parse_int(value, 1) for value in form.members.data or []) if n is not None]
        _result, refusal = attempt(operations.appraise, current_user, topic, form.item.data, members, form.reason.data)
        flash(str(refusal) if refusal else _('The appraisal is recorded.'), 'error' if refusal else 'success')
    else:
        flash(' '.join(e for errors in form.errors.values() for e in errors) or _('Try again.'), 'error')
    return _back(topic.id)


@bp.route('/appraisal/<int:appraisal_id>/destroy', methods=['POST'])
@login_required
def destroy(appraisal_id: int):
    appraisal = db.session.get(Appraisal, appraisal_id)
    if appraisal is None:
        abort(404)
    load_topic(appraisal.topic_id)
    if not p.may_destroy(current_user, appraisal):
        abort(403)
    form = DestroyForm()
    if form.validate_on_submit():
        _result, refusal = attempt(operations.destroy, current_user, appraisal)
        flash(
            str(refusal) if refusal else _('The item is destroyed and entered in the register.'),
            'error' if refusal else 'success',
        )
    else:
        flash(_('Try again.'), 'error')
    return _back(appraisal.topic_id)


@bp.route('/register')
def register():
    """The destruction register (销毁清册): every entry, kept permanently; public (no names, capacities only)."""
    page = db.paginate(
        sa.select(Destruction).order_by(Destruction.at.desc(), Destruction.id.desc()),
        page=int_arg('page'),
        per_page=REGISTER_PER_PAGE,
        error_out=False,
    )
    topics = {
        t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.id.in_({d.topic_id for d in page.items})))
    }
    appraisals = {
        a.id: a
        for a in db.session.scalars(sa.select(Appraisal).where(Appraisal.id.in_({d.appraisal_id for d in page.items})))
    }
    return render_template('archive/register.html', page=page, topics=topics, appraisals=appraisals, role=_role)


@bp.route('/topic/<int:topic_id>/record.zip')
def download(topic_id: int):
    """The consultation's complete public record as one ZIP (streamed, built in memory)."""
    topic = load_topic(topic_id)
    if not p.may_download(current_user, topic):
        abort(404)
    files = bundle_files(topic.id)
    if not files:
        abort(404)  # no public record (a topic moved on without its publication)
    try:  # the leaves with their proofs, the signed head, the manifest and its signature (offline verifiable)
        files = seal(topic.id, files)
    except Unsealable:
        logger.error(
            'topic %s: its record bundle cannot be sealed (the log has no head, or a record is gone)', topic.id
        )
        abort(503)
    buffer = io.BytesIO()
    stamp = utcnow().timetuple()[:6]
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive_zip:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive_zip.writestr(entry, files[path])
    buffer.seek(0)
    response = send_file(
        buffer, mimetype='application/zip', as_attachment=True, download_name=f'consult-topic-{topic.id}.zip'
    )
    response.headers['Cache-Control'] = 'no-store'
    return response
