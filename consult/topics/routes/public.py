"""Public pages: the topic list with filters and search, and its Atom feed (no login)."""

from flask import make_response
from flask import render_template
from flask import request
from flask import url_for

from consult.inputs import int_arg
from consult.kernel.clock import utcnow
from consult.topics import bp
from consult.topics.models import CHANNEL_LABELS
from consult.topics.models import STATUS_LABELS
from consult.topics.models import TopicStatus
from consult.topics.public import HIDDEN_STATUSES
from consult.topics.public import PAGE_SIZE
from consult.topics.public import Filters
from consult.topics.public import feed_topics
from consult.topics.public import filter_choices
from consult.topics.public import public_topics


@bp.route('/')
def index():
    filters = Filters.from_args(request.args)
    page = public_topics(filters, int_arg('page'), int_arg('per_page', PAGE_SIZE))
    statuses = [(s.value, STATUS_LABELS[s]) for s in TopicStatus if s not in HIDDEN_STATUSES]
    return render_template(
        'topics/index.html',
        page=page,
        filters=filters,
        statuses=statuses,
        channels=CHANNEL_LABELS,
        feed_url=url_for('topics.feed', **filters.as_args()),
        **filter_choices(),
    )


@bp.route('/feed.atom')
def feed():
    filters = Filters.from_args(request.args)
    topics = feed_topics(filters)
    updated = max((t.updated_at for t in topics), default=utcnow())
    # The template ends in .xml so Jinja autoescapes it (titles and bodies are text inside XML).
    body = render_template(
        'topics/feed.xml',
        topics=topics,
        updated=updated,
        filters=filters,
        self_url=request.url,
        html_url=url_for('topics.index', _external=True, **filters.as_args()),
    )
    response = make_response(body)
    response.headers['Content-Type'] = 'application/atom+xml; charset=utf-8'
    return response
