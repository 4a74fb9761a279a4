"""Fixtures: every test runs against SQLite and against a real PostgreSQL started here.

The schema is built once per backend by the Alembic migrations (so every run also proves they
apply); between tests the business tables are emptied. Set TEST_BACKENDS=sqlite for a quick loop.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from crm import create_app
from crm.extensions import db, limiter
from tests.pg import TempPostgres

BACKENDS = [b for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
# Static reference data loaded by the migrations; kept between tests.
KEEP_TABLES = {"alembic_version", "industry_sections", "industry_divisions"}
PASSWORD = "Demo@2026"


@pytest.fixture(scope="session")
def postgres():
    server = TempPostgres()
    server.start()
    yield server
    server.stop()


class Backend:
    def __init__(self, name: str, url: str, sqlite_path: Path | None = None) -> None:
        self.name, self.url, self.sqlite_path = name, url, sqlite_path
        self.app = None

    def build(self):
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI = self.url
        self.app = create_app(config)
        with self.app.app_context():
            upgrade()
        return self

    def reset(self) -> None:
        """Empty every business table (the audit table's delete trigger is bypassed by TRUNCATE,
        and for SQLite by rebuilding the file from the freshly migrated template)."""
        with self.app.app_context():
            db.session.remove()
            if self.name == "postgresql":
                tables = ", ".join(
                    t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES
                )
                with db.engine.begin() as conn:
                    conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            else:
                db.engine.dispose()
                shutil.copyfile(self.sqlite_path.with_suffix(".template"), self.sqlite_path)
        limiter.reset()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        server.create_database("investtrack_test")
        backend = Backend("postgresql", server.url("investtrack_test")).build()
    else:
        path = Path(tempfile.mkdtemp(prefix="investtrack-sqlite-")) / "test.sqlite"
        backend = Backend("sqlite", f"sqlite:///{path}", path).build()
        with backend.app.app_context():
            db.engine.dispose()
        shutil.copyfile(path, path.with_suffix(".template"))
    yield backend
    with backend.app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(backend):
    backend.reset()
    backend.app.config["LOGIN_RATE_LIMIT"] = TestingConfig.LOGIN_RATE_LIMIT
    with backend.app.app_context():
        yield backend.app
        db.session.remove()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an already-pushed app context for a request; the `app` fixture pushes one for
    the test body, so without this `g` (the audit actor, Babel's locale) would leak between requests.
    """

    def open(self, *args, **kwargs):
        # Buffered: a streamed body (the ledger export) is read inside the request's own context, as a
        # WSGI server reads it, not later in the test's.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """Two units and the six demo roles (DOMAIN.md §9), created through the services."""
    from tests.factories import make_world

    return make_world()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD, next_url: str | None = None):
        page = self.client.get("/login")
        data = {"username": username, "password": password, "csrf_token": csrf_token(page.text)}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post("/login", data=data)

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/logout", data={"csrf_token": csrf_token(page.text)})

    def post_form(self, url: str, data: dict, form_page: str | None = None):
        """POST a form the way a browser would: with the CSRF token of the page it came from."""
        page = self.client.get(form_page or url)
        return self.client.post(url, data={**data, "csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Api:
    def __init__(self, client) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    def login(self, username: str, password: str = PASSWORD) -> Api:
        response = self.client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 201, response.json
        self.headers = {"Authorization": f"Bearer {response.json['token']}"}
        return self

    def __getattr__(self, method: str):
        if method not in {"get", "post", "patch", "put", "delete"}:
            raise AttributeError(method)
        return lambda url, **kw: getattr(self.client, method)(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's chromium, headless and offline (no downloads: `playwright install` is not needed)."""
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, for the browser tier."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
