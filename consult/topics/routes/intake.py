"""New topic, my topics, edit, topic page with its timeline, co-signing, notifications."""

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from consult.accounts.forms import normalise_identifier
from consult.accounts.operations import find_by_identifier
from consult.communities.models import Building
from consult.communities.models import Community
from consult.communities.models import Grid
from consult.db import db
from consult.forms import ActionForm
from consult.inputs import int_arg
from consult.kernel.actions import may
from consult.kernel.signals import contributions
from consult.kernel.signals import topic_page
from consult.rules.defaults import EXCLUSIONS
from consult.rules.defaults import NATIONAL_CATEGORIES
from consult.topics import bp
from consult.topics import operations
from consult.topics import permissions as p
from consult.topics import queries
from consult.topics import states
from consult.topics.attachments.operations import attach_files
from consult.topics.attachments.operations import read_uploads
from consult.topics.forms import TopicForm
from consult.topics.models import CHANNEL_LABELS
from consult.topics.models import FORM_LABELS
from consult.topics.models import Topic
from consult.topics.models import TopicStatus
from consult.web import already_submitted
from consult.web import attempt
from consult.web import attempt_once


def load_topic(topic_id: int) -> Topic:
    """The topic, if the user may see it: anonymous visitors are sent to log in, others get 404."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or not p.can_view_topic(current_user, topic):
        if topic is not None and not current_user.is_authenticated:
            from consult.extensions import login_manager

            abort(login_manager.unauthorized())
        abort(404)
    return topic


def threshold_needed(outcome) -> int | None:
    from consult.topics.guards import still_needed

    return None if outcome is None else still_needed(outcome)


def role_label(code: str) -> str:
    from consult.roles.models import ROLE_LABELS

    extra = {'system': _('System'), 'submitter': _('Submitter')}
    return str(extra.get(code) or ROLE_LABELS.get(code, code))


def category_label(code: str) -> str:
    return str(NATIONAL_CATEGORIES.get(code, code))


def _prepare(form: TopicForm, community_ids: set[int], community: Community | None) -> None:
    communities = db.session.scalars(
        sa.select(Community).where(Community.id.in_(community_ids)).order_by(Community.name)
    ).all()
    form.community_id.choices = [(c.id, c.name) for c in communities]
    community = community or (communities[0] if communities else None)
    channels = p.submission_channels(current_user, community) if community else []
    form.channel.choices = [(str(c), str(CHANNEL_LABELS[c])) for c in channels]
    from consult.kernel.clock import today
    from consult.rules.queries import rules_in_force

    rules = rules_in_force(community, today()) if community else None
    form.categories.choices = [(c, category_label(c)) for c in (rules.categories if rules else [])]
    grids = community.grids if community else []
    form.grid_ids.choices = [(grid.id, grid.name) for grid in grids]
    buildings = db.session.scalars(
        sa.select(Building).join(Building.grid).where(Grid.community_id == (community.id if community else 0))
    ).all()
    form.building_ids.choices = [(b.id, f'{b.grid.name} · {b.name}') for b in buildings]


@bp.route('/new', methods=['GET', 'POST'])
@login_required
def new():
    community_ids = p.submittable_community_ids(current_user)
    if not community_ids:
        abort(403)
    form = TopicForm()
    chosen = int_arg('community_id', None, source=request.values)
    community = db.session.get(Community, chosen) if chosen in community_ids else None
    _prepare(form, community_ids, community)
    if form.validate_on_submit():
        community = db.session.get(Community, form.community_id.data)
        originator = None
        if form.originator.data:
            originator = find_by_identifier(normalise_identifier(form.originator.data))
        uploads = _uploads(form)
        topic, refusal, earlier = attempt_once(
            form,
            'topic',
            _create_and_maybe_submit,
            community,
            form.channel.data,
            form.data_dict(),
            originator,
            form.submit_now.data,
            uploads,
        )
        if earlier is not None:
            return already_submitted(url_for('topics.detail', topic_id=earlier))
        if refusal is None:
            flash(_('Topic submitted.') if form.submit_now.data else _('Draft saved.'), 'success')
            return redirect(url_for('topics.detail', topic_id=topic.id))
        _error_field(form, refusal).errors.append(str(refusal))
    return render_template('topics/form.html', form=form, topic=None, exclusions=EXCLUSIONS)


def _uploads(form: TopicForm):
    return read_uploads(form.attachments.data, current_app.config['ATTACHMENT_MAX_BYTES'])


def _error_field(form: TopicForm, refusal):
    """Refusals about files show at the file input, the others at the title."""
    return form.attachments if refusal.code.startswith('attachment') else form.title


def _create_and_maybe_submit(community, channel, data, originator, submit_now, uploads):
    topic = operations.create_draft(current_user, community, channel, data, originator=originator)
    attach_files(current_user, topic, uploads)
    if submit_now:
        operations.submit_topic(current_user, topic)
    return topic


@bp.route('/<int:topic_id>/edit', methods=['GET', 'POST'])
@login_required
def edit(topic_id: int):
    topic = load_topic(topic_id)
    if not operations.can_edit(current_user, topic):
        abort(403)
    form = TopicForm(obj=None if request.method == 'POST' else topic)
    _prepare(form, {topic.community_id}, topic.community)
    form.community_id.data = topic.community_id
    form.channel.choices = [(topic.source_channel, str(CHANNEL_LABELS[topic.source_channel]))]
    if request.method == 'GET':
        form.categories.data = topic.categories
        form.grid_ids.data = [grid.id for grid in topic.grids]
        form.building_ids.data = [b.id for b in topic.buildings]
        form.private.data = not topic.public
    if form.validate_on_submit():
        uploads = _uploads(form)
        _result, refusal = attempt(_edit_and_maybe_submit, topic, form.data_dict(), form.submit_now.data, uploads)
        if refusal is None:
            flash(_('Topic saved.'), 'success')
            return redirect(url_for('topics.detail', topic_id=topic.id))
        _error_field(form, refusal).errors.append(str(refusal))
    return render_template('topics/form.html', form=form, topic=topic, exclusions=EXCLUSIONS)


def _edit_and_maybe_submit(topic, data, submit_now, uploads):
    operations.edit_topic(current_user, topic, data)
    attach_files(current_user, topic, uploads)
    if submit_now and may(current_user, 'topic.submit', topic):
        operations.submit_topic(current_user, topic)
    return topic


@bp.route('/mine')
@login_required
def mine():
    from consult.roles.models import Role
    from consult.roles.permissions import community_ids_for

    page = queries.my_topics(current_user, int_arg('page'))
    return render_template(
        'topics/mine.html',
        page=page,
        may_review=bool(community_ids_for(current_user, Role.COMMITTEE_STAFF, Role.COMMITTEE_DIRECTOR)),
        may_propose=bool(p.submittable_community_ids(current_user)),
        may_confirm=bool(p.party_community_ids(current_user)),
    )


@bp.route('/<int:topic_id>')
def detail(topic_id: int):
    topic = load_topic(topic_id)
    rules_outcome = None
    if topic.status == TopicStatus.SUBMITTED:
        from consult.kernel.clock import today
        from consult.rules.queries import rules_in_force
        from consult.topics.guards import threshold_outcome

        rules = rules_in_force(topic.community, today())
        rules_outcome = threshold_outcome(topic, rules) if rules else None
    user = current_user if current_user.is_authenticated else None
    sections = {'ticket': None, 'may_dispatch': False, 'may_see_ticket': False, 'comments': None, 'comment_steps': {}}
    for contribution in contributions(topic_page, topic, user=user):  # dispatch, comments
        sections.update(contribution)
    return render_template(
        'topics/detail.html',
        **sections,
        topic=topic,
        events=queries.timeline(topic.id),
        # Steps taken on other pages: ``redirect`` through the dispatch pages, the session steps by opening and
        # closing a meeting.
        actions=[a for a in states.allowed_actions(user, topic) if a not in states.ELSEWHERE] if user else [],
        still_needed=threshold_needed(rules_outcome),
        my_cosign=queries.active_cosign(topic.id, user.id) if user else None,
        exclusion=EXCLUSIONS.get(topic.exclusion_code or ''),
        action_labels=states.ACTION_LABELS,
        step_label=states.step_label,
        form_labels=FORM_LABELS,
        channel_labels=CHANNEL_LABELS,
        category_label=category_label,
        role_label=role_label,
        action_form=ActionForm(),
    )


@bp.route('/<int:topic_id>/cosign', methods=['POST'])
@login_required
def cosign(topic_id: int):
    topic = load_topic(topic_id)
    if not p.can_cosign(current_user, topic):
        abort(403)
    form = ActionForm()
    if form.validate_on_submit():
        withdraw = request.form.get('withdraw') == '1'
        operation = operations.withdraw_cosign if withdraw else operations.cosign
        _result, refusal = attempt(operation, current_user, topic)
        if refusal is not None:
            flash(str(refusal), 'error')
        else:
            flash(_('Co-sign withdrawn.') if withdraw else _('Thank you: you co-signed this topic.'), 'success')
    return redirect(url_for('topics.detail', topic_id=topic.id))
