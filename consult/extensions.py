"""Flask extensions, created unbound and bound to the app in :func:`consult.create_app`."""

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from consult.db import db

__all__ = ['babel', 'csrf', 'db', 'limiter', 'login_manager', 'migrate', 'socketio']

babel = Babel()
csrf = CSRFProtect()
migrate = Migrate()
socketio = SocketIO()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = 'accounts.login'
login_manager.session_protection = 'strong'
login_manager.login_message = _l('Please log in to see this page.')
login_manager.login_message_category = 'info'
