"""Consult (社区议事协商平台): the application factory. It only assembles; it has no side effects."""

import logging
import os
from pathlib import Path

from flask import Flask

from consult import static_files
from consult.collector import tune_collector
from consult.config import Config
from consult.config import config_from_env
from consult.config import load_or_create_secret
from consult.config import load_or_create_signing_key

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None, overrides: dict | None = None) -> Flask:
    """Build the Flask app.

    :param config: a config class; defaults to the one named by ``CONSULT_ENV``.
    :param overrides: values applied last (tests use it for the database URL).
    """
    app = Flask(
        __name__,
        # CONSULT_INSTANCE_PATH lets a second server (live tests) keep its own secret and demo password.
        instance_path=os.environ.get('CONSULT_INSTANCE_PATH') or str(ROOT / 'instance'),
        instance_relative_config=True,
        template_folder=str(ROOT / 'templates'),
        static_folder=str(ROOT / 'static'),
    )
    app.config.from_object(config or config_from_env())
    app.config.from_prefixed_env('CONSULT')
    if overrides:
        app.config.update(overrides)
    if not app.config.get('SECRET_KEY'):
        app.config['SECRET_KEY'] = load_or_create_secret(app.instance_path)
    if not app.config.get('TRANSPARENCY_SIGNING_KEY'):
        app.config['TRANSPARENCY_SIGNING_KEY'] = load_or_create_signing_key(app.instance_path)
    if not app.config.get('SQLALCHEMY_DATABASE_URI'):
        app.config['SQLALCHEMY_DATABASE_URI'] = f'sqlite:///{Path(app.instance_path) / "consult.db"}'
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('postgresql'):
        app.config['SQLALCHEMY_ENGINE_OPTIONS'] = {
            'pool_size': app.config['DATABASE_POOL_SIZE'],
            'max_overflow': app.config['DATABASE_MAX_OVERFLOW'],
            **app.config['SQLALCHEMY_ENGINE_OPTIONS'],
        }

    from consult.meetings.video import check_config

    check_config(app.config)
    _configure_logging(app)
    _bound_inputs(app)
    _register_extensions(app)
    _register_blueprints(app)
    _plug_contexts()
    _register_socket_handlers(app)
    _register_hooks(app)
    tune_collector(app)
    return app


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')


def _bound_inputs(app: Flask) -> None:
    """Every ``<int:...>`` route takes ids in the database's range; no request carries unstorable text."""
    from consult.inputs import IdConverter
    from consult.inputs import check_request

    app.url_map.converters['int'] = IdConverter
    app.before_request(check_request)


def _register_extensions(app: Flask) -> None:
    from consult.db import ping_after_idle
    from consult.delivery import manager_for
    from consult.extensions import babel
    from consult.extensions import csrf
    from consult.extensions import db
    from consult.extensions import limiter
    from consult.extensions import login_manager
    from consult.extensions import migrate
    from consult.extensions import socketio
    from consult.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, app.config['DATABASE_PING_AFTER'])
    migrate.init_app(app, db, directory=str(ROOT / 'migrations'))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / 'consult' / 'translations'),
    )
    limiter.init_app(app)
    socketio.init_app(
        app,
        # Flask-SocketIO's own choice for the queue, with per-socket filters on room deliveries and
        # the ending of a login session's sockets on every process (consult/delivery.py, consult/socket_ends.py).
        client_manager=manager_for(app.config.get('SOCKETIO_MESSAGE_QUEUE'), app.config['SOCKETIO_CHANNEL']),
        async_mode=app.config.get('SOCKETIO_ASYNC_MODE'),
        # Same-origin only (the default); never '*', which would open the door to cross-site sockets.
        cors_allowed_origins=app.config.get('SOCKETIO_CORS_ORIGINS'),
        max_http_buffer_size=app.config['SOCKETIO_MAX_TRANSPORT_BYTES'],
        ping_interval=app.config['SOCKETIO_PING_INTERVAL'],
        ping_timeout=app.config['SOCKETIO_PING_TIMEOUT'],
        # Handle each event in the greenlet that read it, not a new one: one scheduling round less per
        # message while the hub is busy writing a room's fan-out (bench/live/README.md).
        async_handlers=app.config.get('SOCKETIO_ASYNC_HANDLERS', False),
    )
    _trust_proxies(app)
    static_files.init_app(app)


