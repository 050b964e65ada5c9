"""The Atom feed of published results: the topic list's feed (same filters, same template), limited to topics
whose result was published or went further (``queries.RESULT_STATUSES``)."""

import sqlalchemy.orm as so
from flask import make_response
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from consult.db import db
from consult.kernel.clock import utcnow
from consult.topics.models import Topic
from consult.topics.public import FEED_SIZE
from consult.topics.public import Filters
from consult.topics.public import public_topics_query
from consult.transparency.display import current_head

from . import bp
from .queries import RESULT_STATUSES


def result_topics(filters: Filters) -> list[Topic]:
    """The newest published results matching the topic list's ``filters``."""
    query = public_topics_query(filters).where(Topic.status.in_(RESULT_STATUSES))
    return list(db.session.scalars(query.options(so.selectinload(Topic.community)).limit(FEED_SIZE)))


@bp.route('/results.atom')
def results_feed():
    filters = Filters.from_args(request.args)
    topics = result_topics(filters)
    body = render_template(
        'topics/feed.xml',
        feed_title=_('Published results'),
        topics=topics,
        updated=max((t.updated_at for t in topics), default=utcnow()),
        filters=filters,
        self_url=request.url,
        html_url=url_for('topics.index', _external=True, **filters.as_args()),
        log_head=current_head(),
    )
    response = make_response(body)
    response.headers['Content-Type'] = 'application/atom+xml; charset=utf-8'
    response.headers['Cache-Control'] = 'public, max-age=300'
    return response
