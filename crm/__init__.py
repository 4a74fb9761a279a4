"""InvestTrack: the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import gettext
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from crm import models  # noqa: F401  (every model registered before use)
from crm.audit.services import set_actor
from crm.auth.services import load_user
from crm.cli import register_cli
from crm.core import text_guard  # noqa: F401  (registers the flush hook that refuses bad text)
from crm.core.features import register_features
from crm.core.i18n import N_, select_locale
from crm.core.transactions import init_transactions
from crm.core.web import register_error_handlers, register_template_helpers
from crm.domain import AuditSource
from crm.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from crm.features import FEATURES

ROOT = Path(__file__).resolve().parent.parent


class BoundedIntConverter(IntegerConverter):
    """Ids beyond any table's range become 0, which matches no row: the lookup answers 404 as for any
    unknown id (refusing them in routing would make Werkzeug answer 405, and SQLite would overflow)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


def create_app(config) -> Flask:
    """Build the app for a config object; never touches the schema (migrations do that)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    Path(app.instance_path).mkdir(exist_ok=True)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        # Only behind our own reverse proxy: trust its client address (sign-in throttling) and scheme (HSTS).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    _init_extensions(app)
    init_transactions(app)
    register_template_helpers(app)
    register_features(app, FEATURES)
    _register_hooks(app)

    register_error_handlers(app)

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"


def _register_hooks(app: Flask) -> None:
    @app.before_request
    def _web_session_and_actor():
        session.permanent = True  # so PERMANENT_SESSION_LIFETIME applies
        if "audit_source" not in g and current_user.is_authenticated:
            set_actor(current_user.id, AuditSource.WEB)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Intranet deployments: nothing may be loaded from outside the app.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
        )
        _private_and_https_headers(app, response)
        return response


def _private_and_https_headers(app: Flask, response) -> None:
    # A page with a signed-in user's data must not stay in a shared PC's browser cache or a proxy;
    # static files and the anonymous login page keep their normal caching.
    static = (request.endpoint or "").endswith("static")
    if not static and (g.get("api_user") is not None or current_user.is_authenticated):
        response.headers["Cache-Control"] = "no-store"
    if app.config.get("IS_PRODUCTION") and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