def _trust_proxies(app: Flask) -> None:
    """Behind nginx (``PROXY_COUNT`` > 0): the client's address, scheme and host come from the proxies'
    X-Forwarded-* headers, trusting only as many hops as configured, so limits key on each client, not on nginx."""
    hops = app.config.get('PROXY_COUNT') or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _register_blueprints(app: Flask) -> None:
    from consult import accounts
    from consult import archive
    from consult import audit
    from consult import comments
    from consult import communities
    from consult import deputies
    from consult import disclosure
    from consult import dispatch
    from consult import implementation
    from consult import main
    from consult import meetings
    from consult import notifications
    from consult import opendata
    from consult import outcomes
    from consult import petitions
    from consult import residency
    from consult import roles
    from consult import rules
    from consult import topics
    from consult import votes
    from consult.accounts import reset_routes as _accounts_reset_routes  # noqa: F401
    from consult.accounts import routes as _accounts_routes  # noqa: F401 - registers views on the blueprint
    from consult.archive import routes as _archive_routes  # noqa: F401
    from consult.audit import routes as _audit_routes  # noqa: F401
    from consult.comments import routes as _comments_routes  # noqa: F401
    from consult.communities import routes as _communities_routes  # noqa: F401
    from consult.deputies import routes as _deputies_routes  # noqa: F401
    from consult.deputies import routes_public as _deputies_public_routes  # noqa: F401
    from consult.disclosure import notice as _disclosure_notice  # noqa: F401
    from consult.disclosure import routes as _disclosure_routes  # noqa: F401
    from consult.dispatch import routes as _dispatch_routes  # noqa: F401
    from consult.errors import register_error_handlers
    from consult.implementation import notice as _implementation_notice  # noqa: F401
    from consult.implementation import routes as _implementation_routes  # noqa: F401
    from consult.main import routes as _main_routes  # noqa: F401
    from consult.meetings import routes as _meetings_routes  # noqa: F401
    from consult.notifications import routes as _notifications_routes  # noqa: F401
    from consult.opendata import routes as _opendata_routes  # noqa: F401
    from consult.outcomes import routes as _outcomes_routes  # noqa: F401
    from consult.petitions import routes as _petitions_routes  # noqa: F401
    from consult.residency import routes as _residency_routes  # noqa: F401
    from consult.roles import routes as _roles_routes  # noqa: F401
    from consult.rules import routes as _rules_routes  # noqa: F401
    from consult.topics import routes as _topics_routes  # noqa: F401
    from consult.votes import fragment_routes as _votes_fragment_routes  # noqa: F401
    from consult.votes import routes as _votes_routes  # noqa: F401
    from consult.votes import routes_onsite as _votes_onsite_routes  # noqa: F401
    from consult.votes import routes_proxies as _votes_proxies_routes  # noqa: F401
    from consult.votes import routes_published as _votes_published_routes  # noqa: F401

    for module in (
        main,
        accounts,
        communities,
        residency,
        roles,
        rules,
        petitions,
        topics,
        meetings,
        votes,
        outcomes,
        implementation,
        disclosure,
        deputies,
        dispatch,
        comments,
        notifications,
        audit,
        opendata,
        archive,
    ):
        app.register_blueprint(module.bp)
    register_error_handlers(app)

    from consult import demo
    from consult.deputies.cli import deputies_cli
    from consult.disclosure.cli import disclosure_cli
    from consult.dispatch.cli import dispatch_cli
    from consult.petitions.cli import petitions_cli
    from consult.submissions import submissions_cli
    from consult.transparency.cli import archive_cli
    from consult.votes.cli import votes_cli

    app.cli.add_command(demo.demo_cli)
    app.cli.add_command(deputies_cli)
    app.cli.add_command(disclosure_cli)
    app.cli.add_command(dispatch_cli)
    app.cli.add_command(petitions_cli)
    app.cli.add_command(submissions_cli)
    app.cli.add_command(votes_cli)
    app.cli.add_command(archive_cli)


