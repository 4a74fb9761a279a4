"""Pages with a user's data are never cached; HSTS in production over HTTPS."""

from config import TestingConfig
from crm import create_app
from crm.extensions import db


def test_signed_in_pages_and_api_answers_are_not_stored(world, auth, client, api):
    auth.login("staff_a")
    for url in ["/", "/projects", "/account/password"]:
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    api.login("staff_a")
    assert api.get("/api/v1/users/me").headers.get("Cache-Control") == "no-store"


def test_login_page_and_static_files_keep_their_caching(world, client, auth):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    auth.login("staff_a")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_hsts_in_production_over_https_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="https://localhost").headers
    app.config["IS_PRODUCTION"] = True
    try:
        assert "Strict-Transport-Security" not in client.get("/login").headers
        secure = client.get("/login", base_url="https://localhost").headers
        assert secure["Strict-Transport-Security"].startswith("max-age=")
    finally:
        app.config["IS_PRODUCTION"] = False


def test_forwarded_proto_is_trusted_only_with_proxy_fix(app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    for proxies, expected in [(0, False), (1, True)]:
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        config.IS_PRODUCTION = True
        config.PROXY_FIX = proxies
        other = create_app(config)
        try:
            headers = other.test_client().get("/login", headers=forwarded).headers
            assert ("Strict-Transport-Security" in headers) is expected, proxies
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()