def _plug_contexts() -> None:
    """Connect each context to the kernel and to the contexts upstream of it (idempotent: tests build many apps).

    Listeners of domain events, extensions of upstream state machines, predicates of actions, receivers of
    extension points: ``consult/<context>/wiring.py`` says what each context connects.
    """
    from consult.archive import wiring as archive_wiring
    from consult.comments import wiring as comments_wiring
    from consult.deputies import wiring as deputies_wiring
    from consult.disclosure import wiring as disclosure_wiring
    from consult.dispatch import wiring as dispatch_wiring
    from consult.implementation import wiring as implementation_wiring
    from consult.meetings import wiring as meetings_wiring
    from consult.notifications import wiring as notifications_wiring
    from consult.outcomes import wiring as outcomes_wiring
    from consult.petitions import wiring as petitions_wiring
    from consult.residency import wiring as residency_wiring
    from consult.roles import wiring as roles_wiring
    from consult.rules import wiring as rules_wiring
    from consult.topics import wiring as topics_wiring
    from consult.transparency import wiring as transparency_wiring
    from consult.votes import wiring as votes_wiring

    for wiring in (
        transparency_wiring,
        roles_wiring,
        rules_wiring,
        residency_wiring,
        notifications_wiring,
        topics_wiring,
        petitions_wiring,
        dispatch_wiring,
        comments_wiring,
        meetings_wiring,
        votes_wiring,
        outcomes_wiring,
        implementation_wiring,
        disclosure_wiring,
        deputies_wiring,
        archive_wiring,
    ):
        wiring.plug()


def _register_socket_handlers(app: Flask) -> None:
    from consult.extensions import socketio
    from consult.meetings.events import register as register_meeting_events
    from consult.realtime import SocketSessions
    from consult.realtime import register_socket_handlers
    from consult.socket_ends import GuardedEvents
    from consult.socket_limits import install as install_socket_limits
    from consult.topics.events import register as register_topic_events
    from consult.votes.events import register as register_vote_events
    from consult.websocket import tune

    tune()
    app.session_interface = SocketSessions()
    install_socket_limits(app, socketio.server)
    register_socket_handlers(socketio)
    # Every context's events are guarded: a socket whose login session ended is told so and disconnected.
    events = GuardedEvents(socketio)
    register_topic_events(events)
    register_meeting_events(events)
    register_vote_events(events)
    # Flask-SocketIO handles every socket event inside a request context made from the connection's
    # handshake request (``/socket.io/``). With no rule for that path, Werkzeug raised NotFound on every
    # event and the request kept the exception, its traceback and frames: cyclic garbage that made the
    # collector stop the process for 100-500 ms every few seconds in a busy room (bench/live/README.md).
    # The rule only lets the event's context match; Socket.IO's own middleware answers the path first.
    app.add_url_rule('/socket.io/', 'socketio', _socket_io_path, methods=['GET', 'POST'])
    app.add_url_rule('/socket.io/', 'socketio', _socket_io_path, websocket=True)


def _socket_io_path():
    from flask import abort

    abort(404)


def _register_hooks(app: Flask) -> None:
    from consult.accounts.session import load_user
    from consult.extensions import login_manager
    from consult.main.context import inject_globals
    from consult.security import set_security_headers
    from consult.transparency.display import init_app as show_tree_head
    from consult.votes.wiring import init_app as start_votes_closer

    start_votes_closer(app)
    show_tree_head(app)

    login_manager.user_loader(load_user)
    app.after_request(set_security_headers)
    app.context_processor(inject_globals)
